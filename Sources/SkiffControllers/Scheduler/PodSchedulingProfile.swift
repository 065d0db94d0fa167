import SkiffAPI

/// What the scheduler reads from a pod, parsed once per version of it: its requests, host
/// ports, node constraints, tolerations and inter-pod terms.
struct PodSchedulingProfile: Sendable {
    let key: String
    let namespace: String
    let name: String
    let labels: [String: String]
    /// Empty while the pod waits for a node.
    var nodeName: String
    /// CPU in millicores, everything else in units; only what the pod asks for (non-zero).
    let requests: [String: Int64]
    let hostPorts: [HostPort]
    let nodeSelector: [String: String]
    /// nil when the pod has no required node affinity.
    let requiredNodeTerms: [NodeSelectorTerm]?
    let preferredNodeTerms: [WeightedNodeSelectorTerm]
    let tolerations: [Toleration]
    let podAffinity: [PodAffinityTerm]
    let podAntiAffinity: [PodAffinityTerm]
    /// The uid of the controller that owns the pod (its ReplicaSet, Job, …), for spreading.
    let controllerUID: String?
    let schedulerName: String
    let deleting: Bool
    let terminal: Bool
    /// The PersistentVolumeClaims its volumes name.
    let claimNames: [String]
    /// Per bound claim, the node terms of its volume (one must hold); filled in when the pod
    /// is scheduled, from the claims and volumes then.
    var volumeNodeTerms: [[NodeSelectorTerm]] = []

    init(_ pod: JSON) {
        let metadata = pod["metadata"]
        namespace = metadata?["namespace"]?.string ?? "default"
        name = metadata?["name"]?.string ?? ""
        key = namespace + "/" + name
        labels = PodFacts.labels(pod)
        deleting = PodFacts.isDeleting(pod)
        controllerUID =
            (metadata?["ownerReferences"]?.array ?? []).first { $0["controller"]?.bool == true }?["uid"]?
            .string
        let spec = pod["spec"]
        nodeName = spec?["nodeName"]?.string ?? ""
        schedulerName = spec?["schedulerName"]?.string ?? Scheduler.defaultName
        terminal = PodFacts.isTerminal(pod)
        claimNames = (spec?["volumes"]?.array ?? []).compactMap {
            $0[path: ["persistentVolumeClaim", "claimName"]]?.string
        }
        let containers = spec?["containers"]?.array ?? []
        let initContainers = spec?["initContainers"]?.array ?? []
        requests = Self.requests(containers: containers, initContainers: initContainers, overhead: spec?["overhead"])
        hostPorts = (containers + initContainers).flatMap { container in
            (container["ports"]?.array ?? []).compactMap(HostPort.init)
        }
        nodeSelector = Self.strings(spec?["nodeSelector"])
        let nodeAffinity = spec?[path: ["affinity", "nodeAffinity"]]
        requiredNodeTerms = nodeAffinity?[path: ["requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"]
        ]?
        .array.map { $0.map(NodeSelectorTerm.init) }
        preferredNodeTerms = (nodeAffinity?["preferredDuringSchedulingIgnoredDuringExecution"]?.array ?? []).map {
            WeightedNodeSelectorTerm(
                weight: Int($0["weight"]?.int ?? 0), term: NodeSelectorTerm($0["preference"] ?? .object([:])))
        }
        tolerations = (spec?["tolerations"]?.array ?? []).map(Toleration.init)
        let namespace = self.namespace
        func terms(_ kind: String) -> [PodAffinityTerm] {
            (spec?[path: ["affinity", kind, "requiredDuringSchedulingIgnoredDuringExecution"]]?.array ?? []).map {
                PodAffinityTerm($0, ownNamespace: namespace)
            }
        }
        podAffinity = terms("podAffinity")
        podAntiAffinity = terms("podAntiAffinity")
    }

    /// Waiting for this scheduler to give it a node.
    var isPending: Bool {
        nodeName.isEmpty && !deleting && !terminal && schedulerName == Scheduler.defaultName
    }

    /// Holding room on its node: bound and not finished (a pod being deleted still runs).
    var occupiesNode: Bool { !nodeName.isEmpty && !terminal }

    static func strings(_ json: JSON?) -> [String: String] {
        (json?.object ?? [:]).compactMapValues { $0.string }
    }

    /// Kubernetes' effective request: the larger of what the containers (with sidecars) need
    /// together and what the largest init container needs (beside the sidecars started before
    /// it), plus the pod's overhead. Limits stand in for requests a container left out.
    static func requests(containers: [JSON], initContainers: [JSON], overhead: JSON?) -> [String: Int64] {
        func amounts(_ container: JSON) -> [String: Int64] {
            let resources = container["resources"]
            var result = amounts(resources?["limits"])
            for (name, value) in amounts(resources?["requests"]) { result[name] = value }
            return result
        }
        func amounts(_ list: JSON?) -> [String: Int64] {
            var result: [String: Int64] = [:]
            for (name, value) in list?.object ?? [:] {
                guard let quantity = try? Quantity(json: value) else { continue }
                result[name] = name == "cpu" ? quantity.milliValue : quantity.value
            }
            return result
        }
        var total: [String: Int64] = [:]
        for container in containers { total.merge(amounts(container), uniquingKeysWith: +) }
        var sidecars: [String: Int64] = [:]
        var largestInit: [String: Int64] = [:]
        for container in initContainers {
            let own = amounts(container)
            if container["restartPolicy"]?.string == "Always" {
                sidecars.merge(own, uniquingKeysWith: +)
            } else {
                largestInit.merge(own.merging(sidecars, uniquingKeysWith: +), uniquingKeysWith: max)
            }
        }
        total.merge(sidecars, uniquingKeysWith: +)
        total.merge(largestInit, uniquingKeysWith: max)
        total.merge(amounts(overhead), uniquingKeysWith: +)
        return total.filter { $0.value > 0 }
    }
}

/// A container port bound on the node.
struct HostPort: Sendable, Hashable {
    let ip: String
    let proto: String
    let port: Int64

    init?(_ port: JSON) {
        guard let number = port["hostPort"]?.int, number > 0 else { return nil }
        self.port = number
        proto = port["protocol"]?.string ?? "TCP"
        let ip = port["hostIP"]?.string ?? ""
        self.ip = ip.isEmpty ? "0.0.0.0" : ip
    }

    /// The same port and protocol on addresses that overlap (the wildcard overlaps every one).
    func conflicts(with other: HostPort) -> Bool {
        port == other.port && proto == other.proto && (ip == other.ip || ip == "0.0.0.0" || other.ip == "0.0.0.0")
    }
}
