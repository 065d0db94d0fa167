import Foundation

/// Scalar fields: numbers, booleans, strings and bytes, converted as Go's JSON encoder would.
extension ProtoSchema.FieldType {
    /// The wire type a single value of this type uses; `nil` for messages (length-delimited, but
    /// never packed, so callers treat them apart).
    var wireType: ProtobufReader.WireType? {
        switch self {
        case .int32, .int64, .uint32, .uint64, .sint32, .sint64, .bool, .enumeration: .varint
        case .double, .fixed64, .sfixed64: .fixed64
        case .float, .fixed32, .sfixed32: .fixed32
        case .string, .bytes: .lengthDelimited
        case .message: nil
        }
    }
}

extension ProtobufMessageDecoder {
    typealias FieldType = ProtoSchema.FieldType

    /// Reads one scalar. Integers become `.int` unless a uint64 exceeds Int64 (then `.double`);
    /// `bytes` become base64 strings, as Kubernetes JSON writes `[]byte` (Secret `data`).
    func scalar(_ type: FieldType, _ reader: inout ProtobufReader, _ context: String) throws(SkiffError) -> JSON {
        switch type {
        case .string:
            return .string(String(decoding: bytes[try reader.readLengthDelimited(context)], as: UTF8.self))
        case .bytes:
            return .string(Data(bytes[try reader.readLengthDelimited(context)]).base64EncodedString())
        case .message:
            // Callers route messages elsewhere; reaching here means a caller bug, not bad input.
            throw SkiffError(.internalError, "protobuf decoder read message field \(context) as a scalar")
        case .bool:
            return .bool(try reader.readVarint(context) != 0)
        case .int32, .enumeration:
            // Negative int32s are sign-extended to ten bytes on the wire; truncation undoes it.
            return .int(Int64(Int32(truncatingIfNeeded: try reader.readVarint(context))))
        case .int64:
            return .int(Int64(bitPattern: try reader.readVarint(context)))
        case .uint32:
            return .int(Int64(UInt32(truncatingIfNeeded: try reader.readVarint(context))))
        case .uint64:
            return Self.unsigned(try reader.readVarint(context))
        case .sint32:
            let n = UInt32(truncatingIfNeeded: try reader.readVarint(context))
            return .int(Int64(Int32(bitPattern: (n >> 1) ^ (0 &- (n & 1)))))
        case .sint64:
            let n = try reader.readVarint(context)
            return .int(Int64(bitPattern: (n >> 1) ^ (0 &- (n & 1))))
        case .fixed32:
            return .int(Int64(try reader.readFixed(4, context)))
        case .sfixed32:
            return .int(Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: try reader.readFixed(4, context)))))
        case .fixed64:
            return Self.unsigned(try reader.readFixed(8, context))
        case .sfixed64:
            return .int(Int64(bitPattern: try reader.readFixed(8, context)))
        case .double:
            return .double(Double(bitPattern: try reader.readFixed(8, context)))
        case .float:
            return .double(Double(Float(bitPattern: UInt32(truncatingIfNeeded: try reader.readFixed(4, context)))))
        }
    }

    private static func unsigned(_ value: UInt64) -> JSON {
        value <= UInt64(Int64.max) ? .int(Int64(value)) : .double(Double(value))
    }

    /// The value Go gives a field the wire left out; used for map entries without a value.
    static func zero(of type: FieldType) -> JSON {
        switch type {
        case .string, .bytes: ""
        case .bool: false
        case .double, .float: .double(0)
        case .message: .emptyObject
        default: 0
        }
    }
}
