/// Label key/value syntax checks with Kubernetes' exact wording (`k8s.io/apimachinery/pkg/util/validation`),
/// because clients and tests match on these messages. Hand-written character checks instead of
/// regexes: they are equivalent for these simple patterns and cannot fail to compile.
enum LabelSyntax {
    static let qualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let labelValueFormat = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"
    static let dns1123SubdomainFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"

    /// Go's `validation.RegexError`: `msg (e.g. 'a', or 'b', regex used for validation is 'fmt')`.
    static func regexError(_ msg: String, _ format: String, _ examples: [String]) -> String {
        var out = msg + " (e.g. "
        for (i, example) in examples.enumerated() {
            if i > 0 { out += " or " }
            out += "'" + example + "', "
        }
        return out + "regex used for validation is '" + format + "')"
    }

    /// `IsQualifiedName`: optional DNS-subdomain prefix and `/`, then a name of at most 63 characters.
    static func keyProblems(_ key: String) -> [String] {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var errors: [String] = []
        let name: String
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = parts[0]
            name = parts[1]
            if prefix.isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += subdomainProblems(prefix).map { "prefix part " + $0 }
            }
        default:
            let base = regexError(
                "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                qualifiedNameFormat, ["MyName", "my.name", "123-abc"])
            return ["a qualified name " + base + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.utf8.count > 63 {
            errors.append("name part must be no more than 63 characters")
        }
        if !isQualifiedNamePart(name) {
            errors.append(
                "name part "
                    + regexError(
                        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                        qualifiedNameFormat, ["MyName", "my.name", "123-abc"]))
        }
        return errors
    }

    /// `IsValidLabelValue`: empty, or up to 63 characters of the qualified-name alphabet.
    static func valueProblems(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        if !value.isEmpty && !isQualifiedNamePart(value) {
            errors.append(
                regexError(
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                    labelValueFormat, ["MyValue", "my_value", "12345"]))
        }
        return errors
    }

    static func subdomainProblems(_ s: String) -> [String] {
        var errors: [String] = []
        if s.utf8.count > 253 { errors.append("must be no more than 253 characters") }
        let labelsOK = s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let b = Array(label.utf8)
            guard let first = b.first, let last = b.last else { return false }
            return isLowerAlnum(first) && isLowerAlnum(last) && b.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        }
        if !labelsOK {
            errors.append(
                regexError(
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                    dns1123SubdomainFormat, ["example.com"]))
        }
        return errors
    }

    /// Matches `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]` exactly.
    static func isQualifiedNamePart(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard let first = b.first, let last = b.last, isAlnum(first), isAlnum(last) else { return false }
        return b.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }

    static func isLowerAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A)
    }

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
                    "values[\(i)]: Invalid value: \(goQuote(v)): for 'Gt', 'Lt' operators, the value must be an integer")
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
