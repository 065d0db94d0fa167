/// List merging for strategic merge patch, and the element order rules.
///
/// Order matters to users (container order decides which container `kubectl logs` picks by
/// default and the order of init containers is the order they run), so it follows Kubernetes'
/// `normalizeElementOrder`: elements named in the patch come in the patch's order (or the order of
/// `$setElementOrder/<field>` when given), and elements only the server has keep their place
/// relative to those, judged by the live list. One surprise is kept on purpose for compatibility:
/// an element the live list did not have, patched in without `$setElementOrder`, comes *before* the
/// server-only elements (`kubectl patch` adding a container puts it first).
extension Merger {
    /// Merges the list at `path` (nil `original`: the target has no list there).
    func mergeList(_ original: [JSON]?, _ patch: [JSON], path: [String]) throws(SkiffError) -> [JSON] {
        switch PatchStrategy.strategy(kind: kind, path: path) {
        case .atomic:
            return try cleanElements(patch, path: path)
        case .mergeSet:
            return mergeSet(original, patch)
        case .mergeByKey(let key):
            return try mergeKeyed(original, patch, key: key, path: path)
        }
    }

    /// The patch's own elements, as stored when they replace a list: directive-only elements such as
    /// `{"$patch": "replace"}` are dropped and each element is cleaned of nulls and directives.
    func cleanElements(_ items: [JSON], path: [String]) throws(SkiffError) -> [JSON] {
        var result: [JSON] = []
        for item in items {
            if item[PatchDirective.patch] != nil { continue }
            if let cleaned = try clean(item, path: path) { result.append(cleaned) }
        }
        return result
    }

    /// `patchStrategy:"merge"` on scalars (`metadata.finalizers`): a union with each value once.
    func mergeSet(_ original: [JSON]?, _ patch: [JSON]) -> [JSON] {
        // `[{"$patch": "replace"}, "a"]` is the only way to shrink such a list in one patch.
        if patch.contains(where: { $0[PatchDirective.patch]?.string == "replace" }) {
            return patch.filter { $0[PatchDirective.patch] == nil }
        }
        let additions = patch.filter { $0.object == nil }
        var merged: [JSON] = []
        for value in (original ?? []) + additions where !merged.contains(where: { $0.isPatchEqual(to: value) }) {
            merged.append(value)
        }
        return arrange(merged, order: additions, server: original ?? [], identity: { $0 })
    }

    /// `patchStrategy:"merge" patchMergeKey:"<key>"`: elements are matched by `key`; matched ones merge
    /// recursively, new ones are added, `$patch: delete` elements remove, `$patch: replace` replaces.
    func mergeKeyed(_ original: [JSON]?, _ patch: [JSON], key: String, path: [String]) throws(SkiffError) -> [JSON] {
        // Nothing to merge with: store the patch's elements (Kubernetes copies them without checks).
        guard let original else { return try cleanElements(patch, path: path) }

        var base = original
        var replaceWhole = false
        var updates: [[String: JSON]] = []
        for element in patch {
            guard case .object(let members) = element else {
                throw malformed(path, "expected objects merged by \"\(key)\", found \(element.serializedString())")
            }
            guard let directive = members[PatchDirective.patch] else {
                updates.append(members)
                continue
            }
            switch directive.string {
            case "delete":
                guard let value = members[key] else { throw missingKey(element, key, path) }
                base.removeAll { $0[key]?.isPatchEqual(to: value) == true }
            case "replace":
                replaceWhole = true
            default:
                throw malformed(path, "unsupported $patch directive \(directive.serializedString()) in a list element")
            }
        }
        if replaceWhole { return try cleanElements(updates.map(JSON.object), path: path) }

        var merged = base
        for members in updates {
            guard let value = members[key] else { throw missingKey(.object(members), key, path) }
            // Searching `merged`, not `base`, so a key repeated in the patch updates its first copy.
            if let index = merged.firstIndex(where: { $0[key]?.isPatchEqual(to: value) == true }) {
                merged[index] = .object(try mergeObject(merged[index].object, members, path: path) ?? [:])
            } else if let added = try clean(.object(members), path: path) {
                merged.append(added)
            }
        }
        return arrange(merged, order: updates.map(JSON.object), server: base, identity: { $0[key] })
    }

    private func missingKey(_ element: JSON, _ key: String, _ path: [String]) -> SkiffError {
        malformed(path, "the element \(element.serializedString()) does not contain the merge key \"\(key)\"")
    }

    /// `$setElementOrder/<field>` for every such key in `patch`: merges the field's list (the patch
    /// may omit it when only the order changes) and orders it. Returns the fields done here.
    func applySetElementOrder(
        _ result: inout [String: JSON], _ patch: [String: JSON], path: [String]
    ) throws(SkiffError) -> Set<String> {
        var done: Set<String> = []
        for key in patch.keys.sorted() where key.hasPrefix(PatchDirective.setElementOrder) {
            let field = String(key.dropFirst(PatchDirective.setElementOrder.count))
            guard !field.isEmpty, let order = patch[key]?.array else {
                throw malformed(path, "\(key) must name a field and hold a list")
            }
            let fieldPath = path + [field]
            let identity: (JSON) -> JSON?
            switch PatchStrategy.strategy(kind: kind, path: fieldPath) {
            case .atomic:
                continue  // a replaced list already has the patch's order
            case .mergeSet:
                identity = { $0 }
            case .mergeByKey(let mergeKey):
                if let bad = order.first(where: { $0[mergeKey] == nil }) { throw missingKey(bad, mergeKey, fieldPath) }
                identity = { $0[mergeKey] }
            }
            // A null or non-list value for the field is left to the ordinary rules (delete, replace).
            let patchValue = patch[field]
            if let patchValue, patchValue.array == nil { continue }
            let originalList = result[field]?.array
            let merged: [JSON]
            switch (originalList, patchValue?.array) {
            case (let old?, nil): merged = old
            case (let old, let new?): merged = try mergeList(old, new, path: fieldPath)
            case (nil, nil): continue
            }
            result[field] = .array(arrange(merged, order: order, server: originalList ?? [], identity: identity))
            done.insert(field)
        }
        return done
    }

    /// Kubernetes' `normalizeElementOrder` + `mergeSortedSlice`. Elements whose identity is in
    /// `order` are sorted by it; the rest ("server-only") stay in `server` order; then each
    /// server-only element goes before the next ordered element only when both are in `server` and it
    /// came first there. So `[sidecar, web]` patched with order `[web]` stays `[sidecar, web]`.
    func arrange(_ merged: [JSON], order: [JSON], server: [JSON], identity: (JSON) -> JSON?) -> [JSON] {
        func position(_ item: JSON, in list: [JSON]) -> Int? {
            guard let id = identity(item) else { return nil }
            return list.firstIndex { identity($0)?.isPatchEqual(to: id) == true }
        }
        var ordered: [(rank: Int, item: JSON)] = []
        var serverOnly: [(rank: Int, item: JSON)] = []
        for item in merged {
            if let rank = position(item, in: order) {
                ordered.append((rank, item))
            } else {
                serverOnly.append((position(item, in: server) ?? Int.max, item))
            }
        }
        // Stable sorts: equal ranks (duplicates, or not found) keep their merged order.
        let left = stableSorted(serverOnly)
        let right = stableSorted(ordered)
        var result: [JSON] = []
        result.reserveCapacity(merged.count)
        var i = 0
        var j = 0
        while i < left.count || j < right.count {
            if j >= right.count {
                result.append(left[i])
                i += 1
            } else if i >= left.count {
                result.append(right[j])
                j += 1
            } else if let l = position(left[i], in: server), let r = position(right[j], in: server), l < r {
                result.append(left[i])
                i += 1
            } else {
                result.append(right[j])
                j += 1
            }
        }
        return result
    }

    private func stableSorted(_ items: [(rank: Int, item: JSON)]) -> [JSON] {
        items.enumerated()
            .sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }
            .map(\.element.item)
    }
}
