/// Scoring among the nodes that fit, with the default profile's plugins and weights:
/// least allocated (1) and balanced allocation (1) of CPU and memory, spreading a controller's
/// pods (2), preferred node affinity (2), and avoiding PreferNoSchedule taints (3). Each
/// plugin scores 0–100. Ties go to the node with fewer pods, then to the first name.
extension SchedulingCache {
    /// What a pod without requests counts for when scoring (Kubernetes' non-zero defaults):
    /// 100 millicores and 200 MiB, so such pods spread too.
    static let defaultCPU: Int64 = 100
    static let defaultMemory: Int64 = 200 << 20

    /// A node that passed the filters, with what its pods use.
    typealias Candidate = (node: NodeSchedulingProfile, used: Usage?)

    func best(of feasible: [Candidate], for pod: PodSchedulingProfile) -> String? {
        guard feasible.count > 1 else { return feasible.first?.node.name }
        let owner = pod.controllerUID ?? ""
        let spread = normalized(feasible.map { $0.used?.perController[owner] ?? 0 })
        let affinity = normalized(
            feasible.map { candidate in
                pod.preferredNodeTerms.reduce(0) { $0 + ($1.term.matches(candidate.node) ? $1.weight : 0) }
            })
        let taints = normalized(
            feasible.map { candidate in
                candidate.node.taints.count { $0.effect == "PreferNoSchedule" && !pod.tolerations.tolerate($0) }
            })
        var best: (score: Int, pods: Int, name: String)?
        for (i, (node, used)) in feasible.enumerated() {
            let (least, balanced) = Self.resourceScores(pod, node, used)
            // Fewer of the controller's pods and fewer bad taints are better; more affinity is.
            let score = least + balanced + 2 * (100 - spread[i]) + 2 * affinity[i] + 3 * (100 - taints[i])
            let candidate = (score: score, pods: used?.pods.count ?? 0, name: node.name)
            if let current = best, !Self.isBetter(candidate, than: current) { continue }
            best = candidate
        }
        return best?.name
    }

    static func isBetter(_ a: (score: Int, pods: Int, name: String), than b: (score: Int, pods: Int, name: String))
        -> Bool
    {
        if a.score != b.score { return a.score > b.score }
        if a.pods != b.pods { return a.pods < b.pods }
        return a.name < b.name
    }

    /// Scales counts to 0–100 against the largest (all zero stays zero).
    func normalized(_ values: [Int]) -> [Int] {
        guard let top = values.max(), top > 0 else { return values.map { _ in 0 } }
        return values.map { $0 * 100 / top }
    }

    /// NodeResourcesFit's least-allocated score and BalancedAllocation, on CPU and memory
    /// after placing the pod.
    static func resourceScores(_ pod: PodSchedulingProfile, _ node: NodeSchedulingProfile, _ used: Usage?)
        -> (least: Int, balanced: Int)
    {
        // Runs for every feasible node for every pod: no arrays, two lookups each.
        func fraction(_ resource: String, _ fallback: Int64) -> Double {
            let allocatable = node.allocatable[resource, default: 0]
            guard allocatable > 0 else { return 1 }
            let requested = (used?.scoringRequested[resource] ?? 0) + (pod.requests[resource] ?? fallback)
            return min(1, Double(requested) / Double(allocatable))
        }
        let cpu = fraction("cpu", Self.defaultCPU)
        let memory = fraction("memory", Self.defaultMemory)
        let least = Int(((1 - cpu) * 100 + (1 - memory) * 100) / 2)
        let balanced = Int((1 - abs(cpu - memory) / 2) * 100)
        return (least, balanced)
    }
}

extension PodSchedulingProfile {
    /// CPU and memory as scoring counts them, with the non-zero defaults.
    var scoringRequests: [String: Int64] {
        [
            "cpu": requests["cpu"] ?? SchedulingCache.defaultCPU,
            "memory": requests["memory"] ?? SchedulingCache.defaultMemory,
        ]
    }
}
