/// The field-level difference between two versions of an object (structured-merge-diff's
/// `Comparison`): what a write added, changed and removed, which is what moves ownership.
///
/// An update owns what it added or changed, and takes it from every other manager; an apply
/// conflicts where it added or changed what another manager owns; a removed field is no longer
/// owned by anyone.
struct FieldComparison: Sendable, Equatable {
    /// Fields new in the newer version, with the nodes `ManagedFields.Membership.added` marks.
    var added = FieldSet()
    /// Leaves (scalars, lists and maps owned whole) present in both with different values.
    var modified = FieldSet()
    /// Every node of every field the newer version no longer has.
    var removed = FieldSet()

    var isEmpty: Bool { added.isEmpty && modified.isEmpty && removed.isEmpty }

    mutating func attach(_ child: FieldComparison, at element: String) {
        if !child.added.isEmpty { added.children[element] = child.added }
        if !child.modified.isEmpty { modified.children[element] = child.modified }
        if !child.removed.isEmpty { removed.children[element] = child.removed }
    }
}

extension ManagedFields {
    /// Compares `old` (nil when the write creates the object) with `new`, leaving out the fields no
    /// manager owns. It walks both objects once and builds set nodes only where they differ: it runs
    /// on every write that names a field manager.
    static func compare(_ old: JSON?, _ new: JSON, kind: String, ignoringStatus: Bool) -> FieldComparison {
        var fields: [String] = []
        var result = diff(old, new, fields: &fields, kind: kind, ignoringStatus: ignoringStatus)
        result.added.isMember = false  // the root is not a field
        result.modified.isMember = false
        result.removed.isMember = false
        return result
    }

    /// A member's value, with `null` read as absent (spelled out: JSON is ExpressibleByNilLiteral, so
    /// a `nil` in a ternary could silently mean `.null`).
    private static func present(_ value: JSON?) -> JSON? {
        guard let value, !value.isNull else { return Optional.none }
        return value
    }

    private static func diff(
        _ lhs: JSON?, _ rhs: JSON?, fields: inout [String], kind: String, ignoringStatus: Bool
    ) -> FieldComparison {
        var result = FieldComparison()
        guard let lhs else {
            if let rhs {
                result.added = ownedSet(
                    of: rhs, fields: &fields, kind: kind, membership: .added, ignoringStatus: ignoringStatus)
            }
            return result
        }
        guard let rhs else {
            result.removed = ownedSet(
                of: lhs, fields: &fields, kind: kind, membership: .everything, ignoringStatus: ignoringStatus)
            return result
        }

        // Maps: member by member. Null members count as absent (apply and merges drop them).
        if case .object(let left) = lhs, case .object(let right) = rhs, !(left.isEmpty && right.isEmpty),
            !isAtomicMap(fields, kind: kind)
        {
            func visit(_ name: String) {
                fields.append(name)
                if !isIgnored(fields, ignoringStatus: ignoringStatus) {
                    let child = diff(
                        present(left[name]), present(right[name]),
                        fields: &fields, kind: kind, ignoringStatus: ignoringStatus)
                    result.attach(child, at: FieldSet.field(name))
                }
                fields.removeLast()
            }
            for name in left.keys { visit(name) }
            for name in right.keys where left[name] == nil { visit(name) }
            return result
        }

        // Keyed and set lists: item by item, matched by key or value (a repeated key counts once).
        if case .array(let left) = lhs, case .array(let right) = rhs, !(left.isEmpty && right.isEmpty),
            let leftNames = elementNames(left, fields: fields, kind: kind),
            let rightNames = elementNames(right, fields: fields, kind: kind)
        {
            var leftItems: [String: JSON] = [:]
            for (name, item) in zip(leftNames, left) where leftItems[name] == nil { leftItems[name] = item }
            var rightItems: [String: JSON] = [:]
            for (name, item) in zip(rightNames, right) where rightItems[name] == nil { rightItems[name] = item }
            func visit(_ name: String) {
                let before = leftItems[name]
                let after = rightItems[name]
                var child = FieldComparison()
                if name.hasPrefix("k:") {
                    child = diff(before, after, fields: &fields, kind: kind, ignoringStatus: ignoringStatus)
                }
                // The item itself is a member of what was added or removed (a set value is nothing else).
                if before == nil { child.added.isMember = true } else if after == nil { child.removed.isMember = true }
                result.attach(child, at: name)
            }
            for name in leftItems.keys { visit(name) }
            for name in rightItems.keys where leftItems[name] == nil { visit(name) }
            return result
        }

        // A leaf: a scalar, a list or map owned whole, or a change of shape.
        if !lhs.isPatchEqual(to: rhs) {
            result.modified.isMember = true
            // What other managers owned inside a granular value that is now a different shape (a map
            // turned scalar, a keyed list whose new items lack the key) no longer exists.
            if lhs.object != nil || lhs.array != nil {
                let before = ownedSet(
                    of: lhs, fields: &fields, kind: kind, membership: .everything, ignoringStatus: ignoringStatus)
                if !before.children.isEmpty { result.removed = before }
            }
        }
        return result
    }
}
