/// The store's in-memory objects, grouped by resource (`/registry/pods/`, `/registry/nodes/`,
/// …), so that listing one resource, or one namespace of it, reads only that resource's
/// objects. Admission lists a namespace's quotas and limit ranges on every write; with one flat
/// table each of those lists walked every object in the store.
struct ObjectTable {
    private var groups: [String: [String: StoredObject]] = [:]
    private(set) var count = 0

    /// The key up to and including its third `/` (`/registry/pods/`), or nil if it has fewer.
    /// Runs on every get: scans bytes, not Characters (grapheme breaking costs).
    static func group(of key: String) -> String? {
        var slashes = 0
        let bytes = key.utf8
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if bytes[index] == UInt8(ascii: "/") {
                slashes += 1
                if slashes == 3 { return String(key[...index]) }
            }
            bytes.formIndex(after: &index)
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
