/// A minimal protobuf writer so tests can build bodies kubectl never sends (packed lists,
/// unknown fields, inline structs, timestamps) and malformed ones.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ number: Int, _ wireType: UInt8) { varint(UInt64(number) << 3 | UInt64(wireType)) }

    mutating func int(_ number: Int, _ value: Int64) {
        key(number, 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func bytes(_ number: Int, _ value: [UInt8]) {
        key(number, 2)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ number: Int, _ value: String) { bytes(number, Array(value.utf8)) }

    mutating func message(_ number: Int, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        bytes(number, inner.bytes)
    }

    mutating func fixed(_ number: Int, _ value: UInt64, width: Int) {
        key(number, width == 8 ? 1 : 5)
        for n in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * n))) }
    }

    /// A map field entry {1 key, 2 string value}.
    mutating func entry(_ number: Int, _ key: String, _ value: String) {
        message(number) {
            $0.string(1, key)
            $0.string(2, value)
        }
    }

    /// `k8s\0` + runtime.Unknown{typeMeta, raw}, as client-go frames a body.
    static func body(
        _ apiVersion: String, _ kind: String, contentType: String = "", _ build: (inout ProtoWriter) -> Void
    ) -> [UInt8] {
        var raw = ProtoWriter()
        build(&raw)
        var envelope = ProtoWriter()
        envelope.message(1) {
            $0.string(1, apiVersion)
            $0.string(2, kind)
        }
        envelope.bytes(2, raw.bytes)
        envelope.string(3, "")
        envelope.string(4, contentType)
        return [0x6B, 0x38, 0x73, 0x00] + envelope.bytes
    }
}
