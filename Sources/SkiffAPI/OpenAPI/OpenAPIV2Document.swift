/// The body of `GET /openapi/v2`: a minimal OpenAPI v2 document in gnostic's protobuf form
/// (`openapi.v2.Document`, served for `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`).
///
/// Why not an empty document: kubectl 1.20 refuses `diff` and `--dry-run=server` with
/// "<gvk> doesn't support dry-run" unless, for the object's group/version/kind, the document has a
/// path whose `patch` operation carries the `x-kubernetes-group-version-kind` extension and a
/// `dryRun` query parameter (`supportsDryRun` in k8s.io/kubectl). Newer kubectl runs the same
/// search for `fieldValidation` (to decide whether the server validates, so the client need not).
///
/// Why no `definitions`: kubectl's client-side validation only checks kinds it finds a schema
/// for. With no schemas at all it validates nothing, so `create -f`/`apply -f` work without
/// `--validate=false` and Skiff never has to publish (and keep correct) full Kubernetes schemas.
///
/// So each resource gets exactly one path item, the object path (`…/{name}`) that real
/// Kubernetes also annotates, with `put` and `patch` operations and the query parameters the
/// clients probe for. Field numbers are those of gnostic's `openapiv2/OpenAPIv2.proto`.
public enum OpenAPIV2Document {
    /// One resource type, as far as the document needs to know it. A plain struct so this file
    /// does not depend on the server's own resource table; the server maps its entries to this.
    public struct Resource: Sendable, Hashable {
        /// API group; "" for the core (legacy `/api/v1`) group.
        public var group: String
        public var version: String
        /// Plural lowercase name used in the URL (`configmaps`).
        public var resource: String
        public var kind: String
        public var namespaced: Bool

        public init(group: String, version: String, resource: String, kind: String, namespaced: Bool) {
            self.group = group
            self.version = version
            self.resource = resource
            self.kind = kind
            self.namespaced = namespaced
        }

        /// The object path real Kubernetes publishes: `/api/v1/namespaces/{namespace}/configmaps/{name}`,
        /// `/api/v1/nodes/{name}`, `/apis/apps/v1/namespaces/{namespace}/deployments/{name}`.
        public var objectPath: String {
            let root = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
            return root + (namespaced ? "/namespaces/{namespace}" : "") + "/\(resource)/{name}"
        }
    }

    /// What `info.version` claims; matches the `gitVersion` Skiff reports from `/version`.
    static let serverVersion = "v1.33.0"

    /// The encoded `openapi.v2.Document`, paths in the order given.
    public static func protobuf(for resources: [Resource]) -> [UInt8] {
        ProtobufWriter.message { document in
            document.string(Field.documentSwagger, "2.0")
            document.message(Field.documentInfo) { info in
                info.string(Field.infoTitle, "Kubernetes")
                info.string(Field.infoVersion, serverVersion)
            }
            document.message(Field.documentPaths) { paths in
                for resource in resources {
                    paths.message(Field.pathsPath) { named in
                        named.string(Field.namedName, resource.objectPath)
                        named.message(Field.namedValue) { pathItem(&$0, resource) }
                    }
                }
            }
        }
    }

    // MARK: - Pieces

    private static func pathItem(_ item: inout ProtobufWriter, _ resource: Resource) {
        // `put` before `patch` only because that is field order (3, then 8); readers do not care.
        item.message(Field.pathItemPut) { operation(&$0, resource, verb: "replace", query: writeQuery) }
        item.message(Field.pathItemPatch) { operation(&$0, resource, verb: "patch", query: patchQuery) }
        // Path parameters belong to the path item, as in the real document.
        if resource.namespaced {
            item.message(Field.pathItemParameters) { pathParameter(&$0, "namespace", "object name and auth scope") }
        }
        item.message(Field.pathItemParameters) { pathParameter(&$0, "name", "name of the \(resource.kind)") }
    }

    /// The query parameters of `PUT`: the dry-run and field-validation switches clients probe for.
    private static let writeQuery = ["dryRun", "fieldManager", "fieldValidation"]
    /// `PATCH` adds `force`, which only means something for server-side apply.
    private static let patchQuery = writeQuery + ["force"]

    private static func operation(_ op: inout ProtobufWriter, _ resource: Resource, verb: String, query: [String]) {
        // An operationId like the real `patchCoreV1NamespacedConfigMap`; only for humans reading the document.
        op.string(Field.operationID, operationID(verb: verb, resource))
        for name in query {
            op.message(Field.operationParameters) { queryParameter(&$0, name) }
        }
        op.message(Field.operationVendorExtension) { named in
            named.string(Field.namedName, "x-kubernetes-group-version-kind")
            named.message(Field.namedValue) { any in any.string(Field.anyYAML, gvkYAML(resource)) }
        }
    }

    /// The extension value. kubectl unmarshals `Any.yaml` into `map[string]string` and compares
    /// group, version and kind; values are double-quoted so the empty core group stays a string.
    static func gvkYAML(_ resource: Resource) -> String {
        "group: \(quoted(resource.group))\nkind: \(quoted(resource.kind))\nversion: \(quoted(resource.version))\n"
    }

    private static func quoted(_ value: String) -> String {
        // Group, version and kind are DNS labels and identifiers; escaping `"` and `\` keeps any value a valid scalar.
        var out = "\""
        for character in value {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    private static func operationID(verb: String, _ resource: Resource) -> String {
        let group = resource.group.isEmpty ? "core" : resource.group.split(separator: ".").first.map(String.init) ?? ""
        return verb + capitalized(group) + capitalized(resource.version)
            + (resource.namespaced ? "Namespaced" : "") + resource.kind
    }

    private static func capitalized(_ word: String) -> String { word.prefix(1).uppercased() + word.dropFirst() }

    /// `ParametersItem{parameter: Parameter{non_body_parameter: NonBodyParameter{query_parameter_sub_schema}}}`.
    private static func queryParameter(_ item: inout ProtobufWriter, _ name: String) {
        nonBody(&item, Field.nonBodyQuery) { query in
            query.string(Field.queryIn, "query")
            query.string(Field.queryName, name)
            query.string(Field.queryType, name == "force" ? "boolean" : "string")
        }
    }

    /// `ParametersItem{parameter: Parameter{non_body_parameter: NonBodyParameter{path_parameter_sub_schema}}}`.
    private static func pathParameter(_ item: inout ProtobufWriter, _ name: String, _ description: String) {
        nonBody(&item, Field.nonBodyPath) { path in
            path.bool(Field.pathRequired, true)
            path.string(Field.pathIn, "path")
            path.string(Field.pathDescription, description)
            path.string(Field.pathName, name)
            path.string(Field.pathType, "string")
        }
    }

    private static func nonBody(_ item: inout ProtobufWriter, _ kind: Int, _ build: (inout ProtobufWriter) -> Void) {
        item.message(Field.parametersItemParameter) { parameter in
            parameter.message(Field.parameterNonBody) { nonBody in nonBody.message(kind, build) }
        }
    }

    /// Field numbers from gnostic `openapiv2/OpenAPIv2.proto`, named `<message><Field>`.
    private enum Field {
        static let documentSwagger = 1, documentInfo = 2, documentPaths = 8
        static let infoTitle = 1, infoVersion = 2
        static let pathsPath = 2  // Paths.path: repeated NamedPathItem (1 is vendor_extension)
        // NamedPathItem and NamedAny share the layout {name = 1, value = 2}.
        static let namedName = 1, namedValue = 2
        static let anyYAML = 2  // Any.yaml (1 is a google.protobuf.Any, unused by Kubernetes)
        static let pathItemPut = 3, pathItemPatch = 8, pathItemParameters = 9
        static let operationID = 5, operationParameters = 8, operationVendorExtension = 13
        static let parametersItemParameter = 1  // ParametersItem.oneof: parameter (2 is json_reference)
        static let parameterNonBody = 2  // Parameter.oneof: non_body_parameter (1 is body_parameter)
        static let nonBodyQuery = 3, nonBodyPath = 4  // NonBodyParameter.oneof
        static let queryIn = 2, queryName = 4, queryType = 6
        static let pathRequired = 1, pathIn = 2, pathDescription = 3, pathName = 4, pathType = 5
    }
}
