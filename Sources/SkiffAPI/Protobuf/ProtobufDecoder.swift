/// Decodes `application/vnd.kubernetes.protobuf` request bodies into the JSON object a client
/// would have sent, so the rest of the API server handles one representation.
///
/// kubectl 1.32+ sends every `kubectl create <generator>` body this way and does not fall back
/// to JSON on a 415 (shared/K8S-API.md §7). The body is `k8s\0` followed by a `runtime.Unknown`
/// envelope whose `raw` field holds the object's message, e.g. `k8s.io.api.apps.v1.Deployment`.
public enum KubernetesProtobuf {
    public static let mediaType = "application/vnd.kubernetes.protobuf"
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]  // "k8s\0"
    /// Bounds recursion: the schema has no cycles, but RawExtension can nest whole envelopes.
    static let maxDepth = 64

    /// The object in `body`, with `apiVersion` and `kind` taken from the envelope (the inner
    /// message carries no TypeMeta). Unsupported kinds and encodings are 415; malformed bytes 400.
    public static func decode(_ body: [UInt8]) throws(SkiffError) -> JSON {
        try decode(body, schema: .shared, depth: 0)
    }

    static func decode(_ body: [UInt8], schema: ProtoSchema, depth: Int) throws(SkiffError) -> JSON {
        guard body.starts(with: magic) else {
            throw SkiffError(
                .unsupportedMediaType, "protobuf body does not start with the \"k8s\\x00\" magic of \(mediaType)")
        }
        let envelope = try Envelope(body, range: magic.count..<body.count)
        guard envelope.contentEncoding.isEmpty else {
            throw SkiffError(
                .unsupportedMediaType, "protobuf contentEncoding \"\(envelope.contentEncoding)\" is not supported")
        }
        guard !envelope.apiVersion.isEmpty, !envelope.kind.isEmpty else {
            throw SkiffError(.badRequest, "protobuf body has no apiVersion and kind in its runtime.Unknown envelope")
        }
        let what = "\(envelope.apiVersion) \(envelope.kind)"
        guard let raw = envelope.raw else {
            throw SkiffError(.badRequest, "protobuf body for \(what) has no raw object in its runtime.Unknown envelope")
        }
        var object: [String: JSON]
        switch envelope.contentType {
        case "", mediaType:
            guard let name = schema.messageName(apiVersion: envelope.apiVersion, kind: envelope.kind) else {
                throw SkiffError(
                    .unsupportedMediaType,
                    "protobuf bodies of kind \(what) are not supported by this server; send application/json")
            }
            let decoder = ProtobufMessageDecoder(schema: schema, bytes: body)
            do {
                object = try decoder.object(name, raw, depth: depth + 1)
            } catch {
                throw SkiffError(error.code, "decoding \(what): \(error.message)")
            }
        case "application/json":
            // runtime.Unknown may wrap JSON; accept it rather than fail on a technicality.
            guard case .object(let parsed)? = try? JSON.parse(body[raw]) else {
                throw SkiffError(.badRequest, "decoding \(what): runtime.Unknown raw is not a JSON object")
            }
            object = parsed
        default:
            throw SkiffError(.unsupportedMediaType, "protobuf contentType \"\(envelope.contentType)\" is not supported")
        }
        object["apiVersion"] = .string(envelope.apiVersion)
        object["kind"] = .string(envelope.kind)
        return .object(object)
    }

    /// `runtime.Unknown`: {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType}.
    /// Read by hand, not through the schema, because `raw` must stay bytes.
    struct Envelope {
        var apiVersion = ""
        var kind = ""
        /// `nil` when the envelope has no `raw` field: a body cut short, not an object.
        var raw: Range<Int>?
        var contentEncoding = ""
        var contentType = ""

        init(_ bytes: [UInt8], range: Range<Int>) throws(SkiffError) {
            var reader = ProtobufReader(bytes, range: range)
            let context = "runtime.Unknown"
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readKey(context)
                guard (1...4).contains(number), wireType == .lengthDelimited else {
                    try reader.skip(wireType, context)
                    continue
                }
                let value = try reader.readLengthDelimited(context)
                switch number {
                case 1: try readTypeMeta(bytes, value)
                case 2: raw = value
                case 3: contentEncoding = String(decoding: bytes[value], as: UTF8.self)
                default: contentType = String(decoding: bytes[value], as: UTF8.self)
                }
            }
        }

        private mutating func readTypeMeta(_ bytes: [UInt8], _ range: Range<Int>) throws(SkiffError) {
            var reader = ProtobufReader(bytes, range: range)
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readKey("runtime.TypeMeta")
                guard (1...2).contains(number), wireType == .lengthDelimited else {
                    try reader.skip(wireType, "runtime.TypeMeta")
                    continue
                }
                let text = String(decoding: bytes[try reader.readLengthDelimited("runtime.TypeMeta")], as: UTF8.self)
                if number == 1 { apiVersion = text } else { kind = text }
            }
        }
    }
}
