/// The store's in-memory objects, grouped by resource (`/registry/pods/`, `/registry/nodes/`,
/// …), so that listing one resource, or one namespace of it, reads only that resource's
/// objects. Admission lists a namespace's quotas and limit ranges on every write; with one flat
/// table each of those lists walked every object in the store.
struct ObjectTable {
    private var groups: [String: [String: StoredObject]] = [:]
    private(set) var count = 0

    /// The key up to and including its third `/` (`/registry/pods/`), or nil if it has fewer.
    static func group(of key: some StringProtocol) -> String? {
        var slashes = 0
        for index in key.indices where key[index] == "/" {
            slashes += 1
            if slashes == 3 { return String(key[...index]) }
        }
        return nil
    }

    subscript(key: String) -> StoredObject? {
        get { groups[Self.group(of: key) ?? ""]?[key] }
        set {
            let group = Self.group(of: key) ?? ""
            let old: StoredObject?
            if let newValue {
                old = groups[group, default: [:]].updateValue(newValue, forKey: key)
            } else {
                old = groups[group]?.removeValue(forKey: key)
            }
            count += (newValue == nil ? 0 : 1) - (old == nil ? 0 : 1)
            if groups[group]?.isEmpty == true { groups[group] = nil }
        }
    }

    /// Every object whose key starts with `prefix`, in no particular order.
    func objects(withPrefix prefix: String) -> [StoredObject] {
        if let group = Self.group(of: prefix) {
            guard let members = groups[group] else { return [] }
            return prefix == group ? Array(members.values) : members.values.filter { $0.key.hasPrefix(prefix) }
        }
        return groups.values.flatMap { $0.values.filter { $0.key.hasPrefix(prefix) } }
    }
}
