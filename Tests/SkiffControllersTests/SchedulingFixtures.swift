import SkiffAPI

@testable import SkiffControllers

/// Nodes and pods as the API would hold them, for driving the scheduler's logic.
enum Fixtures {
    static func node(
        _ name: String, cpu: String = "4", memory: String = "8Gi", pods: String = "110", labels: [String: String] = [:],
        taints: [JSON] = [], ready: String? = "True", unschedulable: Bool = false
    ) -> JSON {
        var allLabels = labels
        allLabels["kubernetes.io/hostname"] = name
        var node: JSON = [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": .string(name), "labels": .object(allLabels.mapValues { .string($0) })],
            "spec": ["taints": .array(taints), "unschedulable": .bool(unschedulable)],
            "status": [
                "allocatable": ["cpu": .string(cpu), "memory": .string(memory), "pods": .string(pods)]
            ],
        ]
        if let ready { node[path: ["status", "conditions"]] = [["type": "Ready", "status": .string(ready)]] }
        return node
    }

    static func pod(
        _ name: String, namespace: String = "default", labels: [String: String] = [:], cpu: String? = nil,
        memory: String? = nil, spec extra: [String: JSON] = [:], nodeName: String? = nil, owner: String? = nil
    ) -> JSON {
        var requests: [String: JSON] = [:]
        if let cpu { requests["cpu"] = .string(cpu) }
        if let memory { requests["memory"] = .string(memory) }
        var spec: [String: JSON] = [
            "containers": [["name": "main", "image": "busybox", "resources": ["requests": .object(requests)]]]
        ]
        spec.merge(extra) { $1 }
        if let nodeName { spec["nodeName"] = .string(nodeName) }
        var metadata: JSON = [
            "name": .string(name), "namespace": .string(namespace), "labels": .object(labels.mapValues { .string($0) }),
        ]
        if let owner {
            metadata["ownerReferences"] = [
                ["kind": "ReplicaSet", "name": "rs", "uid": .string(owner), "controller": true]
            ]
        }
        return ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": .object(spec)]
    }

    static func cache(_ nodes: [JSON], pods: [JSON] = []) -> SchedulingCache {
        var cache = SchedulingCache()
        for node in nodes { cache.setNode(NodeSchedulingProfile(node)) }
        for pod in pods { cache.setPod(PodSchedulingProfile(pod)) }
        return cache
    }

    /// Places pods one after another, each counting where it went (as assumed pods do).
    static func placeAll(_ pods: [JSON], in cache: inout SchedulingCache) -> [Placement] {
        pods.map { object in
            var pod = PodSchedulingProfile(object)
            let placement = cache.place(pod)
            if case .node(let name) = placement {
                pod.nodeName = name
                cache.setPod(pod)
            }
            return placement
        }
    }

    static func expression(_ key: String, _ op: String, _ values: [String] = []) -> JSON {
        ["key": .string(key), "operator": .string(op), "values": .array(values.map { .string($0) })]
    }

    static func requiredNodeAffinity(_ terms: [JSON]) -> [String: JSON] {
        [
            "affinity": [
                "nodeAffinity": [
                    "requiredDuringSchedulingIgnoredDuringExecution": ["nodeSelectorTerms": .array(terms)]
                ]
            ]
        ]
    }

    static func antiAffinity(_ labels: [String: String], topologyKey: String = "kubernetes.io/hostname")
        -> [String: JSON]
    {
        [
            "affinity": [
                "podAntiAffinity": [
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        [
                            "labelSelector": ["matchLabels": .object(labels.mapValues { .string($0) })],
                            "topologyKey": .string(topologyKey),
                        ]
                    ]
                ]
            ]
        ]
    }
}
