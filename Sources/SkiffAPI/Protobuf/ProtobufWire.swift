/// A bounds-checked reader for the protobuf wire format (varints, fixed widths, length-delimited).
///
/// Request bodies come from the network, so every read checks the remaining length and reports
/// truncation as an error instead of trapping. A nested message is read by a second reader over
/// a sub-range of the same array: the bytes are never copied.
struct ProtobufReader {
    /// How a field's value is laid out on the wire (the low three bits of its key).
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        self.position = range?.lowerBound ?? bytes.startIndex
        self.end = range?.upperBound ?? bytes.endIndex
    }

    var isAtEnd: Bool { position >= end }

    /// The error for bytes that stop early or do not parse; `context` names the field or message.
    static func malformed(_ what: String, _ context: String) -> SkiffError {
        SkiffError(.badRequest, "malformed protobuf body: \(what) in \(context)")
    }

    mutating func readVarint(_ context: String) throws(SkiffError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw Self.malformed("truncated varint", context) }
            let byte = bytes[position]
            position += 1
            // The tenth byte may only carry the top bit of a 64-bit value.
            guard shift < 64, shift < 63 || byte <= 1 else { throw Self.malformed("varint too long", context) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readFixed(_ width: Int, _ context: String) throws(SkiffError) -> UInt64 {
        guard end - position >= width else { throw Self.malformed("truncated fixed\(width * 8) value", context) }
        var result: UInt64 = 0
        for n in 0..<width { result |= UInt64(bytes[position + n]) << UInt64(8 * n) }
        position += width
        return result
    }

    /// Reads a length prefix and returns the range of the payload, leaving the reader after it.
    mutating func readLengthDelimited(_ context: String) throws(SkiffError) -> Range<Int> {
        let length = try readVarint(context)
        guard length <= UInt64(end - position) else {
            throw Self.malformed("length \(length) exceeds the \(end - position) bytes left", context)
        }
        let start = position
        position += Int(length)
        return start..<position
    }

    /// Reads a field key: its number and wire type.
    mutating func readKey(_ context: String) throws(SkiffError) -> (number: Int, wireType: WireType) {
        let key = try readVarint(context)
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw Self.malformed("invalid wire type \(key & 7)", context)
        }
        let number = key >> 3
        guard number > 0, number <= 536_870_911 else { throw Self.malformed("invalid field number \(number)", context) }
        return (Int(number), wireType)
    }

    /// Skips a value of a field this decoder does not know, so newer clients' fields are ignored.
    /// Groups (proto2's deprecated wire types 3 and 4) are not used by Kubernetes and rejected.
    mutating func skip(_ wireType: WireType, _ context: String) throws(SkiffError) {
        switch wireType {
        case .varint: _ = try readVarint(context)
        case .fixed64: _ = try readFixed(8, context)
        case .fixed32: _ = try readFixed(4, context)
        case .lengthDelimited: _ = try readLengthDelimited(context)
        case .startGroup, .endGroup: throw Self.malformed("unsupported group wire type", context)
        }
    }

    func slice(_ range: Range<Int>) -> ArraySlice<UInt8> { bytes[range] }
}
