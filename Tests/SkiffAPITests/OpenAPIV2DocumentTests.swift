import Testing

@testable import SkiffAPI

/// Decodes one message level into its fields: the payload of length-delimited ones, the value of
/// varints. Test-only and trusting: the input is our own output.
private func fields(_ bytes: [UInt8]) -> [(field: Int, payload: [UInt8], varint: UInt64)] {
    var result: [(Int, [UInt8], UInt64)] = []
    var position = 0
    func varint() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }
    while position < bytes.count {
        let key = varint()
        switch key & 7 {
        case 0: result.append((Int(key >> 3), [], varint()))
        case 2:
            let length = Int(varint())
            result.append((Int(key >> 3), Array(bytes[position..<position + length]), 0))
            position += length
        default: Issue.record("unexpected wire type \(key & 7)"); return result
        }
    }
    return result
}

private func all(_ bytes: [UInt8], _ field: Int) -> [[UInt8]] {
    fields(bytes).filter { $0.field == field }.map(\.payload)
}
private func one(_ bytes: [UInt8], _ field: Int) -> [UInt8] { all(bytes, field).first ?? [] }
private func text(_ bytes: [UInt8], _ field: Int) -> String { String(decoding: one(bytes, field), as: UTF8.self) }

private let configMap = OpenAPIV2Document.Resource(
    group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true)
private let node = OpenAPIV2Document.Resource(
    group: "", version: "v1", resource: "nodes", kind: "Node", namespaced: false)
private let deployment = OpenAPIV2Document.Resource(
    group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true)

@Test func headerMatchesTheKnownGoodStub() {
    // swagger "2.0", info {title "Kubernetes", version "v1.33.0"}: the stub K8S-API.md §4 verified,
    // with the version string updated.
    let bytes = OpenAPIV2Document.protobuf(for: [])
    let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
    #expect(hex.joined() == "0a03322e3012150a0a4b756265726e65746573120776312e33332e30" + "4200")
}

@Test func objectPaths() {
    #expect(configMap.objectPath == "/api/v1/namespaces/{namespace}/configmaps/{name}")
    #expect(node.objectPath == "/api/v1/nodes/{name}")
    #expect(deployment.objectPath == "/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
}

/// Walks the document the way kubectl's `supportsDryRun` does: Document.paths.path[].value.patch,
/// its x-kubernetes-group-version-kind extension, and its query parameter names.
@Test func patchOperationsCarryGVKAndDryRun() throws {
    let document = OpenAPIV2Document.protobuf(for: [configMap, node, deployment])
    #expect(text(document, 1) == "2.0")
    #expect(all(document, 9).isEmpty, "no definitions: kubectl must find no schema to validate against")
    let items = all(one(document, 8), 2)
    #expect(items.map { text($0, 1) } == [configMap.objectPath, node.objectPath, deployment.objectPath])
    for (item, resource) in zip(items, [configMap, node, deployment]) {
        let pathItem = one(item, 2)
        for (operationField, expected) in [
            (8, ["dryRun", "fieldManager", "fieldValidation", "force"]),
            (3, ["dryRun", "fieldManager", "fieldValidation"]),
        ] {
            let operation = one(pathItem, operationField)
            let extensions = all(operation, 13)
            #expect(extensions.count == 1)
            #expect(text(extensions[0], 1) == "x-kubernetes-group-version-kind")
            #expect(text(one(extensions[0], 2), 2) == OpenAPIV2Document.gvkYAML(resource))
            // ParametersItem.parameter(1) -> Parameter.non_body_parameter(2) -> query_parameter_sub_schema(3)
            let queries = all(operation, 8).map { one(one(one($0, 1), 2), 3) }
            #expect(queries.map { text($0, 4) } == expected)
            #expect(queries.allSatisfy { text($0, 2) == "query" })
        }
        let pathParameters = all(pathItem, 9).map { one(one(one($0, 1), 2), 4) }
        #expect(pathParameters.map { text($0, 4) } == (resource.namespaced ? ["namespace", "name"] : ["name"]))
    }
    #expect(OpenAPIV2Document.gvkYAML(configMap) == "group: \"\"\nkind: \"ConfigMap\"\nversion: \"v1\"\n")
}
