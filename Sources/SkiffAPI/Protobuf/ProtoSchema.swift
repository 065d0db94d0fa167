/// The protobuf message schemas of the Kubernetes kinds the API server accepts as protobuf bodies.
///
/// The table comes from `ProtoSchema+Generated.swift` (see gen_proto_schema.py), parsed once on
/// first use. Field names are the JSON names, so decoding yields the same object a client would
/// have sent as JSON.
struct ProtoSchema: Sendable {
    /// A field's scalar type, as the `type` codes of `google/protobuf/descriptor.proto`.
    enum FieldType: Int, Sendable {
        case double = 1, float = 2, int64 = 3, uint64 = 4, int32 = 5, fixed64 = 6, fixed32 = 7, bool = 8
        case string = 9, message = 11, bytes = 12, uint32 = 13, enumeration = 14
        case sfixed32 = 15, sfixed64 = 16, sint32 = 17, sint64 = 18
    }

    struct Field: Sendable {
        var name: String
        var type: FieldType
        var repeated: Bool
        /// An embedded Go struct tagged `json:",inline"` (`Volume.volumeSource`): its fields go
        /// into the parent object, not under `name`.
        var inline: Bool
        /// A non-pointer Go field tagged `json:",omitempty"` (`minReadySeconds`, `paused`): Go's
        /// protobuf marshaller writes its zero, its JSON encoder does not, so the decoder drops it.
        /// Pointer fields (`replicas`) and fields without omitempty (`containerPort`) keep zeros.
        var omitEmpty: Bool = false
        /// Fully qualified name of the message type, without the leading dot; empty for scalars.
        var messageType: String
    }

    struct Message: Sendable {
        /// A synthetic `XxxEntry` message (key = 1, value = 2) that encodes one entry of a map field.
        var isMap: Bool
        /// A top-level kind (`Deployment`), as opposed to a part of one (`DeploymentSpec`).
        var isKind: Bool
        var fields: [Int: Field]
    }

    let messages: [String: Message]

    /// The generated table. A malformed generated file is a build bug, caught by the tests.
    static let shared = ProtoSchema(parsing: generatedText)

    /// Parses the line format written by gen_proto_schema.py; lines that do not parse are skipped
    /// (ProtoSchemaTests counts the lines against the table, so a skip cannot go unseen).
    init(parsing text: String) {
        var messages: [String: Message] = [:]
        var currentName: String?
        var current = Message(isMap: false, isKind: false, fields: [:])
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if line.hasPrefix("@") {
                if let currentName { messages[currentName] = current }
                currentName = String(parts[0].dropFirst())
                current = Message(isMap: parts.contains("map"), isKind: parts.contains("kind"), fields: [:])
                continue
            }
            guard parts.count >= 3, let number = Int(parts[0]) else { continue }
            // The type code carries flag letters: `11r` repeated, `11i` inline, `5o` omitempty.
            let flags = parts[2].drop(while: \.isNumber)
            guard let code = Int(parts[2].prefix(while: \.isNumber)), let type = FieldType(rawValue: code)
            else { continue }
            current.fields[number] = Field(
                name: String(parts[1]), type: type, repeated: flags.contains("r"), inline: flags.contains("i"),
                omitEmpty: flags.contains("o"), messageType: parts.count > 3 ? String(parts[3]) : "")
        }
        if let currentName { messages[currentName] = current }
        self.messages = messages
    }

    /// The message for an object's `apiVersion` and `kind`, e.g. `apps/v1` + `Deployment` →
    /// `k8s.io.api.apps.v1.Deployment`; `nil` when the kind is not in the table.
    func messageName(apiVersion: String, kind: String) -> String? {
        // DeleteOptions is registered in every group version but lives in meta/v1.
        if kind == "DeleteOptions" { return "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions" }
        let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let version = parts.last, !version.isEmpty else { return nil }
        let group = parts.count == 2 ? String(parts[0]) : ""
        let package: String
        switch group {
        case "": package = "k8s.io.api.core"
        case "meta.k8s.io": package = "k8s.io.apimachinery.pkg.apis.meta"
        case "internal.apiserver.k8s.io": package = "k8s.io.api.apiserverinternal"
        default:
            // `coordination.k8s.io` → coordination, `rbac.authorization.k8s.io` → rbac, `apps` → apps.
            package = "k8s.io.api." + (group.split(separator: ".").first.map(String.init) ?? group)
        }
        let name = "\(package).\(version).\(kind)"
        return messages[name]?.isKind == true ? name : nil
    }
}
