/// The string syntax (`?labelSelector=`), parsed the way `labels.Parse` does so that the same
/// inputs are accepted and rejected, with the same messages. Each message also says where the
/// offending token starts (0-based byte offset), which Kubernetes leaves out.
///
///     <selector>    ::= <requirement> | <requirement> "," <selector>
///     <requirement> ::= [!] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
extension LabelSelector {
    public init(parsing text: String) throws(SkiffError) {
        var parser = LabelSelectorParser(tokens: LabelSelectorLexer.tokens(of: text))
        self.init(requirements: try parser.parseAll())
    }
}

struct LabelSelectorToken {
    enum Kind: Equatable {
        case end, openPar, closePar, comma, bang, equals, doubleEquals, notEquals, greaterThan, lessThan
        case identifier, inKeyword, notInKeyword, error
    }
    var kind: Kind
    var literal: String
    var position: Int
}

/// Byte-wise lexer: whitespace separates, `= ! ( ) , > <` are operator characters, anything
/// else runs into an identifier (validated later).
enum LabelSelectorLexer {
    static let symbols: [String: LabelSelectorToken.Kind] = [
        ")": .closePar, ",": .comma, "!": .bang, "==": .doubleEquals, "=": .equals,
        ">": .greaterThan, "<": .lessThan, "!=": .notEquals, "(": .openPar,
    ]

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    static func isSymbol(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: ","), UInt8(ascii: ">"), UInt8(ascii: "<"):
            return true
        default: return false
        }
    }

    static func tokens(of text: String) -> [LabelSelectorToken] {
        let bytes = Array(text.utf8)
        var pos = 0
        var out: [LabelSelectorToken] = []
        while true {
            while pos < bytes.count, isSpace(bytes[pos]) { pos += 1 }
            let start = pos
            guard pos < bytes.count else {
                out.append(LabelSelectorToken(kind: .end, literal: "", position: start))
                return out
            }
            if isSymbol(bytes[pos]) {
                // Longest run of operator characters that still spells a known operator: `!=`, `==`.
                var buffer = ""
                var best: (LabelSelectorToken.Kind, String, Int)?
                while pos < bytes.count, isSymbol(bytes[pos]) {
                    buffer.unicodeScalars.append(Unicode.Scalar(bytes[pos]))
                    if let kind = symbols[buffer] {
                        best = (kind, buffer, pos + 1)
                    } else if best != nil {
                        break
                    }
                    pos += 1
                }
                if let best {
                    pos = best.2
                    out.append(LabelSelectorToken(kind: best.0, literal: best.1, position: start))
                } else {
                    out.append(
                        LabelSelectorToken(
                            kind: .error, literal: "error expected: keyword found '\(buffer)'", position: start))
                }
            } else {
                while pos < bytes.count, !isSymbol(bytes[pos]), !isSpace(bytes[pos]) { pos += 1 }
                let word = String(decoding: bytes[start..<pos], as: UTF8.self)
                let kind: LabelSelectorToken.Kind =
                    word == "in" ? .inKeyword : word == "notin" ? .notInKeyword : .identifier
                out.append(LabelSelectorToken(kind: kind, literal: word, position: start))
            }
        }
    }
}

/// Recursive descent over the token list, mirroring `labels.Parser`. In value position the
/// words `in` and `notin` are plain identifiers (`x in (in)` is legal).
struct LabelSelectorParser {
    let tokens: [LabelSelectorToken]
    var index = 0

    init(tokens: [LabelSelectorToken]) { self.tokens = tokens }

    enum Context { case keyAndOperator, values }

    func peek(_ context: Context) -> LabelSelectorToken {
        var token = tokens[min(index, tokens.count - 1)]  // the list always ends with `.end`
        if context == .values, token.kind == .inKeyword || token.kind == .notInKeyword { token.kind = .identifier }
        return token
    }

    mutating func next(_ context: Context) -> LabelSelectorToken {
        let token = peek(context)
        index += 1
        return token
    }

    func fail(_ message: String, at token: LabelSelectorToken) -> SkiffError {
        SkiffError(.badRequest, "\(message) (at position \(token.position))")
    }

    mutating func parseAll() throws(SkiffError) -> [LabelSelector.Requirement] {
        var requirements: [LabelSelector.Requirement] = []
        while true {
            let token = peek(.values)
            switch token.kind {
            case .identifier, .bang:
                requirements.append(try parseRequirement())
                let after = next(.values)
                switch after.kind {
                case .end:
                    return requirements
                case .comma:
                    let following = peek(.values)
                    if following.kind != .identifier && following.kind != .bang {
                        throw fail("found '\(following.literal)', expected: identifier after ','", at: following)
                    }
                default:
                    throw fail("found '\(after.literal)', expected: ',' or 'end of string'", at: after)
                }
            case .end:
                return requirements
            default:
                throw fail("found '\(token.literal)', expected: !, identifier, or 'end of string'", at: token)
            }
        }
    }

    /// Errors inside one requirement carry Kubernetes' `unable to parse requirement: ` prefix.
    func requirementError(_ message: String, at token: LabelSelectorToken) -> SkiffError {
        fail("unable to parse requirement: " + message, at: token)
    }

    mutating func parseRequirement() throws(SkiffError) -> LabelSelector.Requirement {
        var keyToken = next(.values)
        var op: LabelSelector.Operator?
        if keyToken.kind == .bang {
            op = .doesNotExist
            keyToken = next(.values)
        }
        guard keyToken.kind == .identifier else {
            throw requirementError("found '\(keyToken.literal)', expected: identifier", at: keyToken)
        }
        let key = keyToken.literal
        let keyErrors = LabelSyntax.keyProblems(key)
        if !keyErrors.isEmpty {
            // Kubernetes validates the key with a nil field path, which Go prints as `<nil>`.
            let message = "<nil>: Invalid value: \(LabelSyntax.goQuote(key)): " + keyErrors.joined(separator: "; ")
            throw requirementError(message, at: keyToken)
        }
        let following = peek(.values).kind
        if op == nil, following == .end || following == .comma { op = .exists }
        if let op {  // `key` or `!key`; `!key=v` fails later at the `=`
            return LabelSelector.Requirement(unchecked: key, op, [])
        }

        let opToken = next(.keyAndOperator)
        let values: [String]
        switch opToken.kind {
        case .inKeyword:
            op = .in
            values = try parseValueSet()
        case .notInKeyword:
            op = .notIn
            values = try parseValueSet()
        case .equals:
            op = .equals
            values = try parseExactValue()
        case .doubleEquals:
            op = .doubleEquals
            values = try parseExactValue()
        case .notEquals:
            op = .notEquals
            values = try parseExactValue()
        case .greaterThan:
            op = .greaterThan
            values = try parseExactValue()
        case .lessThan:
            op = .lessThan
            values = try parseExactValue()
        default:
            let expected = ["in", "notin", "=", "==", "!=", "gt", "lt"].joined(separator: ", ")
            throw requirementError("found '\(opToken.literal)', expected: \(expected)", at: opToken)
        }
        guard let op else { throw requirementError("unknown operator '\(opToken.literal)'", at: opToken) }
        let sorted = Array(Set(values)).sorted()
        let problems = LabelSyntax.requirementProblems(key: key, op: op, values: sorted)
        if !problems.isEmpty { throw requirementError(LabelSyntax.aggregate(problems), at: keyToken) }
        return LabelSelector.Requirement(unchecked: key, op, sorted)
    }

    /// `(a,b,c)`; empty members are the empty string: `()`, `(,a)`, `(a,,b)` are all legal.
    mutating func parseValueSet() throws(SkiffError) -> [String] {
        let open = next(.values)
        guard open.kind == .openPar else {
            throw requirementError("found '\(open.literal)' expected: '('", at: open)
        }
        let first = peek(.values)
        switch first.kind {
        case .closePar:
            index += 1
            return [""]
        case .identifier, .comma:
            var values: [String] = []
            while true {
                let token = next(.values)
                switch token.kind {
                case .identifier:
                    values.append(token.literal)
                    let after = peek(.values)
                    if after.kind == .closePar {
                        index += 1
                        return values
                    }
                    if after.kind != .comma {
                        throw requirementError("found '\(after.literal)', expected: ',' or ')'", at: after)
                    }
                case .comma:
                    if values.isEmpty { values.append("") }
                    let after = peek(.values)
                    if after.kind == .closePar {
                        index += 1
                        return values + [""]
                    }
                    if after.kind == .comma { values.append("") }
                default:
                    throw requirementError("found '\(token.literal)', expected: ',', or identifier", at: token)
                }
            }
        default:
            throw requirementError("found '\(first.literal)', expected: ',', ')' or identifier", at: first)
        }
    }

    /// The single value after `=`, `==`, `!=`, `>` or `<`; nothing at all means the empty string.
    mutating func parseExactValue() throws(SkiffError) -> [String] {
        let token = peek(.values)
        if token.kind == .end || token.kind == .comma { return [""] }
        index += 1
        guard token.kind == .identifier else {
            throw requirementError("found '\(token.literal)', expected: identifier", at: token)
        }
        return [token.literal]
    }
}
