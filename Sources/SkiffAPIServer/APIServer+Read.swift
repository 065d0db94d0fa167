import Foundation
import SkiffAPI
import SkiffStore

extension APIServer {
    func storedObject(_ info: ResourceInfo, namespace: String?, name: String) throws(SkiffError) -> StoredObject {
        guard let stored = store.get(key: info.key(namespace: namespace, name: name)) else {
            throw SkiffError.notFound(resource: info.resource, group: info.group, name: name)
        }
        return stored
    }

    func get(_ info: ResourceInfo, namespace: String?, name: String, request: APIRequest) throws(SkiffError)
        -> APIResponse
    {
        let stored = try storedObject(info, namespace: namespace, name: name)
        if request.wantsTable {
            let object = try stored.decode()
            return .json(table(info, objects: [object], revision: stored.revision, request: request))
        }
        return APIResponse(body: .bytes(stored.data))
    }

    /// Selectors from the query, checked so a typo is a 400 rather than an empty answer.
    func selectors(_ info: ResourceInfo, _ request: APIRequest) throws(SkiffError) -> (LabelSelector?, FieldSelector?) {
        var labels: LabelSelector?
        var fields: FieldSelector?
        if let text = request.parameter("labelSelector"), !text.isEmpty { labels = try LabelSelector(parsing: text) }
        if let text = request.parameter("fieldSelector"), !text.isEmpty {
            let selector = try FieldSelector(parsing: text)
            try FieldSelector.validate(selector, kind: info.kind)
            fields = selector
        }
        return (labels, fields)
    }

    static func matches(_ object: JSON, _ labels: LabelSelector?, _ fields: FieldSelector?) -> Bool {
        if let labels, !labels.matches(object.stringMap(["metadata", "labels"])) { return false }
        if let fields, !fields.matches(object) { return false }
        return true
    }

    func list(_ info: ResourceInfo, namespace: String?, request: APIRequest) throws(SkiffError) -> APIResponse {
        let (labels, fields) = try selectors(info, request)
        // A `metadata.name=` selector (kubectl's delete-wait and rollout status) is a point read.
        let listed: (objects: [StoredObject], revision: Int64)
        if let name = fields?.exactName(), namespace != nil || !info.namespaced {
            let one = store.get(key: info.key(namespace: namespace, name: name))
            listed = (one.map { [$0] } ?? [], store.currentRevision)
        } else {
            listed = store.list(prefix: info.listPrefix(namespace: namespace))
        }
        if labels == nil, fields == nil, !request.wantsTable {
            return APIResponse(body: .bytes(splicedList(info, listed.objects, revision: listed.revision)))
        }
        var objects: [JSON] = []
        for stored in listed.objects {
            let object = try stored.decode()
            if Self.matches(object, labels, fields) { objects.append(object) }
        }
        if request.wantsTable {
            return .json(table(info, objects: objects, revision: listed.revision, request: request))
        }
        var out: [UInt8] = listHeader(info, revision: listed.revision)
        for (n, object) in objects.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            object.write(to: &out)
        }
        out += Array("]}".utf8)
        return APIResponse(body: .bytes(out))
    }

    private func listHeader(_ info: ResourceInfo, revision: Int64) -> [UInt8] {
        Array(
            "{\"apiVersion\":\"\(info.apiVersion)\",\"kind\":\"\(info.listKind)\",\"metadata\":{\"resourceVersion\":\"\(revision)\"},\"items\":["
                .utf8)
    }

    /// A list built from the stored bytes without decoding them: the common `-o yaml` and
    /// informer list path stays cheap at thousands of objects.
    private func splicedList(_ info: ResourceInfo, _ objects: [StoredObject], revision: Int64) -> [UInt8] {
        var out = listHeader(info, revision: revision)
        out.reserveCapacity(objects.reduce(64) { $0 + $1.data.count + 1 })
        for (n, stored) in objects.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out += stored.data
        }
        out += Array("]}".utf8)
        return out
    }

    /// A `meta.k8s.io/v1` Table, as kubectl's human-readable `get` asks for (K8S-API.md §5).
    func table(
        _ info: ResourceInfo, objects: [JSON], revision: Int64, request: APIRequest, includeColumns: Bool = true
    ) -> JSON {
        let includeObject = request.parameter("includeObject") ?? "Metadata"
        let now = now()
        let rows: [JSON] = objects.map { object in
            var row: JSON = ["cells": .array(TablePrinter.cells(kind: info.kind, object: object, now: now))]
            switch includeObject {
            case "None": break
            case "Object": row["object"] = object
            default:
                var partial: JSON = ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1"]
                partial["metadata"] = object["metadata"] ?? [:]
                row["object"] = partial
            }
            return row
        }
        var table: JSON = [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": ["resourceVersion": .string(String(revision))],
            "rows": .array(rows),
        ]
        table["columnDefinitions"] = includeColumns ? .array(TablePrinter.columns(kind: info.kind).map(\.json)) : .null
        return table
    }
}
