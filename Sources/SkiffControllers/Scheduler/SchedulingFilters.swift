/// Where a pod goes, or why it goes nowhere.
enum Placement: Sendable, Hashable {
    case node(String)
    /// Kubernetes' message: `0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't
    /// match Pod's node affinity/selector.`
    case unschedulable(String)
}

/// The filters, in the order Kubernetes' default profile runs them; a node is reported under
/// the first one it fails (the resource filter names every resource that is short).
extension SchedulingCache {
    static let noNodes = "no nodes available to schedule pods"

    func place(_ pod: PodSchedulingProfile) -> Placement {
        guard !nodes.isEmpty else { return .unschedulable(Self.noNodes) }
        let interPod = InterPodConstraints(pod, self)
        var reasons: [String: Int] = [:]
        var feasible: [Candidate] = []
        for node in nodes.values {
            // Looked up once per node: filters and scores all read it.
            let used = usage[node.name]
            let failures = failures(pod, on: node, used, interPod)
            if failures.isEmpty {
                feasible.append((node, used))
            } else {
                for reason in failures { reasons[reason, default: 0] += 1 }
            }
        }
        guard let best = best(of: feasible, for: pod) else {
            return .unschedulable(Self.failureMessage(nodeCount: nodes.count, reasons))
        }
        return .node(best)
    }

    /// Counted reasons, each `N reason`, sorted as text, as Kubernetes' FitError prints them.
    static func failureMessage(nodeCount: Int, _ reasons: [String: Int]) -> String {
        let histogram = reasons.map { "\($0.value) \($0.key)" }.sorted()
        return "0/\(nodeCount) nodes are available: " + histogram.joined(separator: ", ") + "."
    }

    func failures(
        _ pod: PodSchedulingProfile, on node: NodeSchedulingProfile, _ used: Usage?, _ interPod: InterPodConstraints
    ) -> [String] {
        if node.unschedulable
            && !pod.tolerations.tolerate(Taint(key: Taint.unschedulable, value: "", effect: "NoSchedule"))
        {
            return ["node(s) were unschedulable"]
        }
        if let taint = node.taints.first(where: {
            ($0.effect == "NoSchedule" || $0.effect == "NoExecute") && !pod.tolerations.tolerate($0)
        }) {
            return ["node(s) had untolerated taint \(taint.display)"]
        }
        if !Self.matchesNodeConstraints(pod, node) {
            return ["node(s) didn't match Pod's node affinity/selector"]
        }
        if !pod.volumeNodeTerms.allSatisfy({ terms in terms.contains { $0.matches(node) } }) {
            return ["node(s) had volume node affinity conflict"]
        }
        if !pod.hostPorts.isEmpty, let used,
            used.pods.values.contains(where: { other in
                other.hostPorts.contains { theirs in pod.hostPorts.contains { $0.conflicts(with: theirs) } }
            })
        {
            return ["node(s) didn't have free ports for the requested pod ports"]
        }
        var short: [String] = []
        // Sorted only when something is short: this runs for every node for every pod.
        for (resource, amount) in pod.requests
        where (used?.requested[resource] ?? 0) + amount > node.allocatable[resource, default: 0] {
            short.append("Insufficient \(resource)")
        }
        short.sort()
        if (used?.pods.count ?? 0) + 1 > node.allocatable["pods", default: 0] { short.insert("Too many pods", at: 0) }
        if !short.isEmpty { return short }
        if let reason = interPod.failure(on: node) { return [reason] }
        return []
    }

    /// `nodeSelector` and required node affinity (any of its terms) must both hold.
    static func matchesNodeConstraints(_ pod: PodSchedulingProfile, _ node: NodeSchedulingProfile) -> Bool {
        guard pod.nodeSelector.allSatisfy({ node.labels[$0.key] == $0.value }) else { return false }
        guard let terms = pod.requiredNodeTerms else { return true }
        return terms.contains { $0.matches(node) }
    }
}

/// Required pod affinity and anti-affinity, both the pod's own and that of the pods already
/// placed, worked out once per pod as the topology values (`key=value`) it must avoid or seek.
struct InterPodConstraints {
    /// Domains where a placed pod's anti-affinity forbids this pod.
    var forbiddenByOthers: Set<String> = []
    /// Per anti-affinity term of the pod: domains holding a pod it must avoid.
    var forbidden: [(key: String, values: Set<String>)] = []
    /// Per affinity term of the pod: domains holding a pod it must be near; nil when no such pod
    /// exists anywhere and the pod matches its own term (the first of a group may go anywhere).
    var required: [(key: String, values: Set<String>?)] = []

    init(_ pod: PodSchedulingProfile, _ cache: SchedulingCache) {
        func domain(_ key: String, _ nodeName: String) -> String? {
            cache.nodes[nodeName]?.labels[key].map { key + "=" + $0 }
        }
        for other in cache.antiAffinityPods {
            for term in other.podAntiAffinity where term.matches(pod) {
                if let value = domain(term.topologyKey, other.nodeName) { forbiddenByOthers.insert(value) }
            }
        }
        guard !pod.podAffinity.isEmpty || !pod.podAntiAffinity.isEmpty else { return }
        func domains(_ term: PodAffinityTerm) -> Set<String> {
            var found: Set<String> = []
            for (nodeName, used) in cache.usage where used.pods.values.contains(where: term.matches) {
                if let value = domain(term.topologyKey, nodeName) { found.insert(value) }
            }
            return found
        }
        forbidden = pod.podAntiAffinity.map { ($0.topologyKey, domains($0)) }
        required = pod.podAffinity.map { term in
            let found = domains(term)
            return (term.topologyKey, found.isEmpty && term.matches(pod) ? nil : found)
        }
    }

    func failure(on node: NodeSchedulingProfile) -> String? {
        func value(_ key: String) -> String? { node.labels[key].map { key + "=" + $0 } }
        // The pod's own rules first, then those of the pods already placed, as Kubernetes checks.
        for term in required {
            guard let here = value(term.key) else { return "node(s) didn't match pod affinity rules" }
            if let values = term.values, !values.contains(here) { return "node(s) didn't match pod affinity rules" }
        }
        for term in forbidden {
            if let here = value(term.key), term.values.contains(here) {
                return "node(s) didn't match pod anti-affinity rules"
            }
        }
        if !forbiddenByOthers.isEmpty,
            forbiddenByOthers.contains(where: { entry in
                node.labels.contains { entry == $0.key + "=" + $0.value }
            })
        {
            return "node(s) didn't satisfy existing pods anti-affinity rules"
        }
        return nil
    }
}
