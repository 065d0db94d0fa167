/// JSON merge patch (RFC 7386), sent with `Content-Type: application/merge-patch+json`.
///
/// Kubernetes uses it as-is for every kind, including custom resources, which is why it takes no
/// `kind`: unlike strategic merge patch it knows nothing about merge keys, so any list in the patch
/// replaces the target's list whole (`kubectl patch --type merge` users rely on exactly that).
///
/// The algorithm from the RFC, section 2:
///
///     define MergePatch(Target, Patch):
///       if Patch is an Object:
///         if Target is not an Object:
///           Target = {} # Ignore the contents and set it to an empty Object
///         for each Name/Value pair in Patch:
///           if Value is null:
///             if Name exists in Target:
///               remove the Name/Value pair from Target
///           else:
///             Target[Name] = MergePatch(Target[Name], Value)
///         return Target
///       else:
///         return Patch
///
/// For example, `{"metadata":{"labels":{"tier":null,"app":"web"}},"spec":{"ports":[{"port":80}]}}`
/// removes the `tier` label, sets `app`, leaves every other label and field alone, and sets
/// `spec.ports` to exactly one port whatever ports the object had before.
///
/// It cannot fail: every JSON value is a valid merge patch, so `apply` does not throw. A consequence
/// the RFC points out is that a merge patch cannot set a member to `null`; Kubernetes objects never
/// need that, since a null field and an absent one decode the same.
public enum JSONMergePatch {
    /// Applies `patch` to `target` and returns the result; neither argument is changed.
    ///
    /// - A patch that is not an object (a string, a number, an array, `null`) replaces the target.
    /// - A member whose value is `null` removes that member from the target, if present.
    /// - An object member merges recursively into the target's member, which is treated as `{}` when
    ///   it is missing or not an object; nulls nested in it are therefore dropped, not stored.
    public static func apply(_ patch: JSON, to target: JSON) -> JSON {
        guard case .object(let patchMembers) = patch else { return patch }
        // A target that is missing, null or a scalar starts from `{}`: patching
        // `{"spec":{"selector":{...}}}` onto an object whose `selector` was null must build the map
        // rather than fail, because clients never know whether the server stored null or nothing.
        var members = target.object ?? [:]
        // Sorted so that the work done is the same on every run; the result does not depend on it,
        // because each member of the patch touches a different member of the target.
        for key in patchMembers.keys.sorted() {
            guard let value = patchMembers[key] else { continue }
            if value.isNull {
                members.removeValue(forKey: key)
            } else {
                members[key] = apply(value, to: members[key] ?? .null)
            }
        }
        return .object(members)
    }

    /// Whether applying `patch` to `target` would leave it unchanged; the API server uses this to
    /// skip writing (and bumping `resourceVersion`) for a no-op patch, as Kubernetes does.
    public static func isNoOp(_ patch: JSON, on target: JSON) -> Bool {
        apply(patch, to: target) == target
    }
}
