/// Which fields an object, or a change to it, owns: the sets stored in `metadata.managedFields`.
///
/// Kubernetes derives these from each type's OpenAPI schema (structured-merge-diff). Skiff is
/// untyped, so lists follow `PatchStrategy` (the table merges use, so that what a manager owns and
/// how its values merge always agree: a list merged by key is owned element by element, a list
/// replaced whole is owned whole), and the few map rules Kubernetes users can see are listed below.
enum ManagedFields {
    /// How a computed set marks the nodes that are not leaves. Leaves (scalars, atomic lists and
    /// maps, empty maps and lists) and list elements are members under every rule.
    enum Membership {
        /// What an Apply configuration owns (`ToFieldSet`): maps and lists are not members, so a
        /// manager that stops applying `labels.b` loses `b`, not the whole `labels` map.
        case apply
        /// A subtree an update added: as `apply`, plus lists and string maps (labels, ...) that did
        /// not exist before own themselves (`".": {}`), as Kubernetes records them. Structs such as
        /// `spec` always exist in a Go object, so Kubernetes never records them this way.
        case added
        /// Every node: what a removal takes away from every owner.
        case everything
    }

    /// ObjectMeta fields no manager owns (Kubernetes' `internal/stripmeta.go`): the server sets them.
    static let strippedMetadata: Set<String> = [
        "name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields",
        "resourceVersion",
    ]

    /// Whether the field at `fields` (names from the root) is in no set. `status` is left out of Apply
    /// sets: Kubernetes resets it on the main resource, so an applier never owns it.
    static func isIgnored(_ fields: [String], ignoringStatus: Bool) -> Bool {
        switch fields.count {
        case 1: return fields[0] == "apiVersion" || fields[0] == "kind" || (ignoringStatus && fields[0] == "status")
        case 2: return fields[0] == "metadata" && strippedMetadata.contains(fields[1])
        default: return false
        }
    }

    /// Maps owned whole: a workload's `spec.selector` is a `LabelSelector` (`+structType=atomic`),
    /// which is why `kubectl` shows `f:selector: {}`.
    static func isAtomicMap(_ fields: [String], kind: String) -> Bool {
        fields.count == 2 && fields[0] == "spec" && fields[1] == "selector"
            && ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "PodDisruptionBudget"].contains(kind)
    }

    /// Maps with user-chosen keys (Go `map[string]...`, as opposed to structs).
    static func isStringMap(_ fields: [String], kind: String) -> Bool {
        guard let field = fields.last else { return false }
        let parent = fields.count > 1 ? fields[fields.count - 2] : nil
        switch field {
        case "labels", "annotations": return parent == "metadata"
        case "data", "binaryData", "stringData": return fields.count == 1
        case "limits", "requests": return parent == "resources"
        case "matchLabels", "nodeSelector": return true
        case "selector": return kind == "Service" && fields.count == 2
        default: return false
        }
    }

    /// The path element of each item of the list at `fields`, or nil when the list is owned whole:
    /// no merge strategy, or a keyed list with an item lacking the key (merges replace such a list).
    static func elementNames(_ items: [JSON], fields: [String], kind: String) -> [String]? {
        switch PatchStrategy.strategy(kind: kind, path: fields) {
        case .atomic:
            return nil
        case .mergeSet:
            return items.map(FieldSet.value)
        case .mergeByKey(let key):
            var names: [String] = []
            names.reserveCapacity(items.count)
            for item in items {
                guard let value = item[key] else { return nil }
                names.append(FieldSet.key([key: value]))
            }
            return names
        }
    }

    /// What an Apply of `applied` owns.
    static func appliedSet(of applied: JSON, kind: String) -> FieldSet {
        var fields: [String] = []
        var set = ownedSet(of: applied, fields: &fields, kind: kind, membership: .apply, ignoringStatus: true)
        set.isMember = false  // the root is not a field
        return set
    }

    /// The set a value at `fields` owns (the node for that value; empty only for a map of ignored
    /// fields under `.apply` or `.added`). `fields` is a stack shared by the whole walk, so
    /// descending allocates no path arrays.
    static func ownedSet(
        of value: JSON, fields: inout [String], kind: String, membership: Membership, ignoringStatus: Bool
    ) -> FieldSet {
        var node = FieldSet()
        switch value {
        case .object(let members) where !members.isEmpty && !isAtomicMap(fields, kind: kind):
            var ignored = false
            for (name, child) in members where !child.isNull {
                fields.append(name)
                if isIgnored(fields, ignoringStatus: ignoringStatus) {
                    ignored = true
                } else {
                    let below = ownedSet(
                        of: child, fields: &fields, kind: kind, membership: membership, ignoringStatus: ignoringStatus)
                    if !below.isEmpty { node.children[FieldSet.field(name)] = below }
                }
                fields.removeLast()
            }
            // A map with nothing below it but nulls is owned as a leaf, like an empty map; one holding
            // only fields nobody owns (`metadata: {name: x}`) is not owned at all.
            node.isMember =
                (node.children.isEmpty && !ignored) || membership == .everything
                || (membership == .added && isStringMap(fields, kind: kind))
        case .array(let items) where !items.isEmpty:
            guard let names = elementNames(items, fields: fields, kind: kind) else {
                node.isMember = true
                break
            }
            for (name, item) in zip(names, items) {
                var element =
                    name.hasPrefix("k:")
                    ? ownedSet(
                        of: item, fields: &fields, kind: kind, membership: membership, ignoringStatus: ignoringStatus)
                    : FieldSet()
                element.isMember = true
                node.children[name, default: FieldSet()].formUnion(element)
            }
            node.isMember = membership != .apply
        default:
            node.isMember = true
        }
        return node
    }

    /// Members of `last` (a manager's previous Apply set) to delete from the object: those of which
    /// `kept` (the new configuration's set and every other manager's) has no node at all. A member
    /// `kept` still reaches, because someone owns it or something below it, stays, and the members
    /// below it are judged one by one instead.
    static func prunable(last: FieldSet, kept: FieldSet) -> FieldSet {
        var result = FieldSet()
        for (element, node) in last.children {
            let keptNode = kept.children[element]
            if node.isMember && keptNode == nil {
                var whole = FieldSet()
                whole.isMember = true
                result.children[element] = whole
            } else {
                let below = prunable(last: node, kept: keptNode ?? FieldSet())
                if !below.isEmpty { result.children[element] = below }
            }
        }
        return result
    }

    /// `value` without the members of `set`: a member's whole value goes, nodes that are not members
    /// are descended into. Paths that name nothing in `value` are skipped.
    static func removing(_ set: FieldSet, from value: JSON) -> JSON {
        switch value {
        case .object(var members):
            for (element, node) in set.children where element.hasPrefix("f:") {
                let name = String(element.dropFirst(2))
                guard let child = members[name] else { continue }
                // Not a ternary with `nil`: JSON is ExpressibleByNilLiteral, so that would store `null`.
                if node.isMember {
                    members.removeValue(forKey: name)
                } else {
                    members[name] = removing(node, from: child)
                }
            }
            return .object(members)
        case .array(var items):
            for (element, node) in set.children {
                guard let matches = matcher(element) else { continue }
                if node.isMember {
                    items.removeAll(where: matches)
                } else {
                    for index in items.indices where matches(items[index]) {
                        items[index] = removing(node, from: items[index])
                    }
                }
            }
            return .array(items)
        default:
            return value
        }
    }

    /// Which list items a `k:` or `v:` path element names. A `k:` element matches on every key field
    /// it lists, so sets written by Kubernetes (ports keyed by `containerPort` and `protocol`) still
    /// find their items. `i:` elements are not followed: indexes shift as items are removed.
    static func matcher(_ element: String) -> ((JSON) -> Bool)? {
        let body = String(element.dropFirst(2))
        guard let parsed = try? JSON.parse(body) else { return nil }
        switch element.prefix(2) {
        case "k:":
            guard let keys = parsed.object else { return nil }
            return { item in keys.allSatisfy { item[$0.key]?.isPatchEqual(to: $0.value) == true } }
        case "v:":
            return { $0.isPatchEqual(to: parsed) }
        default:
            return nil
        }
    }
}
