/// The scanner behind `Quantity(parsing:)`, following `parseQuantityString` and the suffixer of
/// k8s.io/apimachinery/pkg/api/resource, but with exact decimal arithmetic on digit arrays instead
/// of `inf.Dec`, so that every accepted string has one exact value in nano-units.
enum QuantityParser {
    struct Result {
        var nanos: Int128
        var format: Quantity.Format
    }

    static func parse(_ text: String) throws(SkiffError) -> Result {
        let bytes = Array(text.utf8)
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var digits: [UInt8] = []
        let integerStart = i
        while i < bytes.count, isDigit(bytes[i]) {
            digits.append(bytes[i] - 48)
            i += 1
        }
        var fractionLength = 0
        var sawDigit = i > integerStart
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, isDigit(bytes[i]) {
                digits.append(bytes[i] - 48)
                fractionLength += 1
                i += 1
            }
            sawDigit = sawDigit || fractionLength > 0
        }
        // Kubernetes quietly reads "m" or "-" as zero; a number needs a digit here.
        guard sawDigit else { throw SkiffError.badRequest(Quantity.formatMessage) }

        // Suffix: letters from the allowed set, then an optional signed run of digits, then the end.
        let suffixStart = i
        while i < bytes.count, "eEinumkKMGTP".utf8.contains(bytes[i]) { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        guard i == bytes.count else { throw SkiffError.badRequest(Quantity.formatMessage) }
        let suffix = String(decoding: bytes[suffixStart...], as: UTF8.self)
        guard let (format, exponent10, exponent2) = interpret(suffix) else {
            throw SkiffError.badRequest(Quantity.suffixMessage)
        }

        if exponent2 > 0 {
            for _ in 0..<exponent2 { double(&digits) }
        }
        guard let magnitude = nanos(digits: digits, scale: exponent10 - fractionLength + 9) else {
            throw SkiffError.badRequest("quantity \"\(text)\" is too large")
        }
        return Result(nanos: negative ? -magnitude : magnitude, format: format)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// (format, power of ten, power of two) for a suffix, or nil for an unknown one.
    private static func interpret(_ suffix: String) -> (Quantity.Format, Int, Int)? {
        let decimal = ["": 0, "n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18]
        if let e = decimal[suffix] { return (.decimalSI, e, 0) }
        let binary = ["Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60]
        if let e = binary[suffix] { return (.binarySI, 0, e) }
        guard suffix.count > 1, suffix.first == "e" || suffix.first == "E" else { return nil }
        // Go's strconv.ParseInt: optional sign, then digits only; cap the size before converting.
        var rest = Substring(suffix.dropFirst())
        var sign = 1
        if let first = rest.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty, rest.allSatisfy(\.isASCII), rest.allSatisfy(\.isNumber) else { return nil }
        let trimmed = rest.drop(while: { $0 == "0" })
        if trimmed.count > 6 {
            // 10^±1000000 is out of range anyway; pick an exponent that over- or underflows.
            return (.decimalExponent, sign * 1_000_000, 0)
        }
        return (.decimalExponent, sign * (Int(trimmed) ?? 0), 0)
    }

    /// Multiplies a big-endian decimal digit array by two in place.
    private static func double(_ digits: inout [UInt8]) {
        var carry: UInt8 = 0
        for k in stride(from: digits.count - 1, through: 0, by: -1) {
            let v = digits[k] * 2 + carry
            digits[k] = v % 10
            carry = v / 10
        }
        if carry > 0 { digits.insert(carry, at: 0) }
    }

    /// digits × 10^scale, rounded away from zero to an integer, or nil when it exceeds Int128.
    private static func nanos(digits: [UInt8], scale: Int) -> Int128? {
        let significant = Array(digits.drop(while: { $0 == 0 }))
        if significant.isEmpty { return 0 }
        var kept = significant
        var roundUp = false
        if scale < 0 {
            let dropped = -scale
            if dropped >= significant.count {
                kept = []
                roundUp = true  // the digits are significant, so something nonzero was dropped
            } else {
                kept = Array(significant[..<(significant.count - dropped)])
                roundUp = significant[(significant.count - dropped)...].contains { $0 != 0 }
            }
        } else {
            if significant.count + scale > 39 { return nil }
            kept.append(contentsOf: repeatElement(0, count: scale))
        }
        var value: Int128 = 0
        for d in kept {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int128(d))
            if o1 || o2 { return nil }
            value = sum
        }
        if roundUp {
            let (next, overflow) = value.addingReportingOverflow(1)
            if overflow { return nil }
            value = next
        }
        return value
    }
}
