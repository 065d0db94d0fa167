/// Turns one protobuf message into a JSON object, field by field, as the schema describes it.
///
/// Go's generated marshallers write non-pointer fields even when empty, where Kubernetes JSON
/// omits them (`omitempty`). So a singular zero scalar (`0`, `false`, `""`) is dropped when the
/// schema flags its field `omitEmpty` (a non-pointer Go field tagged omitempty), and kept
/// otherwise: a pointer's zero (`replicas: 0`) was set on purpose, and a field without omitempty
/// (`containerPort: 0`) has its zero in JSON too. Empty messages (`{}`) are dropped except
/// `keepEmpty` ones. Map values and list elements are never dropped: `data: {a: ""}` and
/// `args: [""]` mean something.
struct ProtobufMessageDecoder {
    typealias Field = ProtoSchema.Field

    let schema: ProtoSchema
    /// The whole request body; every reader works on a sub-range of it.
    let bytes: [UInt8]

    /// Pointer structs whose mere presence is the value, so `{}` is kept: `emptyDir: {}` makes a
    /// volume, and an empty label selector matches everything where a missing one matches nothing.
    static let keepEmpty: Set<String> = [
        "k8s.io.api.core.v1.EmptyDirVolumeSource",
        "k8s.io.api.core.v1.DownwardAPIVolumeSource",
        "k8s.io.api.core.v1.ProjectedVolumeSource",
        "k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector",
    ]

    static func malformed(_ what: String, _ context: String) -> SkiffError {
        ProtobufReader.malformed(what, context)
    }

    func object(_ name: String, _ range: Range<Int>, depth: Int) throws(SkiffError) -> [String: JSON] {
        guard depth < KubernetesProtobuf.maxDepth else { throw Self.malformed("nesting too deep", name) }
        guard let message = schema.messages[name] else {
            throw SkiffError(
                .internalError, "protobuf schema has no message \(name); regenerate ProtoSchema+Generated.swift")
        }
        var reader = ProtobufReader(bytes, range: range)
        var result: [String: JSON] = [:]
        var lists: [String: [JSON]] = [:]
        var maps: [String: [String: JSON]] = [:]
        var inlined: [String: JSON] = [:]
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readKey(name)
            guard let field = message.fields[number] else {
                try reader.skip(wireType, name)  // a field newer than our schema
                continue
            }
            let context = "\(name).\(field.name)"
            // Repeated numbers may arrive packed (proto3 style) or one per key (proto2 style).
            if field.repeated, wireType == .lengthDelimited, let scalarWire = field.type.wireType,
                scalarWire != .lengthDelimited
            {
                var packed = ProtobufReader(bytes, range: try reader.readLengthDelimited(context))
                while !packed.isAtEnd {
                    lists[field.name, default: []].append(try scalar(field.type, &packed, context))
                }
                continue
            }
            guard wireType == field.type.wireType ?? .lengthDelimited else {
                throw Self.malformed("wire type \(wireType.rawValue) for a field of type \(field.type)", context)
            }
            if field.repeated, field.type == .message, schema.messages[field.messageType]?.isMap == true {
                let entry = try mapEntry(field.messageType, try reader.readLengthDelimited(context), depth: depth)
                maps[field.name, default: [:]][entry.key] = entry.value
                continue
            }
            let value = try self.value(field, &reader, context, depth: depth)
            if field.repeated {
                lists[field.name, default: []].append(value ?? .null)
            } else if field.inline {
                if case .object(let members)? = value { inlined.merge(members) { _, new in new } }
            } else if let value, !Self.omits(value, of: field) {
                result[field.name] = value
            } else {
                result[field.name] = nil  // a later empty occurrence still overrides an earlier one
            }
        }
        for (name, items) in lists where !items.isEmpty { result[name] = .array(items) }
        for (name, entries) in maps { result[name] = .object(entries) }
        // Go gives an embedding struct's own fields precedence over the embedded struct's.
        return inlined.merging(result) { _, own in own }
    }

    /// Whether Kubernetes JSON leaves out this value of a singular field.
    static func omits(_ value: JSON, of field: Field) -> Bool {
        if field.type == .message { return isEmpty(value) && !keepEmpty.contains(field.messageType) }
        guard field.omitEmpty else { return false }
        switch value {
        case .string(let s): return s.isEmpty
        case .int(let n): return n == 0
        case .double(let d): return d == 0
        case .bool(let b): return !b
        default: return false
        }
    }

    /// An empty string, object or array: what a message-typed field decodes to when Go wrote its zero.
    static func isEmpty(_ value: JSON) -> Bool {
        switch value {
        case .string(let s): s.isEmpty
        case .object(let o): o.isEmpty
        case .array(let a): a.isEmpty
        default: false
        }
    }

    /// One value of `field`; `nil` when a well-known type encodes "unset" (a zero `Time`).
    func value(_ field: Field, _ reader: inout ProtobufReader, _ context: String, depth: Int) throws(SkiffError)
        -> JSON?
    {
        guard field.type == .message else { return try scalar(field.type, &reader, context) }
        return try messageValue(field.messageType, try reader.readLengthDelimited(context), depth: depth + 1)
    }

    func messageValue(_ name: String, _ range: Range<Int>, depth: Int) throws(SkiffError) -> JSON? {
        if Self.wellKnownTypes.contains(name) { return try wellKnown(name, range, depth: depth) }
        return .object(try object(name, range, depth: depth))
    }

    /// A map field entry {1 key, 2 value}. A missing value is the type's zero, as in Go.
    func mapEntry(_ name: String, _ range: Range<Int>, depth: Int) throws(SkiffError) -> (key: String, value: JSON) {
        let fields = schema.messages[name]?.fields ?? [:]
        var reader = ProtobufReader(bytes, range: range)
        var key = ""
        var value: JSON?
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readKey(name)
            guard let field = fields[number], number <= 2, wireType == field.type.wireType ?? .lengthDelimited else {
                try reader.skip(wireType, name)
                continue
            }
            let decoded = try self.value(field, &reader, "\(name).\(field.name)", depth: depth)
            if number == 1 { key = decoded?.string ?? "" } else { value = decoded ?? .null }
        }
        if value == nil, let field = fields[2] {
            value =
                field.type == .message
                ? try messageValue(field.messageType, range.upperBound..<range.upperBound, depth: depth + 1) ?? .null
                : Self.zero(of: field.type)
        }
        return (key, value ?? .null)
    }
}
