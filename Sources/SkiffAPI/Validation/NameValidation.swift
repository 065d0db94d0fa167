/// Name and label syntax checks from k8s.io/apimachinery/pkg/util/validation, returning the same
/// message strings, because clients and users search for Kubernetes' exact wording.
///
/// The patterns are matched by hand on UTF-8 bytes: they are small, and this keeps the hot path
/// (every create and update) free of regex compilation.
public enum NameValidation {
    /// Which naming rule a kind's `metadata.name` follows.
    public enum NameRule: Sendable {
        case dns1123Subdomain
        case dns1123Label
        case dns1035Label
    }

    public static let dns1123LabelMaxLength = 63
    public static let dns1123SubdomainMaxLength = 253
    public static let qualifiedNameMaxLength = 63
    public static let labelValueMaxLength = 63

    static let dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    static let dns1123SubdomainFormat = dns1123LabelFormat + "(\\." + dns1123LabelFormat + ")*"
    static let dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?"
    static let qualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let qualifiedNameMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

    /// `RegexError`: the message, then examples and the pattern, exactly as Kubernetes joins them
    /// (including the doubled space after the first of several examples).
    static func regexError(_ message: String, _ format: String, _ examples: String...) -> String {
        if examples.isEmpty { return message + " (regex used for validation is '" + format + "')" }
        var text = message + " (e.g. "
        for (n, example) in examples.enumerated() {
            if n > 0 { text += " or " }
            text += "'" + example + "', "
        }
        return text + "regex used for validation is '" + format + "')"
    }

    static func maxLenError(_ length: Int) -> String { "must be no more than \(length) characters" }
    static let emptyError = "must be non-empty"

    // MARK: character classes

    static func isLowerAlnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
    static func isAlnum(_ b: UInt8) -> Bool { isLowerAlnum(b) || (b >= 65 && b <= 90) }
    static func isLowerAlpha(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }

    static func matchesLabel(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        return isLowerAlnum(first) && isLowerAlnum(last)
            && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    static func matchesSubdomain(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy(matchesLabel)
    }

    static func matchesQualifiedPart(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        return isAlnum(first) && isAlnum(last)
            && bytes.allSatisfy {
                isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
            }
    }

    // MARK: public checks

    /// Most object names: pods, configmaps, deployments (`IsDNS1123Subdomain`).
    public static func isDNS1123Subdomain(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > dns1123SubdomainMaxLength { errors.append(maxLenError(dns1123SubdomainMaxLength)) }
        if !matchesSubdomain(value) {
            errors.append(
                regexError(
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                    dns1123SubdomainFormat, "example.com"))
        }
        return errors
    }

    /// Namespaces, container, port and volume names (`IsDNS1123Label`).
    public static func isDNS1123Label(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > dns1123LabelMaxLength { errors.append(maxLenError(dns1123LabelMaxLength)) }
        if !matchesLabel(Array(value.utf8)[...]) {
            if matchesSubdomain(value) {
                // A valid subdomain that is not a label can only have failed on its dots.
                errors.append("must not contain dots")
            } else {
                errors.append(
                    regexError(
                        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                        dns1123LabelFormat, "my-name", "123-abc"))
            }
        }
        return errors
    }

    /// Service names, which become DNS names and environment variable prefixes (`IsDNS1035Label`).
    public static func isDNS1035Label(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > dns1123LabelMaxLength { errors.append(maxLenError(dns1123LabelMaxLength)) }
        let bytes = Array(value.utf8)
        let ok =
            bytes.first.map(isLowerAlpha) == true && bytes.last.map(isLowerAlnum) == true
            && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        if !ok {
            errors.append(
                regexError(
                    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
                    dns1035LabelFormat, "my-name", "abc-123"))
        }
        return errors
    }

    /// Label and annotation keys: `name` or `prefix/name`, the prefix a DNS subdomain (`IsQualifiedName`).
    public static func isQualifiedName(_ value: String) -> [String] {
        var errors: [String] = []
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name: String
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            name = parts[1]
            if parts[0].isEmpty {
                errors.append("prefix part " + emptyError)
            } else {
                errors += isDNS1123Subdomain(parts[0]).map { "prefix part " + $0 }
            }
        default:
            return [
                "a qualified name "
                    + regexError(qualifiedNameMessage, qualifiedNameFormat, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ]
        }
        if name.isEmpty {
            errors.append("name part " + emptyError)
        } else if name.utf8.count > qualifiedNameMaxLength {
            errors.append("name part " + maxLenError(qualifiedNameMaxLength))
        }
        if !matchesQualifiedPart(name) {
            errors.append(
                "name part " + regexError(qualifiedNameMessage, qualifiedNameFormat, "MyName", "my.name", "123-abc"))
        }
        return errors
    }

    /// Label values: empty, or up to 63 characters shaped like a qualified name (`IsValidLabelValue`).
    public static func isValidLabelValue(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > labelValueMaxLength { errors.append(maxLenError(labelValueMaxLength)) }
        if !value.isEmpty && !matchesQualifiedPart(value) {
            errors.append(
                regexError(
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                    "(" + qualifiedNameFormat + ")?", "MyValue", "my_value", "12345"))
        }
        return errors
    }

    /// Name check for a rule; with `prefix` (a `generateName`) a trailing dash is allowed, which
    /// Kubernetes does by masking the end (`maskTrailingDash`, which replaces the last two bytes).
    public static func validateName(_ name: String, rule: NameRule, prefix: Bool = false) -> [String] {
        var value = name
        if prefix, value.utf8.count > 1, value.hasSuffix("-") {
            value = String(decoding: Array(value.utf8).dropLast(2), as: UTF8.self) + "a"
        }
        switch rule {
        case .dns1123Subdomain: return isDNS1123Subdomain(value)
        case .dns1123Label: return isDNS1123Label(value)
        case .dns1035Label: return isDNS1035Label(value)
        }
    }
}
