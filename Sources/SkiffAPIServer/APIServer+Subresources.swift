import Foundation
import SkiffAPI
import SkiffStore

extension APIServer {
    /// `autoscaling/v1` Scale for `kubectl scale` (K8S-API.md §6).
    func scale(of object: JSON, revision: Int64) -> JSON {
        var selector = ""
        if let json = object[path: ["spec", "selector"]] {
            if json.object != nil, json["matchLabels"] == nil, json["matchExpressions"] == nil {
                selector = JSON.object(json.object ?? [:]).stringMap([]).sorted { $0.key < $1.key }
                    .map { "\($0.key)=\($0.value)" }.joined(separator: ",")  // ReplicationController: a plain map
            } else if let parsed = try? LabelSelector(json: json) {
                selector = parsed.description
            }
        }
        var meta: JSON = [:]
        for field in ["name", "namespace", "uid", "creationTimestamp"] {
            meta[field] = object[path: ["metadata", field]]
        }
        meta["resourceVersion"] = .string(String(revision))
        return [
            "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": meta,
            "spec": ["replicas": .int(object[path: ["spec", "replicas"]]?.int ?? 0)],
            "status": [
                "replicas": .int(object[path: ["status", "replicas"]]?.int ?? 0), "selector": .string(selector),
            ],
        ]
    }

    func getScale(_ info: ResourceInfo, namespace: String?, name: String) throws(SkiffError) -> APIResponse {
        let stored = try storedObject(info, namespace: namespace, name: name)
        return .json(scale(of: try stored.decode(), revision: stored.revision))
    }

    func updateScale(_ info: ResourceInfo, namespace: String?, name: String, request: APIRequest)
        async throws(SkiffError)
        -> APIResponse
    {
        let document = try ObjectPreparation.parseDocument(request.body, yaml: false)
        let method = request.method
        let type = request.contentType
        var precondition: Int64?
        if method == .put { precondition = try resourceVersion(of: document) }
        let stored = try await guaranteedUpdate(info, namespace: namespace, name: name, precondition: precondition) {
            (existing: JSON) throws(SkiffError) -> JSON in
            var scale = self.scale(of: existing, revision: 0)
            switch (method, type) {
            case (.put, _): scale = document
            case (_, "application/json-patch+json"): scale = try JSONPatch.apply(document, to: scale)
            default: scale = JSONMergePatch.apply(document, to: scale)
            }
            guard let replicas = scale[path: ["spec", "replicas"]]?.int else {
                throw SkiffError.invalid(kind: "Scale", name: name, causes: [.required("spec.replicas")])
            }
            guard replicas >= 0 else {
                throw SkiffError.invalid(
                    kind: "Scale", name: name,
                    causes: [.invalid("spec.replicas", .int(replicas), "must be greater than or equal to 0")])
            }
            var updated = existing
            updated[path: ["spec", "replicas"]] = .int(replicas)
            return updated
        } prepare: { (new: JSON, existing: JSON) async throws(SkiffError) -> JSON in
            try await self.admitUpdate(
                info, namespace: namespace, name: name, subresource: nil, new: new, existing: existing,
                fieldManager: request.parameter("fieldManager"))
        }
        return .json(scale(of: try stored.decode(), revision: stored.revision))
    }

    /// `pods/binding`: the scheduler assigns a node, once.
    func bind(namespace: String?, name: String, request: APIRequest) async throws(SkiffError) -> APIResponse {
        let binding = try ObjectPreparation.parseDocument(request.body, yaml: false)
        guard let node = binding[path: ["target", "name"]]?.string, !node.isEmpty else {
            throw SkiffError.invalid(kind: "Binding", name: name, causes: [.required("target.name")])
        }
        try await bind(namespace: namespace, name: name, node: node)
        return .json(
            ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201], status: 201)
    }

    /// Assigns `node` to the pod (sets spec.nodeName and PodScheduled), once.
    func bind(namespace: String?, name: String, node: String) async throws(SkiffError) {
        let info = Resources.pods
        let now = nowString()
        _ = try await guaranteedUpdate(info, namespace: namespace, name: name, precondition: nil) {
            (existing: JSON) throws(SkiffError) -> JSON in
            if let bound = existing[path: ["spec", "nodeName"]]?.string, !bound.isEmpty {
                throw SkiffError(.conflict, "pod \(name) is already assigned to node \"\(bound)\"")
            }
            if existing[path: ["metadata", "deletionTimestamp"]] != nil {
                throw SkiffError(.conflict, "pod \(name) is being deleted, cannot be assigned to a host")
            }
            var pod = existing
            pod[path: ["spec", "nodeName"]] = .string(node)
            var conditions = (pod[path: ["status", "conditions"]]?.array ?? []).filter { $0["type"] != "PodScheduled" }
            conditions.append([
                "type": "PodScheduled", "status": "True", "lastTransitionTime": .string(now), "lastProbeTime": nil,
            ])
            pod[path: ["status", "conditions"]] = .array(conditions)
            return pod
        } prepare: { new, _ in
            new
        }
    }
}
