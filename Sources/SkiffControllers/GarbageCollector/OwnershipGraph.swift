import SkiffAPI

/// Who owns whom among the objects the collector watches: each object by uid, and for each
/// owner uid the objects that name it in `ownerReferences`.
struct OwnershipGraph: Sendable {
    /// `resource|namespace/name`, the collector's work item for one object.
    typealias Item = String

    struct Node: Sendable {
        let item: Item
        let uid: String
        let owners: [String]
    }

    private var byItem: [Item: Node] = [:]
    private var byUID: [String: Item] = [:]
    private var dependents: [String: Set<Item>] = [:]

    static func item(_ info: ResourceInfo, key: String) -> Item { info.group + "/" + info.resource + "|" + key }

    static func split(_ item: Item) -> (resource: String, key: String) {
        let parts = item.split(separator: "|", maxSplits: 1).map(String.init)
        return (parts[0], parts.count > 1 ? parts[1] : "")
    }

    /// Records the object's current references (nil: it is gone); returns the uid it had.
    @discardableResult
    mutating func update(_ item: Item, _ object: JSON?) -> String? {
        let old = byItem.removeValue(forKey: item)
        if let old {
            byUID[old.uid] = nil
            for owner in old.owners { dependents[owner]?.remove(item) }
        }
        guard let object, let uid = object[path: ["metadata", "uid"]]?.string else { return old?.uid }
        let owners = (object[path: ["metadata", "ownerReferences"]]?.array ?? []).compactMap { $0["uid"]?.string }
        byItem[item] = Node(item: item, uid: uid, owners: owners)
        byUID[uid] = item
        for owner in owners { dependents[owner, default: []].insert(item) }
        return old?.uid
    }

    func item(uid: String) -> Item? { byUID[uid] }
    func dependents(of uid: String) -> Set<Item> { dependents[uid] ?? [] }
}
