/// Apimachinery types whose JSON form is not the object their protobuf message describes:
/// timestamps become RFC 3339 strings, IntOrString a number or string, RawExtension the JSON it holds.
extension ProtobufMessageDecoder {
    static let time = "k8s.io.apimachinery.pkg.apis.meta.v1.Time"
    static let microTime = "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime"
    static let duration = "k8s.io.apimachinery.pkg.apis.meta.v1.Duration"
    static let intOrString = "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
    static let quantity = "k8s.io.apimachinery.pkg.api.resource.Quantity"
    static let rawExtension = "k8s.io.apimachinery.pkg.runtime.RawExtension"
    static let fieldsV1 = "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1"
    static let wellKnownTypes: Set<String> = [time, microTime, duration, intOrString, quantity, rawExtension, fieldsV1]

    /// The last value of each field of a small message: varints as numbers, strings/bytes as ranges.
    private struct Fields {
        var numbers: [Int: UInt64] = [:]
        var ranges: [Int: Range<Int>] = [:]
    }

    private func fields(_ name: String, _ range: Range<Int>) throws(SkiffError) -> Fields {
        var reader = ProtobufReader(bytes, range: range)
        var fields = Fields()
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readKey(name)
            switch wireType {
            case .varint: fields.numbers[number] = try reader.readVarint(name)
            case .lengthDelimited: fields.ranges[number] = try reader.readLengthDelimited(name)
            default: try reader.skip(wireType, name)
            }
        }
        return fields
    }

    /// `nil` means "unset" in Go: a zero timestamp (kubectl sends `creationTimestamp` as
    /// seconds 0, which Kubernetes JSON writes as null), or an empty RawExtension.
    func wellKnown(_ name: String, _ range: Range<Int>, depth: Int) throws(SkiffError) -> JSON? {
        let fields = try fields(name, range)
        let int64 = { (n: Int) in Int64(bitPattern: fields.numbers[n] ?? 0) }
        let string = { (n: Int) in fields.ranges[n].map { String(decoding: bytes[$0], as: UTF8.self) } ?? "" }
        switch name {
        case Self.time, Self.microTime:
            let seconds = int64(1)
            let nanos = Int64(Int32(truncatingIfNeeded: int64(2)))
            if seconds == 0 && nanos == 0 { return nil }
            // metav1.Time's JSON has whole seconds; MicroTime's has microseconds.
            return .string(try Self.rfc3339(seconds: seconds, nanos: nanos, micro: name == Self.microTime, name))
        case Self.duration:
            return .string(Self.goDuration(int64(1)))
        case Self.intOrString:
            return int64(1) == 1 ? .string(string(3)) : .int(Int64(Int32(truncatingIfNeeded: int64(2))))
        case Self.quantity:
            return .string(string(1))
        default:  // RawExtension, FieldsV1: field 1 holds the raw JSON
            guard let raw = fields.ranges[1], !raw.isEmpty else { return nil }
            if bytes[raw].starts(with: KubernetesProtobuf.magic) {
                return try KubernetesProtobuf.decode(Array(bytes[raw]), schema: schema, depth: depth + 1)
            }
            do {
                return try JSON.parse(bytes[raw])
            } catch {
                throw Self.malformed("raw bytes are neither JSON nor a protobuf object", name)
            }
        }
    }

    /// `2024-05-01T10:00:00Z`, or `2024-05-01T10:00:00.123456Z` for MicroTime, always UTC.
    static func rfc3339(seconds: Int64, nanos: Int64, micro: Bool, _ context: String) throws(SkiffError) -> String {
        // Go's RFC 3339 formatter refuses years past 9999, so Kubernetes could not write them either.
        guard seconds >= -62_135_596_800, seconds < 253_402_300_800, (0..<1_000_000_000).contains(nanos) else {
            throw malformed("timestamp \(seconds).\(nanos) out of range", context)
        }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let civil = RFC3339.civilFromDays(Int(days))
        let (year, month, day) = (Int64(civil.0), Int64(civil.1), Int64(civil.2))
        func pad(_ n: Int64, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
        text += "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if micro { text += "." + pad(nanos / 1000, 6) }
        return text + "Z"
    }

    /// Go's `time.Duration.String()`, which metav1.Duration uses for JSON: `1h0m0s`, `1.5s`, `300ms`.
    static func goDuration(_ nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let u = nanoseconds.magnitude
        func decimal(_ value: UInt64, _ scale: UInt64) -> String {
            let digits = String(scale).count - 1
            guard digits > 0, value % scale != 0 else { return String(value / scale) }
            var fraction = String(value % scale)
            fraction = String(repeating: "0", count: digits - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return "\(value / scale).\(fraction)"
        }
        var text: String
        switch u {
        case ..<1000: text = "\(u)ns"
        case ..<1_000_000: text = decimal(u, 1000) + "µs"
        case ..<1_000_000_000: text = decimal(u, 1_000_000) + "ms"
        default:
            let hours = u / 3_600_000_000_000
            let minutes = u / 60_000_000_000 % 60
            text = (hours > 0 ? "\(hours)h" : "") + (u >= 60_000_000_000 ? "\(minutes)m" : "")
            text += decimal(u % 60_000_000_000, 1_000_000_000) + "s"
        }
        return nanoseconds < 0 ? "-" + text : text
    }
}
