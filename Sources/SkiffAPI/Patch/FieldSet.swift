/// A set of field paths in the "FieldsV1" form that `metadata.managedFields[].fieldsV1` stores
/// (structured-merge-diff's `fieldpath.Set`, serialised).
///
/// A path is a list of path elements, each a string exactly as it appears as a key in `fieldsV1`:
///   - `f:<name>`: a member of a map (`f:spec`, `f:app.kubernetes.io/name`);
///   - `k:<json>`: the element of a keyed list whose key fields have these values
///     (`k:{"name":"web"}`, the JSON with sorted keys and no spaces);
///   - `v:<json>`: the element of a set list with this value (`v:"kubernetes.io/pvc-protection"`);
///   - `i:<n>`: a list element by index (Kubernetes writes these for no built-in field; read only).
///
/// The tree is kept as Kubernetes serialises it rather than as a list of paths: membership tests and
/// set algebra then cost one walk, and converting to and from `fieldsV1` is direct. In `fieldsV1` a
/// member with no members below it is `{}`, and a member that also has members below it carries
/// `".": {}` (an owned list element `k:{"name":"web"}` whose `f:image` is owned too).
public struct FieldSet: Sendable, Hashable {
    /// Whether the path leading to this node is itself in the set. Never true at the root (the
    /// empty path is not a field).
    public internal(set) var isMember: Bool = false
    /// The nodes below, by path element. Every node here is non-empty (the mutators prune), so that
    /// two equal sets are equal values.
    public internal(set) var children: [String: FieldSet] = [:]

    public init() {}

    /// Reads a `fieldsV1` tree. Anything that is not an object below a key is read as a leaf (`{}`),
    /// so a malformed entry written by some client cannot make the server fail on every write.
    public init(fieldsV1: JSON) {
        for (key, value) in fieldsV1.object ?? [:] {
            if key == "." {
                isMember = true
                continue
            }
            var child = FieldSet(fieldsV1: value)
            if child.children.isEmpty { child.isMember = true }
            children[key] = child
        }
    }

    /// The set as a `fieldsV1` tree; the empty set is `{}`.
    public var fieldsV1: JSON {
        var members: [String: JSON] = [:]
        for (key, child) in children where !child.isEmpty { members[key] = child.fieldsV1 }
        if isMember && !members.isEmpty { members["."] = .emptyObject }
        return .object(members)
    }

    public var isEmpty: Bool { !isMember && children.isEmpty }

    /// The node at `path` (members below it and whether it is a member itself), if any.
    public func node(at path: [String]) -> FieldSet? {
        var current = self
        for element in path {
            guard let next = current.children[element] else { return nil }
            current = next
        }
        return current
    }

    /// Whether `path` itself is in the set.
    public func contains(_ path: [String]) -> Bool {
        node(at: path)?.isMember == true
    }

    public mutating func insert(_ path: [String]) {
        insert(path[...])
    }

    private mutating func insert(_ path: ArraySlice<String>) {
        guard let first = path.first else {
            isMember = true
            return
        }
        children[first, default: FieldSet()].insert(path.dropFirst())
    }

    /// Removes `path` from the set; paths below it stay (use `subtracting` with a subtree to drop
    /// those too). Nodes left with no members are pruned.
    public mutating func remove(_ path: [String]) {
        remove(path[...])
    }

    private mutating func remove(_ path: ArraySlice<String>) {
        guard let first = path.first else {
            isMember = false
            return
        }
        guard var child = children[first] else { return }
        child.remove(path.dropFirst())
        children[first] = child.isEmpty ? nil : child
    }

    public func union(_ other: FieldSet) -> FieldSet {
        var result = self
        result.formUnion(other)
        return result
    }

    public mutating func formUnion(_ other: FieldSet) {
        isMember = isMember || other.isMember
        for (key, child) in other.children {
            if children[key] == nil {
                children[key] = child
            } else {
                children[key]!.formUnion(child)
            }
        }
    }

    /// The members of this set that are not members of `other`.
    public func subtracting(_ other: FieldSet) -> FieldSet {
        var result = FieldSet()
        result.isMember = isMember && !other.isMember
        for (key, child) in children {
            guard let otherChild = other.children[key] else {
                result.children[key] = child
                continue
            }
            let rest = child.subtracting(otherChild)
            if !rest.isEmpty { result.children[key] = rest }
        }
        return result
    }

    public func intersection(_ other: FieldSet) -> FieldSet {
        var result = FieldSet()
        result.isMember = isMember && other.isMember
        for (key, child) in children {
            guard let otherChild = other.children[key] else { continue }
            let common = child.intersection(otherChild)
            if !common.isEmpty { result.children[key] = common }
        }
        return result
    }

    /// Every member path, depth first with a node before the nodes below it and siblings in sorted
    /// order: the order in which conflicts are reported, so messages are stable.
    public var paths: [[String]] {
        var result: [[String]] = []
        var prefix: [String] = []
        collectPaths(into: &result, prefix: &prefix)
        return result
    }

    private func collectPaths(into result: inout [[String]], prefix: inout [String]) {
        if isMember && !prefix.isEmpty { result.append(prefix) }
        for key in children.keys.sorted() {
            prefix.append(key)
            children[key]!.collectPaths(into: &result, prefix: &prefix)
            prefix.removeLast()
        }
    }
}

extension FieldSet {
    /// Path element for a map member.
    static func field(_ name: String) -> String { "f:" + name }

    /// Path element for a keyed list element (the serialiser sorts keys, as Kubernetes does).
    static func key(_ fields: [String: JSON]) -> String { "k:" + JSON.object(fields).serializedString() }

    /// Path element for an element of a set list.
    static func value(_ value: JSON) -> String { "v:" + value.serializedString() }

    /// A path as Kubernetes prints it in conflict messages (structured-merge-diff's
    /// `Path.String()`): `.spec.template.spec.containers[name="web"].image`, `.metadata.finalizers[="a"]`.
    public static func describe(_ path: [String]) -> String {
        path.map(describeElement).joined()
    }

    static func describeElement(_ element: String) -> String {
        let body = String(element.dropFirst(2))
        switch element.prefix(2) {
        case "f:":
            return "." + body
        case "k:":
            guard let fields = (try? JSON.parse(body))?.object else { return "[\(body)]" }
            return "[" + fields.keys.sorted().map { "\($0)=\(fields[$0]!.serializedString())" }.joined(separator: ",")
                + "]"
        case "v:":
            return "[=\(body)]"
        case "i:":
            return "[\(body)]"
        default:
            return element
        }
    }
}
