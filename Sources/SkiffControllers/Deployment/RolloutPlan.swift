import SkiffAPI

/// The arithmetic of a RollingUpdate, as Kubernetes' deployment controller does it: how far
/// the new ReplicaSet may grow (maxSurge) and how far the old ones may shrink (maxUnavailable)
/// so that at least `replicas - maxUnavailable` pods stay available throughout.
struct RolloutPlan: Sendable, Equatable {
    let replicas: Int
    let maxSurge: Int
    let maxUnavailable: Int

    /// maxSurge rounds up and maxUnavailable down (`25%` of 3 is 1 and 0); both zero would
    /// stall, so maxUnavailable becomes 1, as Kubernetes resolves it.
    init(replicas: Int, rollingUpdate: JSON?) {
        self.replicas = replicas
        let surge = Self.resolve(rollingUpdate?["maxSurge"], of: replicas, roundUp: true, default: "25%")
        var unavailable = Self.resolve(rollingUpdate?["maxUnavailable"], of: replicas, roundUp: false, default: "25%")
        if surge == 0 && unavailable == 0 { unavailable = 1 }
        maxSurge = surge
        maxUnavailable = min(unavailable, replicas)
    }

    /// An int, or a percentage of `total`.
    static func resolve(_ value: JSON?, of total: Int, roundUp: Bool, default fallback: String) -> Int {
        switch value ?? .string(fallback) {
        case .int(let number): return max(0, Int(number))
        case .string(let text) where text.hasSuffix("%"):
            guard let percent = Double(text.dropLast()) else { return 0 }
            let exact = percent * Double(total) / 100
            return max(0, Int(roundUp ? exact.rounded(.up) : exact.rounded(.down)))
        case .string(let text): return max(0, Int(text) ?? 0)
        default: return 0
        }
    }

    /// The new ReplicaSet's next size: up to `replicas`, while all ReplicaSets together stay
    /// within `replicas + maxSurge`; down to `replicas` if it has more.
    func newReplicaSetSize(current: Int, allReplicas: Int) -> Int {
        if current >= replicas { return replicas }
        let room = replicas + maxSurge - allReplicas
        guard room > 0 else { return current }
        return current + min(room, replicas - current)
    }

    /// The old ReplicaSets' next sizes (given oldest first). What may go is what exceeds the
    /// minimum available once the new ReplicaSet's not-yet-available pods are set aside; old
    /// pods that are not available go first (a broken rollout being rolled back must not
    /// stall), then available ones while enough others stay available.
    func oldSizes(_ old: [(replicas: Int, available: Int)], newReplicas: Int, newAvailable: Int) -> [Int] {
        let minAvailable = replicas - maxUnavailable
        let allReplicas = newReplicas + old.reduce(0) { $0 + $1.replicas }
        var budget = allReplicas - minAvailable - max(0, newReplicas - newAvailable)
        var sizes = old.map(\.replicas)
        guard budget > 0 else { return sizes }
        for i in sizes.indices {
            let cut = min(budget, max(0, sizes[i] - old[i].available))
            sizes[i] -= cut
            budget -= cut
        }
        var spare = newAvailable + old.reduce(0) { $0 + min($1.available, $1.replicas) } - minAvailable
        for i in sizes.indices where spare > 0 {
            let cut = min(spare, sizes[i])
            sizes[i] -= cut
            spare -= cut
        }
        return sizes
    }
}
