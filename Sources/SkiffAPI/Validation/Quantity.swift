/// A Kubernetes resource quantity (`100m`, `64Mi`, `1e3`), as `resource.Quantity` parses it.
///
/// The value is kept exactly, in nano-units (10⁻⁹), because Kubernetes rounds every quantity up to
/// nano precision when it parses one; comparisons are then plain integer comparisons and
/// `1Gi == 1073741824` holds, as `Quantity.Cmp` says. `Int128` covers ±1.7·10²⁰ whole units, far
/// beyond any real request (8Ei is 9.2·10¹⁸); larger magnitudes are refused rather than wrapped.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How the quantity was written, which decides how it is printed back (`Quantity.Format`).
    public enum Format: Sendable, Hashable {
        /// Plain numbers and the SI suffixes n u m k M G T P E.
        case decimalSI
        /// The power-of-two suffixes Ki Mi Gi Ti Pi Ei.
        case binarySI
        /// Scientific notation: `1e3`, `5E-2`.
        case decimalExponent
    }

    /// Kubernetes' `ErrFormatWrong` text; clients match on it.
    public static let formatMessage =
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    /// Kubernetes' `ErrSuffix` text, for `1K` or `1e` (characters allowed, combination unknown).
    public static let suffixMessage = "unable to parse quantity's suffix"

    /// Exact value in units of 10⁻⁹.
    let nanos: Int128
    public let format: Format
    /// The text as the user wrote it.
    public let original: String

    public init(parsing text: String) throws(SkiffError) {
        let parsed = try QuantityParser.parse(text)
        self.nanos = parsed.nanos
        self.format = parsed.format
        self.original = text
    }

    /// A quantity from a JSON value: a string, or a bare number (`cpu: 1` or `cpu: 0.5` in YAML),
    /// which Kubernetes reads as the number's text.
    public init(json: JSON) throws(SkiffError) {
        switch json {
        case .string(let s): try self.init(parsing: s)
        case .int(let i): try self.init(parsing: String(i))
        case .double(let d) where d.isFinite: try self.init(parsing: "\(d)")
        default: throw SkiffError.badRequest(Quantity.formatMessage)
        }
    }

    /// A computed quantity (a sum, a default); its text is the canonical form.
    init(nanos: Int128, format: Format) {
        self.nanos = nanos
        self.format = format
        self.original = Quantity.canonicalString(nanos, format)
    }

    public static let zero = Quantity(nanos: 0, format: .decimalSI)

    /// A sum keeps the left side's format (a zero takes the right's), as `Quantity.Add` does.
    public static func + (a: Quantity, b: Quantity) -> Quantity {
        Quantity(nanos: a.nanos + b.nanos, format: a.isZero ? b.format : a.format)
    }

    public static func - (a: Quantity, b: Quantity) -> Quantity {
        Quantity(nanos: a.nanos - b.nanos, format: a.format)
    }

    /// `a / b` as a ratio (LimitRange's maxLimitRequestRatio); nil for a zero divisor.
    public static func ratio(_ a: Quantity, _ b: Quantity) -> Double? {
        b.isZero ? nil : Double(a.nanos) / Double(b.nanos)
    }

    /// The value in thousandths, rounded away from zero (`MilliValue()`); saturates at Int64 bounds.
    public var milliValue: Int64 { Quantity.scaled(nanos, by: 1_000_000) }

    /// The value in whole units, rounded away from zero (`Value()`: `100m` is 1); saturates.
    public var value: Int64 { Quantity.scaled(nanos, by: 1_000_000_000) }

    public var isZero: Bool { nanos == 0 }
    public var isNegative: Bool { nanos < 0 }

    /// Kubernetes' canonical form (`Quantity.String()`): `0.5` prints as `500m`, `1024Mi` as `1Gi`,
    /// and already-canonical text such as `100m` or `64Mi` comes back unchanged.
    public var canonical: String { Quantity.canonicalString(nanos, format) }

    /// What the API server writes back, which is the canonical form as in Kubernetes.
    public var description: String { canonical }

    public static func == (a: Quantity, b: Quantity) -> Bool { a.nanos == b.nanos }
    public static func < (a: Quantity, b: Quantity) -> Bool { a.nanos < b.nanos }
    public func hash(into hasher: inout Hasher) { hasher.combine(nanos) }

    private static func scaled(_ n: Int128, by divisor: Int128) -> Int64 {
        let (q, r) = n.quotientAndRemainder(dividingBy: divisor)
        var result = q
        if r != 0 { result += n < 0 ? -1 : 1 }
        if result > Int128(Int64.max) { return Int64.max }
        if result < Int128(Int64.min) { return Int64.min }
        return Int64(result)
    }

    static func canonicalString(_ nanos: Int128, _ requested: Format) -> String {
        if nanos == 0 { return "0" }
        let unit: Int128 = 1_000_000_000
        var format = requested
        // Binary form only when it is exact and not below 1Ki, else it would round or look odd.
        if format == .binarySI, nanos > -1024 * unit, nanos < 1024 * unit {
            format = .decimalSI
        } else if format == .binarySI, nanos % unit != 0 {
            format = .decimalSI
        }
        if format == .binarySI {
            var whole = nanos / unit
            var exponent = 0
            while exponent < 6, whole % 1024 == 0 {
                whole /= 1024
                exponent += 1
            }
            return String(whole) + ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exponent]
        }
        var mantissa = nanos
        var exponent = -9
        while mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        // Exponents are multiples of three, as the SI suffixes are.
        switch ((exponent % 3) + 3) % 3 {
        case 1: mantissa *= 10; exponent -= 1
        case 2: mantissa *= 100; exponent -= 2
        default: break
        }
        if format == .decimalExponent {
            return String(mantissa) + (exponent == 0 ? "" : "e\(exponent)")
        }
        while exponent > 18 {
            mantissa *= 10
            exponent -= 1
        }
        let suffixes = [-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"]
        return String(mantissa) + (suffixes[exponent] ?? "e\(exponent)")
    }
}
