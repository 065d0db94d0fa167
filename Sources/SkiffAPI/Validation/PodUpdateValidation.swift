/// `ValidatePodUpdate`: a running pod's spec is fixed except for container images, a shrinking
/// activeDeadlineSeconds, added tolerations, and a negative grace period turned into 1.
enum PodUpdateValidation {
    static let message =
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"

    static func validate(old: JSON, new: JSON, into errors: inout FieldErrors) {
        guard let oldSpec = old["spec"]?.object, let newSpec = new["spec"]?.object else { return }

        // Kubernetes stops at the first activeDeadlineSeconds problem.
        let oldDeadline = oldSpec["activeDeadlineSeconds"]?.int
        if let raw = newSpec["activeDeadlineSeconds"], let newDeadline = raw.int {
            if newDeadline < 0 || newDeadline > Int64(Int32.max) {
                errors.invalid(
                    "spec.activeDeadlineSeconds", .int(newDeadline),
                    NameValidation.inclusiveRangeError(0, Int64(Int32.max)))
                return
            }
            if let oldDeadline, oldDeadline < newDeadline {
                errors.invalid(
                    "spec.activeDeadlineSeconds", .int(newDeadline), "must be less than or equal to previous value")
                return
            }
        } else if oldDeadline != nil {
            errors.invalid("spec.activeDeadlineSeconds", .null, "must not update from a positive integer to nil value")
            return
        }

        // Every old toleration must still be there; only its tolerationSeconds may differ.
        let newTolerations = newSpec["tolerations"]?.array ?? []
        for oldToleration in oldSpec["tolerations"]?.array ?? [] {
            let kept = newTolerations.contains { candidate in
                var clone = oldToleration
                if clone.object != nil { clone["tolerationSeconds"] = candidate["tolerationSeconds"] }
                return JSON.semanticallyEqual(clone, candidate)
            }
            if !kept {
                errors.forbidden(
                    "spec.tolerations", "existing toleration can not be modified except its tolerationSeconds")
                break
            }
        }

        // Copy the mutable fields from old to new; whatever differs after that is forbidden.
        var munged = JSON.object(newSpec)
        for key in ["containers", "initContainers"] {
            guard let newList = newSpec[key]?.array, let oldList = oldSpec[key]?.array, newList.count == oldList.count
            else { continue }
            munged[key] = .array(
                zip(newList, oldList).map { n, o in
                    var c = n
                    if c.object != nil { c["image"] = o["image"] }
                    return c
                })
        }
        munged["activeDeadlineSeconds"] = oldSpec["activeDeadlineSeconds"]
        munged["tolerations"] = oldSpec["tolerations"]
        if let before = oldSpec["terminationGracePeriodSeconds"]?.int, before < 0,
            newSpec["terminationGracePeriodSeconds"]?.int == 1
        {
            munged["terminationGracePeriodSeconds"] = .int(before)
        }
        let oldNormalized = JSON.object(oldSpec).normalizedForComparison
        let newNormalized = munged.normalizedForComparison
        if oldNormalized != newNormalized {
            var lines: [String] = []
            differences(oldNormalized, newNormalized, "spec", into: &lines)
            errors.forbidden("spec", message + lines.map { "\n  " + $0 }.joined())
        }
    }

    /// A short list of changed paths, standing in for the Go diff Kubernetes appends.
    static func differences(_ a: JSON, _ b: JSON, _ path: String, into lines: inout [String], limit: Int = 5) {
        guard lines.count < limit, a != b else { return }
        switch (a, b) {
        case (.object(let x), .object(let y)):
            for key in Set(x.keys).union(y.keys).sorted() {
                differences(x[key] ?? .null, y[key] ?? .null, path.dot(key), into: &lines, limit: limit)
            }
        case (.array(let x), .array(let y)) where x.count == y.count:
            for (i, pair) in zip(x, y).enumerated() {
                differences(pair.0, pair.1, path.at(i), into: &lines, limit: limit)
            }
        default:
            lines.append("\(path): \(short(a)) -> \(short(b))")
        }
    }

    private static func short(_ value: JSON) -> String {
        let text = value.serializedString()
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
