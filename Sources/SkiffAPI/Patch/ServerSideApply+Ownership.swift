/// Server-side apply with field ownership, and the ownership record of ordinary writes.
extension ServerSideApply {
    /// Applies `applied` (an Apply configuration from `manager`, the `fieldManager` query parameter)
    /// to `live` (nil when the object does not exist yet) and returns the object to store, with
    /// `metadata.managedFields` updated. `now` is the RFC 3339 time recorded for the manager.
    ///
    /// 1. The configuration merges into the live object (`merge`, the same rules as before).
    /// 2. Fields this manager applied last time and has now left out are removed, unless the new
    ///    configuration or another manager still owns them (or something below them).
    /// 3. A field the configuration adds or changes that another manager owns is a conflict: 409
    ///    with Kubernetes' message, or, with `force`, the other manager loses the field.
    /// 4. The manager's `Apply` entry becomes exactly the configuration's fields. Its time is kept
    ///    when the object does not change, so re-applying the same configuration is a no-op the
    ///    server need not store (Kubernetes writes nothing then either).
    ///
    /// Throws 400 when the configuration carries `metadata.managedFields` (as Kubernetes does).
    public static func apply(
        _ applied: JSON, to live: JSON?, kind: String, manager: String, force: Bool, now: String
    ) throws(SkiffError) -> JSON {
        if let sent = applied[path: ["metadata", "managedFields"]], !sent.isNull {
            throw SkiffError.badRequest("metadata.managedFields must be nil")
        }
        let newSet = ManagedFields.appliedSet(of: applied, kind: kind)
        var others = ManagedFieldsEntry.decode(live?[path: ["metadata", "managedFields"]])
        let previousIndex = others.firstIndex { $0.isOwner(manager: manager, operation: "Apply", subresource: "") }
        let previous = previousIndex.map { others.remove(at: $0) }

        // `live`'s own managedFields ride along through the merge and pruning (no set names them)
        // and are replaced at the end.
        var result = live.map { merge(applied, into: $0, path: [], kind: kind) } ?? removingNulls(applied)
        if let previous {
            let kept = others.reduce(newSet) { $0.union($1.fields) }
            result = ManagedFields.removing(ManagedFields.prunable(last: previous.fields, kept: kept), from: result)
        }

        var unchanged = false
        if let live {
            let change = ManagedFields.compare(live, result, kind: kind, ignoringStatus: true)
            let taken = change.added.union(change.modified)
            var conflicts: [(owner: ManagedFieldsEntry, paths: [[String]])] = []
            for owner in others {
                let overlap = owner.fields.intersection(taken).paths
                if !overlap.isEmpty { conflicts.append((owner, overlap)) }
            }
            if !conflicts.isEmpty && !force { throw conflictError(conflicts) }
            // With force the other owners lose what this apply took; everyone loses what it removed.
            for index in others.indices {
                others[index].fields = others[index].fields.subtracting(taken).subtracting(change.removed)
            }
            unchanged = change.isEmpty
        }

        if !newSet.isEmpty {
            let apiVersion = applied["apiVersion"]?.string ?? live?["apiVersion"]?.string ?? ""
            let time = unchanged && previous != nil ? previous?.time : now
            others.append(
                ManagedFieldsEntry(
                    manager: manager, operation: "Apply", apiVersion: apiVersion, time: time, fields: newSet))
        }
        ManagedFieldsEntry.store(ManagedFieldsEntry.encode(others), in: &result)
        return result
    }

    /// Records in `new` (the object a create, update or non-apply patch is about to store) that
    /// `manager` owns every field the write added or changed compared with `old` (nil for a
    /// create), taking those fields from other managers; fields the write removed leave every set.
    /// Returns `new` with `metadata.managedFields` set.
    ///
    /// As in Kubernetes: a write that changes no field leaves `managedFields` as it was (no time
    /// bump, so a no-op stays a no-op); `managedFields` sent in `new` replace the stored ones when
    /// they differ (clients may edit them), and `[{}]` clears them; writes through a subresource
    /// (`subresource: "status"`) cannot edit them and get their own entry.
    public static func recordUpdate(
        old: JSON?, new: JSON, manager: String, operation: String = "Update", subresource: String? = nil, now: String
    ) -> JSON {
        let subresource = subresource ?? ""
        let stored = old?[path: ["metadata", "managedFields"]]
        var base = stored
        if subresource.isEmpty, let sent = new[path: ["metadata", "managedFields"]], sent != stored {
            if sent == [.emptyObject] {
                base = nil
            } else if !ManagedFieldsEntry.decode(sent).isEmpty {
                base = sent
            }
        }
        let kind = new["kind"]?.string ?? old?["kind"]?.string ?? ""
        let change = ManagedFields.compare(old, new, kind: kind, ignoringStatus: false)
        var result = new
        guard !change.isEmpty else {
            // The cheap path for most controller writes: nothing to parse, nothing to move.
            ManagedFieldsEntry.store(base, in: &result)
            return result
        }

        var entries = ManagedFieldsEntry.decode(base)
        let taken = change.added.union(change.modified)
        let mineIndex = entries.firstIndex {
            $0.isOwner(manager: manager, operation: operation, subresource: subresource)
        }
        var mine =
            mineIndex.map { entries.remove(at: $0) }
            ?? ManagedFieldsEntry(
                manager: manager, operation: operation, apiVersion: "", time: nil, subresource: subresource,
                fields: FieldSet())
        for index in entries.indices {
            entries[index].fields = entries[index].fields.subtracting(taken).subtracting(change.removed)
        }
        mine.fields = mine.fields.subtracting(change.removed).union(taken)
        if !taken.isEmpty {
            mine.time = now
            mine.apiVersion = new["apiVersion"]?.string ?? mine.apiVersion
        }
        entries.append(mine)
        ManagedFieldsEntry.store(ManagedFieldsEntry.encode(entries), in: &result)
        return result
    }

    /// Kubernetes' apply conflict (`NewApplyConflict`): one cause per field, and a message naming
    /// the single conflict, or listing fields under each owner when there are several.
    static func conflictError(_ conflicts: [(owner: ManagedFieldsEntry, paths: [[String]])]) -> SkiffError {
        let ordered = conflicts.sorted {
            ($0.owner.manager, $0.owner.operation, $0.owner.subresource) < (
                $1.owner.manager, $1.owner.operation, $1.owner.subresource
            )
        }
        var causes: [SkiffError.Cause] = []
        var lines: [String] = []
        for (owner, paths) in ordered {
            lines.append("conflicts with \(owner.conflictName):")
            for path in paths {
                let field = FieldSet.describe(path)
                causes.append(
                    SkiffError.Cause(
                        reason: "FieldManagerConflict", message: "conflict with \(owner.conflictName)", field: field))
                lines.append("- \(field)")
            }
        }
        let summary =
            causes.count == 1
            ? "conflict with \(ordered[0].owner.conflictName): \(causes[0].field)" : lines.joined(separator: "\n")
        let plural = causes.count == 1 ? "" : "s"
        return SkiffError(.conflict, "Apply failed with \(causes.count) conflict\(plural): \(summary)", causes: causes)
    }
}
