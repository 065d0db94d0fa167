/// Syntax checks for values other than names (ports, keys, percentages, IPs), with the messages of
/// k8s.io/apimachinery/pkg/util/validation.
extension NameValidation {
    /// `InclusiveRangeError`.
    static func inclusiveRangeError(_ lo: Int64, _ hi: Int64) -> String { "must be between \(lo) and \(hi), inclusive" }

    /// `IsValidPortNum`: 1–65535.
    public static func isValidPortNum(_ port: Int64) -> [String] {
        (1...65535).contains(port) ? [] : [inclusiveRangeError(1, 65535)]
    }

    /// `IsValidPortName`: an IANA service name (`http`, `metrics-2`).
    public static func isValidPortName(_ port: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(port.utf8)
        if bytes.count > 15 { errors.append(maxLenError(15)) }
        if bytes.isEmpty || !bytes.allSatisfy({ isLowerAlnum($0) || $0 == UInt8(ascii: "-") }) {
            errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        }
        if !bytes.contains(where: isLowerAlpha) { errors.append("must contain at least one letter (a-z)") }
        if port.contains("--") { errors.append("must not contain consecutive hyphens") }
        if let first = bytes.first, let last = bytes.last, first == UInt8(ascii: "-") || last == UInt8(ascii: "-") {
            errors.append("must not begin or end with a hyphen")
        }
        return errors
    }

    /// `IsConfigMapKey`: keys of ConfigMap and Secret data, which become file names in volumes.
    public static func isConfigMapKey(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > dns1123SubdomainMaxLength { errors.append(maxLenError(dns1123SubdomainMaxLength)) }
        let ok =
            !bytes.isEmpty
            && bytes.allSatisfy {
                isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
            }
        if !ok {
            errors.append(
                regexError(
                    "a valid config key must consist of alphanumeric characters, '-', '_' or '.'", "[-._a-zA-Z0-9]+",
                    "key.name", "KEY_NAME", "key-name"))
        }
        if value == "." {
            errors.append("must not be '.'")
        } else if value == ".." {
            errors.append("must not be '..'")
        } else if value.hasPrefix("..") {
            errors.append("must not start with '..'")
        }
        return errors
    }

    /// `IsRelaxedEnvVarName`, the rule since Kubernetes 1.32: printable ASCII except '='.
    public static func isEnvVarName(_ value: String) -> [String] {
        if value.isEmpty { return ["environment variable name " + emptyError] }
        let ok = value.utf8.allSatisfy { $0 >= 32 && $0 <= 126 && $0 != UInt8(ascii: "=") }
        return ok
            ? [] : ["a valid environment variable name must consist only of printable ASCII characters other than '='"]
    }

    /// `IsValidPercent`: `25%`.
    public static func isValidPercent(_ value: String) -> [String] {
        let bytes = Array(value.utf8)
        let ok =
            bytes.count >= 2 && bytes.last == UInt8(ascii: "%") && bytes.dropLast().allSatisfy { $0 >= 48 && $0 <= 57 }
        return ok
            ? []
            : [
                regexError(
                    "a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%")
            ]
    }

    /// Dotted-quad IPv4 without leading zeros, or an IPv6 address (hex groups, one `::`, optional
    /// trailing IPv4), which is what `netip.ParseAddr` accepts for Service and Endpoints IPs.
    public static func isValidIP(_ value: String) -> Bool {
        if value.contains(":") { return isIPv6(value) }
        return isIPv4(value)
    }

    static func isIPv4(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            if part.count > 1, part.first == "0" { return false }
            return (Int(part) ?? 256) <= 255
        }
    }

    static func isIPv6(_ value: String) -> Bool {
        var text = Substring(value)
        var groupsNeeded = 8
        // A trailing IPv4 part stands for two groups.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(text[text.index(after: lastColon)...])) else { return false }
            text = text[...lastColon] + "0"
            groupsNeeded = 7
        }
        let halves = String(text).splitOn("::")
        guard halves.count <= 2 else { return false }
        func groups(_ s: String) -> [Substring]? {
            if s.isEmpty { return [] }
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            let hex = parts.allSatisfy { p in
                !p.isEmpty && p.count <= 4 && p.allSatisfy(\.isHexDigit) && p.allSatisfy(\.isASCII)
            }
            return hex ? parts : nil
        }
        guard let head = groups(halves[0]) else { return false }
        if halves.count == 1 { return head.count == groupsNeeded }
        guard let tail = groups(halves[1]) else { return false }
        return head.count + tail.count < groupsNeeded
    }
}

extension String {
    /// Splits on a separator string; used where Foundation is not imported.
    fileprivate func splitOn(_ separator: String) -> [String] {
        var result: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            result.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        result.append(String(rest))
        return result
    }
}
