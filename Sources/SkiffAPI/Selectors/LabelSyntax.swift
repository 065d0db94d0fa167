/// Label key/value syntax checks with Kubernetes' exact wording (`k8s.io/apimachinery/pkg/util/validation`),
/// because clients and tests match on these messages. Hand-written character checks instead of
/// regexes: they are equivalent for these simple patterns and cannot fail to compile.
enum LabelSyntax {
    /// `IsQualifiedName`: optional DNS-subdomain prefix and `/`, then a name of at most 63
    /// characters. The one implementation lives in `NameValidation`; selectors reuse it.
    static func keyProblems(_ key: String) -> [String] { NameValidation.isQualifiedName(key) }

    /// `IsValidLabelValue`: empty, or up to 63 characters of the qualified-name alphabet.
    static func valueProblems(_ value: String) -> [String] { NameValidation.isValidLabelValue(value) }

    /// Everything `labels.NewRequirement` checks, as `field.Error` strings (empty when valid).
    /// Paths are those Kubernetes prints when no field path is given: `key`, `values`, `values[0][k]`.
    static func requirementProblems(key: String, op: LabelSelector.Operator, values: [String]) -> [String] {
        var errors: [String] = []
        let keyErrs = keyProblems(key)
        if !keyErrs.isEmpty {
            errors.append("key: Invalid value: \(goQuote(key)): " + keyErrs.joined(separator: "; "))
        }
        let list = goStringSlice(values)
        switch op {
        case .in, .notIn:
            if values.isEmpty {
                errors.append("values: Invalid value: \(list): for 'in', 'notin' operators, values set can't be empty")
            }
        case .equals, .doubleEquals, .notEquals:
            if values.count != 1 {
                errors.append("values: Invalid value: \(list): exact-match compatibility requires one single value")
            }
        case .exists, .doesNotExist:
            if !values.isEmpty {
                errors.append("values: Invalid value: \(list): values set must be empty for exists and does not exist")
            }
        case .greaterThan, .lessThan:
            if values.count != 1 {
                errors.append("values: Invalid value: \(list): for 'Gt', 'Lt' operators, exactly one value is required")
            }
            for (i, v) in values.enumerated() where Int64(v) == nil {
                errors.append(
                    "values[\(i)]: Invalid value: \(goQuote(v)): for 'Gt', 'Lt' operators, the value must be an integer"
                )
            }
        }
        for (i, v) in values.enumerated() {
            let problems = valueProblems(v)
            if !problems.isEmpty {
                errors.append("values[\(i)][\(key)]: Invalid value: \(goQuote(v)): " + problems.joined(separator: "; "))
            }
        }
        return errors
    }

    /// `utilerrors.NewAggregate(...).Error()`: one message as is, several de-duplicated in brackets.
    static func aggregate(_ messages: [String]) -> String {
        var seen: [String] = []
        for m in messages where !seen.contains(m) { seen.append(m) }
        return seen.count == 1 ? seen[0] : "[" + seen.joined(separator: ", ") + "]"
    }

    /// Go's `%q` for the characters label input can contain: quotes and backslashes escaped,
    /// control characters as `\n`, `\t`, `\r` or `\x..`.
    static func goQuote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Go's `%#v` of a `[]string`, which Kubernetes prints for a bad value list.
    static func goStringSlice(_ values: [String]) -> String {
        "[]string{" + values.map(goQuote).joined(separator: ", ") + "}"
    }
}
