/// JSON parsing by hand, on purpose: request bodies must fail with the line and column of the
/// first bad byte (a 400 that names the position), integers must stay integers, and this runs on
/// every read of the store, where Foundation's `JSONSerialization` boxes every value as `Any`.
extension JSON {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var line: Int
        public var column: Int
        public var description: String { "\(message) at line \(line), column \(column)" }
    }

    public static func parse(_ text: String) throws(ParseError) -> JSON {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: some Collection<UInt8>) throws(ParseError) -> JSON {
        let buffer = Array(bytes)
        var parser = Parser(bytes: buffer)
        return try parser.parseDocument()
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0
        var depth = 0

        mutating func parseDocument() throws(ParseError) -> JSON {
            skipSpace()
            let value = try parseValue()
            skipSpace()
            if i < bytes.count { throw error("unexpected data after the JSON value") }
            return value
        }

        func error(_ message: String) -> ParseError {
            var line = 1
            var column = 1
            for b in bytes[0..<min(i, bytes.count)] {
                if b == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if b & 0xC0 != 0x80 {
                    column += 1
                }
            }
            return ParseError(message: message, line: line, column: column)
        }

        mutating func skipSpace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        mutating func parseValue() throws(ParseError) -> JSON {
            guard i < bytes.count else { throw error("unexpected end of JSON input") }
            switch bytes[i] {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default:
                throw error("invalid character '\(Character(Unicode.Scalar(bytes[i])))' looking for beginning of value")
            }
        }

        mutating func literal(_ word: StaticString, _ value: JSON) throws(ParseError) -> JSON {
            let count = word.utf8CodeUnitCount
            guard i + count <= bytes.count else { throw error("unexpected end of JSON input") }
            let matches = word.withUTF8Buffer { w in
                (0..<count).allSatisfy { bytes[i + $0] == w[$0] }
            }
            guard matches else { throw error("invalid literal, expected \(word)") }
            i += count
            return value
        }

        mutating func nest() throws(ParseError) {
            depth += 1
            if depth > 512 { throw error("JSON nested too deeply") }
        }

        mutating func parseObject() throws(ParseError) -> JSON {
            try nest()
            defer { depth -= 1 }
            i += 1
            var result: [String: JSON] = [:]
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                i += 1
                return .object(result)
            }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                    throw error("expected a string key in object")
                }
                let key = try parseString()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                    throw error("expected ':' after object key")
                }
                i += 1
                skipSpace()
                result[key] = try parseValue()
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of JSON input") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return .object(result)
                }
                throw error("expected ',' or '}' after object value")
            }
        }

        mutating func parseArray() throws(ParseError) -> JSON {
            try nest()
            defer { depth -= 1 }
            i += 1
            var result: [JSON] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                i += 1
                return .array(result)
            }
            while true {
                skipSpace()
                result.append(try parseValue())
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of JSON input") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return .array(result)
                }
                throw error("expected ',' or ']' after array element")
            }
        }

        mutating func parseString() throws(ParseError) -> String {
            i += 1  // opening quote
            let start = i
            // Fast path: no escapes.
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    let s = String(decoding: bytes[start..<i], as: UTF8.self)
                    i += 1
                    return s
                }
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw error("invalid control character in string") }
                i += 1
            }
            var out = Array(bytes[start..<i])
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if b < 0x20 { throw error("invalid control character in string") }
                if b != UInt8(ascii: "\\") {
                    out.append(b)
                    i += 1
                    continue
                }
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
                        bytes[i + 1] == UInt8(ascii: "u")
                    {
                        i += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                    }
                    let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    i -= 1
                    throw error("invalid escape in string")
                }
            }
            throw error("unterminated string")
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard i + 4 <= bytes.count else { throw error("invalid \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: throw error("invalid \\u escape")
                }
                v = v * 16 + d
                i += 1
            }
            return v
        }

        mutating func parseNumber() throws(ParseError) -> JSON {
            let start = i
            var isInteger = true
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            var digits = 0
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) {
                i += 1
                digits += 1
            }
            if digits == 0 { throw error("invalid number") }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                isInteger = false
                i += 1
                var frac = 0
                while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) {
                    i += 1
                    frac += 1
                }
                if frac == 0 { throw error("invalid number: digit expected after '.'") }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                isInteger = false
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                var exp = 0
                while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) {
                    i += 1
                    exp += 1
                }
                if exp == 0 { throw error("invalid number: digit expected in exponent") }
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if isInteger, let v = Int64(text) { return .int(v) }
            guard let d = Double(text) else { throw error("invalid number") }
            return .double(d)
        }
    }
}
