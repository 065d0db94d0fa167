/// A minimal writer for the protobuf wire format: just what a hand-built message needs
/// (varints, strings, booleans and nested messages).
///
/// Skiff has no protoc-generated Swift types and no dependency on swift-protobuf, so documents
/// that must be served as protobuf (the OpenAPI v2 document kubectl asks for) are assembled
/// field by field. Nested messages are written by building the child into its own writer
/// first, because a length-delimited field needs its length before its payload; the documents
/// are small (a few KB), so the extra copies do not matter.
struct ProtobufWriter {
    /// The low three bits of a field key. Only the two kinds a hand-built document needs.
    private enum WireType: UInt64 {
        case varint = 0
        case lengthDelimited = 2
    }

    private(set) var bytes: [UInt8] = []

    init() {}

    /// Builds a nested message with a closure, so call sites read like the message they encode.
    static func message(_ build: (inout ProtobufWriter) -> Void) -> [UInt8] {
        var writer = ProtobufWriter()
        build(&writer)
        return writer.bytes
    }

    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func writeKey(_ field: Int, _ type: WireType) {
        writeVarint(UInt64(field) << 3 | type.rawValue)
    }

    /// A `string` field. Like proto3, an empty string is the default and is not written, so an
    /// absent optional value and an empty one encode identically.
    mutating func string(_ field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        bytesField(field, Array(value.utf8))
    }

    /// A `bool` field; proto3 omits `false`, the default.
    mutating func bool(_ field: Int, _ value: Bool) {
        guard value else { return }
        writeKey(field, .varint)
        writeVarint(1)
    }

    /// A length-delimited field holding already-encoded bytes (a `bytes` value or a message).
    mutating func bytesField(_ field: Int, _ payload: [UInt8]) {
        writeKey(field, .lengthDelimited)
        writeVarint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    /// A nested message field. Written even when the child is empty: for a singular message
    /// field, presence is meaningful (an empty `Operation` is still an operation).
    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        bytesField(field, Self.message(build))
    }
}
