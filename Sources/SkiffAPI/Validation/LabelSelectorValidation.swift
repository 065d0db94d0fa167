/// `metav1.LabelSelector` (matchLabels + matchExpressions): validation and matching, used by the
/// workload kinds to check that their selector selects their own pod template.
enum LabelSelectorValidation {
    static let operators = ["In", "NotIn", "Exists", "DoesNotExist"]

    /// `ValidateLabelSelector`.
    static func validate(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        guard let selector = errors.object(value, path) else { return }
        errors.labels(selector["matchLabels"], path.dot("matchLabels"))
        let expressionsPath = path.dot("matchExpressions")
        for (i, expression) in errors.objects(selector["matchExpressions"], expressionsPath) {
            let p = expressionsPath.at(i)
            let op = errors.string(expression["operator"], p.dot("operator")) ?? ""
            let values = errors.array(expression["values"], p.dot("values")) ?? []
            switch op {
            case "In", "NotIn":
                if values.isEmpty {
                    errors.required(p.dot("values"), "must be specified when `operator` is 'In' or 'NotIn'")
                }
            case "Exists", "DoesNotExist":
                if !values.isEmpty {
                    errors.forbidden(
                        p.dot("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
                }
            default:
                errors.invalid(p.dot("operator"), .string(op), "not a valid selector operator")
            }
            let key = errors.string(expression["key"], p.dot("key")) ?? ""
            for message in NameValidation.isQualifiedName(key) { errors.invalid(p.dot("key"), .string(key), message) }
            for (n, v) in values.enumerated() {
                guard let s = errors.string(v, p.dot("values").at(n)) else { continue }
                for message in NameValidation.isValidLabelValue(s) {
                    errors.invalid(p.dot("values").at(n), .string(s), message)
                }
            }
        }
    }

    /// True when the selector has neither matchLabels nor matchExpressions (selects everything,
    /// which Kubernetes refuses for controllers).
    static func isEmpty(_ selector: JSON) -> Bool {
        (selector["matchLabels"]?.object ?? [:]).isEmpty && (selector["matchExpressions"]?.array ?? []).isEmpty
    }

    /// `LabelSelectorAsSelector(...).Matches(labels)`; a malformed selector matches nothing.
    static func matches(_ selector: JSON, labels: [String: String]) -> Bool {
        for (key, value) in selector["matchLabels"]?.object ?? [:] {
            guard let wanted = value.string, labels[key] == wanted else { return false }
        }
        for expression in selector["matchExpressions"]?.array ?? [] {
            guard let key = expression["key"]?.string, let op = expression["operator"]?.string else { return false }
            let values = (expression["values"]?.array ?? []).compactMap(\.string)
            let actual = labels[key]
            switch op {
            case "In": if actual == nil || !values.contains(actual ?? "") { return false }
            case "NotIn": if let actual, values.contains(actual) { return false }
            case "Exists": if actual == nil { return false }
            case "DoesNotExist": if actual != nil { return false }
            default: return false
            }
        }
        return true
    }

    /// Equality-based selector (`map[string]string`, as Services and ReplicationControllers use).
    static func matches(map selector: [String: String], labels: [String: String]) -> Bool {
        selector.allSatisfy { labels[$0.key] == $0.value }
    }
}
