/// A field selector (`?fieldSelector=metadata.name=x,status.phase!=Running`), parsed like
/// `fields.ParseSelector` in `k8s.io/apimachinery/pkg/fields`.
///
/// Terms are comma-separated and ANDed; operators are `=`, `==` and `!=`. Values may contain
/// `,` `=` and `\` only when escaped with a backslash. Keys are not trimmed, exactly as in
/// Kubernetes, so `metadata.name = x` names the field `metadata.name ` (and fails validation).
public struct FieldSelector: Sendable, Equatable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable {
        case equals = "="
        case doubleEquals = "=="
        case notEquals = "!="
    }

    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        public let field: String
        public let `operator`: Operator
        /// Unescaped value.
        public let value: String

        public init(field: String, operator op: Operator, value: String) {
            self.field = field
            self.operator = op
            self.value = value
        }

        public func matches(_ object: JSON) -> Bool {
            let actual = FieldSelector.value(of: field, in: object)
            return self.operator == .notEquals ? actual != value : actual == value
        }

        /// Kubernetes renders both `=` and `==` as `=`, escaping the value.
        public var description: String {
            field + (self.operator == .notEquals ? "!=" : "=") + FieldSelector.escape(value)
        }
    }

    public let requirements: [Requirement]

    public init(requirements: [Requirement]) { self.requirements = requirements }

    public static let everything = FieldSelector(requirements: [])

    /// An empty selector matches every object.
    public var isEmpty: Bool { requirements.isEmpty }

    public init(parsing text: String) throws(SkiffError) {
        // Kubernetes sorts the raw terms before parsing, which fixes the order of `description`.
        let terms = Self.splitTerms(text).sorted()
        var requirements: [Requirement] = []
        for term in terms where !term.isEmpty {
            guard let (field, op, rawValue) = Self.splitTerm(term) else {
                throw SkiffError(.badRequest, "invalid selector: '\(text)'; can't understand '\(term)'")
            }
            requirements.append(Requirement(field: field, operator: op, value: try Self.unescape(rawValue)))
        }
        self.init(requirements: requirements)
    }

    public func matches(_ object: JSON) -> Bool {
        requirements.allSatisfy { $0.matches(object) }
    }

    /// The name pinned by `metadata.name=x` (or `==`), letting the server do a point read
    /// instead of a list scan. The rest of the selector must still be applied to the result.
    public func exactName() -> String? { requiresExactMatch("metadata.name") }

    /// The value a field must equal, if some `=`/`==` term pins it.
    public func requiresExactMatch(_ field: String) -> String? {
        requirements.first { $0.field == field && $0.operator != .notEquals }?.value
    }

    public var description: String { requirements.map(\.description).joined(separator: ",") }

    // MARK: - Syntax

    /// Splits on commas not preceded by a backslash; the backslash stays for `unescape`.
    /// Works on Unicode scalars so a combining mark cannot hide a `,` or `=` inside a grapheme.
    static func splitTerms(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var terms: [String] = []
        var current = String.UnicodeScalarView()
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "," {
                terms.append(String(current))
                current = String.UnicodeScalarView()
                continue
            }
            current.append(scalar)
        }
        terms.append(String(current))
        return terms
    }

    /// The first place any operator starts splits the term; `!=` and `==` are tried before `=`
    /// so that `a==b` does not leave `=b` as the value.
    static func splitTerm(_ term: String) -> (String, Operator, String)? {
        let scalars = Array(term.unicodeScalars)
        for i in scalars.indices {
            for op in [Operator.notEquals, .doubleEquals, .equals] {
                let opScalars = Array(op.rawValue.unicodeScalars)
                guard i + opScalars.count <= scalars.count,
                    Array(scalars[i..<(i + opScalars.count)]) == opScalars
                else { continue }
                var field = String.UnicodeScalarView()
                field.append(contentsOf: scalars[..<i])
                var value = String.UnicodeScalarView()
                value.append(contentsOf: scalars[(i + opScalars.count)...])
                return (String(field), op, String(value))
            }
        }
        return nil
    }

    /// `fields.UnescapeValue`. The messages are Kubernetes' own; note Go prints the offending
    /// rune with `%v`, i.e. as a number (`unescaped character in value: 61` for `=`).
    static func unescape(_ raw: String) throws(SkiffError) -> String {
        var out = ""
        var escaped = false
        for scalar in raw.unicodeScalars {
            if escaped {
                guard scalar == "\\" || scalar == "," || scalar == "=" else {
                    throw SkiffError(
                        .badRequest, "invalid field selector: invalid escape sequence: \\\(Character(scalar))")
                }
                out.unicodeScalars.append(scalar)
                escaped = false
                continue
            }
            switch scalar {
            case "\\":
                escaped = true
            case ",", "=":
                throw SkiffError(.badRequest, "invalid field selector: unescaped character in value: \(scalar.value)")
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        if escaped { throw SkiffError(.badRequest, "invalid field selector: invalid escape sequence: \\") }
        return out
    }

    /// `fields.EscapeValue`: the inverse of `unescape`.
    public static func escape(_ value: String) -> String {
        var out = ""
        for ch in value {
            if ch == "\\" || ch == "," || ch == "=" { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
