/// The scheduler's picture of the cluster: the nodes, and per node the pods that hold room on
/// it (bound, not finished) with what they use. Pods this scheduler has just bound count at
/// once ("assumed"), before the watch brings the binding back.
struct SchedulingCache: Sendable {
    /// What the pods bound to one node use, kept up to date as pods come and go.
    struct Usage: Sendable {
        var requested: [String: Int64] = [:]
        /// CPU and memory with the non-zero defaults, for scoring.
        var scoringRequested: [String: Int64] = [:]
        var pods: [String: PodSchedulingProfile] = [:]
        /// Pods per owning controller, for spreading its replicas.
        var perController: [String: Int] = [:]

        mutating func add(_ pod: PodSchedulingProfile) {
            requested.merge(pod.requests, uniquingKeysWith: +)
            scoringRequested.merge(pod.scoringRequests, uniquingKeysWith: +)
            pods[pod.key] = pod
            if let owner = pod.controllerUID { perController[owner, default: 0] += 1 }
        }

        mutating func remove(_ pod: PodSchedulingProfile) {
            requested.merge(pod.requests.mapValues { -$0 }, uniquingKeysWith: +)
            scoringRequested.merge(pod.scoringRequests.mapValues { -$0 }, uniquingKeysWith: +)
            pods[pod.key] = nil
            if let owner = pod.controllerUID {
                perController[owner, default: 1] -= 1
                if perController[owner] == 0 { perController[owner] = nil }
            }
        }
    }

    private(set) var nodes: [String: NodeSchedulingProfile] = [:]
    private(set) var usage: [String: Usage] = [:]
    /// Where each counted pod is, so an update or a deletion finds it.
    private var placed: [String: PodSchedulingProfile] = [:]
    /// Counted pods with required anti-affinity: a newcomer must keep out of their way too.
    private var withAntiAffinity: Set<String> = []

    mutating func setNode(_ node: NodeSchedulingProfile) { nodes[node.name] = node }
    mutating func removeNode(named name: String) { nodes[name] = nil }

    /// Counts the pod where it is bound (or, for an assumption, where it is going), replacing
    /// what was counted for it; a pod that no longer holds room is dropped.
    mutating func setPod(_ pod: PodSchedulingProfile) {
        removePod(key: pod.key)
        guard pod.occupiesNode else { return }
        usage[pod.nodeName, default: Usage()].add(pod)
        placed[pod.key] = pod
        if !pod.podAntiAffinity.isEmpty { withAntiAffinity.insert(pod.key) }
    }

    mutating func removePod(key: String) {
        guard let old = placed.removeValue(forKey: key) else { return }
        usage[old.nodeName]?.remove(old)
        withAntiAffinity.remove(key)
    }

    func pod(key: String) -> PodSchedulingProfile? { placed[key] }

    /// The counted pods whose anti-affinity applies to others.
    var antiAffinityPods: [PodSchedulingProfile] { withAntiAffinity.compactMap { placed[$0] } }
}
