/// Kubernetes strategic merge patch, sent with `Content-Type: application/strategic-merge-patch+json`
/// by `kubectl apply` (client-side), `kubectl patch` (its default type), `kubectl edit`,
/// `kubectl rollout restart` and the Python client's `patch_namespaced_*` calls given a dict.
///
/// It is a JSON merge patch (RFC 7386) with two additions, and follows k8s.io/apimachinery's
/// `strategicpatch.StrategicMergeMapPatch`:
///
/// 1. Lists merge according to the field they are in (`PatchStrategy`): `containers` merge element by
///    element by `name`, `metadata.finalizers` merge as a set, and lists without a strategy (`args`,
///    `command`, `tolerations`) are replaced whole, as in a merge patch.
/// 2. Directives, keys starting with `$`, say what a plain value cannot:
///    - `{"$patch": "replace", ...}` in a map: the map becomes the patch's map (minus the directive);
///    - `{"$patch": "delete"}` in a map: the map is removed (at the root: the result is `{}`);
///    - `{"<mergeKey>": X, "$patch": "delete"}` in a keyed list: the element with key X is removed;
///    - `{"$patch": "replace"}` as a list element: the other elements replace the whole list;
///    - `"$retainKeys": [...]` in a map: keys of the result not in the list are dropped first;
///    - `"$setElementOrder/<field>": [...]`: the order of the merged list (kubectl apply always sends
///      it next to a merged list so the live order follows the manifest);
///    - `"$deleteFromPrimitiveList/<field>": [...]`: values removed from a list of scalars.
///
/// A `null` value deletes the field. Values added where the target has nothing are stored with their
/// nulls and directives removed, so no `$patch` key can end up in a stored object.
///
/// Errors: a patch that is not an object, an unknown directive, a directive with the wrong shape,
/// or a keyed-list element without its merge key is `.badRequest`, as Kubernetes answers for
/// malformed strategic merge patches.
public enum StrategicMergePatch {
    /// Applies `patch` to `target`, an object of kind `kind` (`"Deployment"`, `"Pod"`, ...), whose
    /// kind chooses the merge keys of fields whose meaning depends on the kind (`spec.ports` of a
    /// Service). Neither argument is changed.
    ///
    /// Kubernetes refuses this patch type for custom resources (415 Unsupported Media Type) because
    /// their merge keys are unknown; that check belongs to the caller, which knows whether the
    /// resource is built in. Here, any unknown kind simply gets the generic pod-spec and metadata rules.
    public static func apply(_ patch: JSON, to target: JSON, kind: String) throws(SkiffError) -> JSON {
        guard case .object(let members) = patch else {
            throw SkiffError(.badRequest, "a strategic merge patch must be a JSON object")
        }
        let merger = Merger(kind: kind)
        let merged = try merger.mergeObject(target.object, members, path: [])
        return .object(merged ?? [:])
    }
}

/// The directive keys; `$setElementOrder` and `$deleteFromPrimitiveList` are prefixes of
/// `<directive>/<field>`.
enum PatchDirective {
    static let patch = "$patch"
    static let retainKeys = "$retainKeys"
    static let setElementOrder = "$setElementOrder/"
    static let deleteFromPrimitiveList = "$deleteFromPrimitiveList/"

    static func isDirective(_ key: String) -> Bool {
        key == patch || key == retainKeys || key.hasPrefix(setElementOrder)
            || key.hasPrefix(deleteFromPrimitiveList)
    }
}

/// The state one application of a patch needs: only the kind, since list strategies depend on it.
struct Merger {
    var kind: String

    func malformed(_ path: [String], _ message: String) -> SkiffError {
        SkiffError(.badRequest, "invalid strategic merge patch at \(PatchStrategy.describe(path)): \(message)")
    }

    /// Merges the patch map into `original` (nil when the target has no map there) and returns the
    /// new map, or nil when the patch says `$patch: delete`.
    func mergeObject(
        _ original: [String: JSON]?, _ patch: [String: JSON], path: [String]
    ) throws(SkiffError) -> [String: JSON]? {
        if let directive = patch[PatchDirective.patch] {
            switch directive.string {
            case "replace":
                // The replacement is the patch itself, cleaned as if nothing were there before.
                var replacement = patch
                replacement[PatchDirective.patch] = nil
                return try mergeObject(nil, replacement, path: path) ?? [:]
            case "delete":
                return nil
            default:
                throw malformed(path, "unknown $patch directive \(directive.serializedString()) in a map")
            }
        }

        var result = original ?? [:]
        try applyRetainKeys(&result, patch, path: path)
        // Lists named by `$setElementOrder` are merged and ordered together, then skipped below.
        let ordered = try applySetElementOrder(&result, patch, path: path)

        // Sorted so that repeated runs do identical work; each key touches its own field.
        for key in patch.keys.sorted() where !PatchDirective.isDirective(key) && !ordered.contains(key) {
            guard let value = patch[key] else { continue }
            let fieldPath = path + [key]
            if value.isNull {
                result[key] = nil
                continue
            }
            switch (result[key], value) {
            case (.object(let old)?, .object(let new)):
                result[key] = try mergeObject(old, new, path: fieldPath).map(JSON.object)
            case (.array(let old)?, .array(let new)):
                result[key] = .array(try mergeList(old, new, path: fieldPath))
            default:
                // Nothing there, or a different JSON type: the patch value wins, as in Kubernetes.
                result[key] = try clean(value, path: fieldPath)
            }
        }

        try applyDeleteFromPrimitiveList(&result, patch, path: path)
        return result
    }

    /// A patch value stored where the target has nothing: nulls and directives are resolved against
    /// an empty target. Returns nil for a map that deletes itself.
    func clean(_ value: JSON, path: [String]) throws(SkiffError) -> JSON? {
        switch value {
        case .object(let members): return try mergeObject(nil, members, path: path).map(JSON.object)
        case .array(let items): return .array(try mergeList(nil, items, path: path))
        default: return value
        }
    }

    /// `$retainKeys: [k1, k2]`: every key of the result not listed is dropped before merging. kubectl
    /// sends it for fields tagged `retainKeys` (a Deployment's `strategy`, pod `volumes` entries) so
    /// switching `type: RollingUpdate` to `Recreate` also removes `rollingUpdate`.
    private func applyRetainKeys(_ result: inout [String: JSON], _ patch: [String: JSON], path: [String])
        throws(SkiffError)
    {
        guard let directive = patch[PatchDirective.retainKeys] else { return }
        guard let list = directive.array else { throw malformed(path, "$retainKeys must be a list of field names") }
        var keep: Set<String> = []
        for entry in list {
            guard let name = entry.string else { throw malformed(path, "$retainKeys must be a list of field names") }
            keep.insert(name)
        }
        // Kubernetes rejects a patch that sets a field it also asks to drop.
        for (key, value) in patch where !value.isNull && !PatchDirective.isDirective(key) && !keep.contains(key) {
            throw malformed(path, "the field \"\(key)\" is set but not listed in $retainKeys")
        }
        result = result.filter { keep.contains($0.key) }
    }

    /// `$deleteFromPrimitiveList/<field>: [values]`: each listed value is removed from the list of
    /// scalars at `<field>` (kubectl apply sends it when a finalizer is removed from the manifest).
    private func applyDeleteFromPrimitiveList(
        _ result: inout [String: JSON], _ patch: [String: JSON], path: [String]
    ) throws(SkiffError) {
        for key in patch.keys.sorted() where key.hasPrefix(PatchDirective.deleteFromPrimitiveList) {
            let field = String(key.dropFirst(PatchDirective.deleteFromPrimitiveList.count))
            guard !field.isEmpty, let values = patch[key]?.array else {
                throw malformed(path, "\(key) must name a field and hold a list of values")
            }
            guard case .array(let items)? = result[field] else { continue }
            result[field] = .array(items.filter { item in !values.contains { $0.isPatchEqual(to: item) } })
        }
    }
}
