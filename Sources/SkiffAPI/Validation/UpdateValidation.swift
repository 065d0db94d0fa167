/// Immutability rules of updates (`Validate*Update`), other than the Pod's own.
enum UpdateValidation {
    static let immutableMessage = "field is immutable"
    static let immutableWhenSet = "field is immutable when `immutable` is set"

    /// `ValidateImmutableField` at a path of object keys.
    static func immutable(_ old: JSON, _ new: JSON, _ path: [String], into errors: inout FieldErrors) {
        let before = old[path: path]
        let after = new[path: path]
        if !JSON.semanticallyEqual(before, after) {
            errors.invalid(path.joined(separator: "."), after ?? .null, immutableMessage)
        }
    }

    static func statefulSet(old: JSON, new: JSON, into errors: inout FieldErrors) {
        let mutable = [
            "replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
            "persistentVolumeClaimRetentionPolicy", "minReadySeconds",
        ]
        var before = old["spec"] ?? .emptyObject
        var after = new["spec"] ?? .emptyObject
        for key in mutable where before.object != nil && after.object != nil {
            before[key] = nil
            after[key] = nil
        }
        if !JSON.semanticallyEqual(before, after) {
            errors.forbidden(
                "spec",
                "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
            )
        }
    }

    /// `ValidateJobUpdate`: selector, completion mode and pod template are fixed once created,
    /// except that a suspended Job that never started may change its scheduling directives, and
    /// an Indexed Job may scale completions together with parallelism.
    static func job(old: JSON, new: JSON, into errors: inout FieldErrors) {
        immutable(old, new, ["spec", "selector"], into: &errors)
        immutable(old, new, ["spec", "completionMode"], into: &errors)
        immutable(old, new, ["spec", "podFailurePolicy"], into: &errors)
        immutable(old, new, ["spec", "backoffLimitPerIndex"], into: &errors)
        let elastic =
            new[path: ["spec", "completionMode"]]?.string == "Indexed"
            && new[path: ["spec", "completions"]] == new[path: ["spec", "parallelism"]]
            && old[path: ["spec", "completions"]] == old[path: ["spec", "parallelism"]]
        if !elastic { immutable(old, new, ["spec", "completions"], into: &errors) }

        var before = old[path: ["spec", "template"]] ?? .emptyObject
        let after = new[path: ["spec", "template"]] ?? .emptyObject
        let neverStarted = old[path: ["status", "startTime"]] == nil || old[path: ["status", "startTime"]] == .null
        if old[path: ["spec", "suspend"]]?.bool == true, neverStarted, before.object != nil, after.object != nil {
            for path in [
                ["metadata", "labels"], ["metadata", "annotations"], ["spec", "nodeSelector"], ["spec", "tolerations"],
                ["spec", "schedulingGates"], ["spec", "affinity", "nodeAffinity"],
            ] {
                before[path: path] = after[path: path]
            }
        }
        if !JSON.semanticallyEqual(before, after) { errors.invalid("spec.template", after, immutableMessage) }
    }

    /// A Service keeps its cluster IP; an update that leaves it out gets the old one from the server.
    static func service(old: JSON, new: JSON, into errors: inout FieldErrors) {
        let oldType = old[path: ["spec", "type"]]?.string ?? "ClusterIP"
        let newType = new[path: ["spec", "type"]]?.string ?? "ClusterIP"
        guard oldType != "ExternalName", newType != "ExternalName",
            let before = old[path: ["spec", "clusterIP"]]?.string, !before.isEmpty,
            let after = new[path: ["spec", "clusterIP"]]?.string, !after.isEmpty, after != before
        else { return }
        errors.invalid("spec.clusterIP", .string(after), immutableMessage)
    }

    static func configData(kind: String, old: JSON, new: JSON, into errors: inout FieldErrors) {
        if kind == "Secret" {
            let before = old["type"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? "Opaque"
            let after = new["type"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? "Opaque"
            if before != after { errors.invalid("type", .string(after), immutableMessage) }
        }
        guard old["immutable"]?.bool == true else { return }
        if new["immutable"]?.bool != true { errors.forbidden("immutable", immutableWhenSet) }
        if kind == "Secret" {
            if secretData(old) != secretData(new) { errors.forbidden("data", immutableWhenSet) }
        } else {
            for key in ["data", "binaryData"] where !JSON.semanticallyEqual(old[key], new[key]) {
                errors.forbidden(key, immutableWhenSet)
            }
        }
    }

    /// A Secret's data as bytes, with stringData merged in as the server stores it.
    private static func secretData(_ secret: JSON) -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for (key, value) in secret["data"]?.object ?? [:] {
            if case .success(let bytes) = Base64Check.decode(value.string ?? "") { result[key] = bytes }
        }
        for (key, value) in secret.stringMap(["stringData"]) { result[key] = Array(value.utf8) }
        return result
    }

    /// `ValidatePersistentVolumeClaimUpdate`: only a bound claim may change (grow) its storage
    /// request; volumeName may be set once; volumeAttributesClassName may change.
    static func claim(old: JSON, new: JSON, into errors: inout FieldErrors) {
        var before = old["spec"] ?? .emptyObject
        var after = new["spec"] ?? .emptyObject
        guard before.object != nil, after.object != nil else { return }
        before["volumeAttributesClassName"] = nil
        after["volumeAttributesClassName"] = nil
        if (before["volumeName"]?.string ?? "").isEmpty { before["volumeName"] = after["volumeName"] }
        let bound = (new[path: ["status", "phase"]] ?? old[path: ["status", "phase"]])?.string == "Bound"
        let storage = ["resources", "requests", "storage"]
        if bound, after[path: storage] != nil { after[path: storage] = before[path: storage] }
        if !JSON.semanticallyEqual(before, after) {
            errors.forbidden(
                "spec",
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
            )
        }
        if let oldSize = old["spec"]?[path: storage].flatMap({ try? Quantity(json: $0) }),
            let newSize = new["spec"]?[path: storage].flatMap({ try? Quantity(json: $0) }), newSize < oldSize
        {
            errors.forbidden("spec.resources.requests.storage", "field can not be less than previous value")
        }
    }
}

extension JSON {
    /// Equality as `apiequality.Semantic.DeepEqual` sees decoded objects: absent, null, empty list
    /// and empty map are the same, and `1` equals `1.0`.
    static func semanticallyEqual(_ a: JSON?, _ b: JSON?) -> Bool {
        (a?.normalizedForComparison ?? .null) == (b?.normalizedForComparison ?? .null)
    }

    var normalizedForComparison: JSON {
        switch self {
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: return .int(Int64(d))
        case .array(let items): return items.isEmpty ? .null : .array(items.map(\.normalizedForComparison))
        case .object(let members):
            var result: [String: JSON] = [:]
            for (key, value) in members {
                let v = value.normalizedForComparison
                if !v.isNull { result[key] = v }
            }
            return result.isEmpty ? .null : .object(result)
        default: return self
        }
    }
}
