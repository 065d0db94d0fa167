/// Server-side apply, for `PATCH` with `Content-Type: application/apply-patch+yaml`
/// (`kubectl apply --server-side`, the Python client's `server_side_apply`, controllers using
/// client-go's `Apply`).
///
/// The applied configuration is merged into the live object with the same per-field rules as
/// strategic merge patch (`PatchStrategy`): maps merge recursively, lists with a merge key merge
/// element by element by that key, lists of scalars tagged `merge` (finalizers) are unions, and every
/// other list is replaced. `$` directives have no meaning here (they are ordinary, unknown keys), and
/// a `null` in the applied configuration deletes the field.
///
/// Field ownership (`metadata.managedFields`) is in `ServerSideApply+Ownership.swift`:
/// `apply(_:to:kind:manager:force:now:)` removes what a manager stopped applying and reports
/// conflicts, and `recordUpdate` records the owner of fields that other writes change. What remains
/// simpler than Kubernetes:
///   - lists are keyed by the single merge key of `PatchStrategy` (Kubernetes keys container `ports`
///     by `containerPort` + `protocol`), and the few structs Kubernetes owns whole are not known
///     beyond workload `spec.selector`;
///   - no conversion between API versions: an entry's `apiVersion` is recorded, never used;
///   - Kubernetes caps the number of `Update` entries (merging old ones); Skiff does not.
///
/// The three-argument `apply(_:to:kind:)` below only merges: it neither reads nor writes
/// `managedFields` (for callers that have no field manager).
public enum ServerSideApply {
    /// Merges only (no ownership): returns the object to store. With no live object (`live == nil`)
    /// the applied configuration is the new object (the API server then creates it, as apply does
    /// for a missing object); its null members are dropped, since a null means "no such field".
    public static func apply(_ applied: JSON, to live: JSON?, kind: String) -> JSON {
        guard let live else { return removingNulls(applied) }
        return merge(applied, into: live, path: [], kind: kind)
    }

    /// Merges one applied value into the live value at `path` (field names from the root, list
    /// elements not counted, as `PatchStrategy` expects).
    static func merge(_ applied: JSON, into live: JSON, path: [String], kind: String) -> JSON {
        switch (applied, live) {
        case (.object(let appliedMembers), .object(var liveMembers)):
            for key in appliedMembers.keys.sorted() {
                guard let value = appliedMembers[key] else { continue }
                if value.isNull {
                    liveMembers[key] = nil
                } else if let old = liveMembers[key] {
                    liveMembers[key] = merge(value, into: old, path: path + [key], kind: kind)
                } else {
                    liveMembers[key] = removingNulls(value)
                }
            }
            return .object(liveMembers)
        case (.array(let appliedItems), .array(let liveItems)):
            return mergeList(appliedItems, into: liveItems, path: path, kind: kind)
        default:
            // Scalars, type changes, and a map or list applied where there was none: applied wins.
            return removingNulls(applied)
        }
    }

    /// Lists: keyed lists keep the live order, update matching elements in place and append new
    /// elements in applied order; sets append new values; anything else is replaced. A keyed list
    /// whose applied elements are not objects carrying the key cannot be merged, so it is replaced
    /// rather than rejected (apply has no error path for it here).
    static func mergeList(_ applied: [JSON], into live: [JSON], path: [String], kind: String) -> JSON {
        switch PatchStrategy.strategy(kind: kind, path: path) {
        case .atomic:
            return removingNulls(.array(applied))
        case .mergeSet:
            var result = live
            for value in applied where !value.isNull && !result.contains(where: { $0.isPatchEqual(to: value) }) {
                result.append(value)
            }
            return .array(result)
        case .mergeByKey(let key):
            guard applied.allSatisfy({ $0[key] != nil }) else { return removingNulls(.array(applied)) }
            var result = live
            for element in applied {
                guard let value = element[key] else { continue }
                if let index = result.firstIndex(where: { $0[key]?.isPatchEqual(to: value) == true }) {
                    result[index] = merge(element, into: result[index], path: path, kind: kind)
                } else {
                    result.append(removingNulls(element))
                }
            }
            return .array(result)
        }
    }

    /// Object members that are null are dropped at every depth (list elements that are null stay:
    /// they are values, not absent fields).
    static func removingNulls(_ value: JSON) -> JSON {
        switch value {
        case .object(let members):
            return .object(members.filter { !$0.value.isNull }.mapValues(removingNulls))
        case .array(let items):
            return .array(items.map(removingNulls))
        default:
            return value
        }
    }
}
