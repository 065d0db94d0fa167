import Foundation
import SkiffAPI
import SkiffClient

/// `status` as Kubernetes reports it for a ReplicaSet or ReplicationController: counts (zero
/// ones left out, as Go's omitempty does), the generation seen, and ReplicaFailure while
/// creating or deleting fails.
extension ReplicaSetController {
    func updateStatus(_ owner: JSON, replicas: [JSON], failure: (reason: String, message: String)?) async throws {
        let minReady = Int(owner[path: ["spec", "minReadySeconds"]]?.int ?? 0)
        let now = Date()
        let templateLabels = PodFacts.labels(owner["spec"]?["template"] ?? .null)
        let counts: [(String, Int)] = [
            (
                "fullyLabeledReplicas",
                replicas.count { pod in
                    let labels = PodFacts.labels(pod)
                    return templateLabels.allSatisfy { labels[$0.key] == $0.value }
                }
            ),
            ("readyReplicas", replicas.count(where: PodFacts.isReady)),
            ("availableReplicas", replicas.count { PodFacts.isAvailable($0, minReadySeconds: minReady, now: now) }),
        ]
        var status: [String: JSON] = ["replicas": .int(Int64(replicas.count))]
        for (field, count) in counts where count > 0 { status[field] = .int(Int64(count)) }
        if let generation = owner[path: ["metadata", "generation"]] { status["observedGeneration"] = generation }
        let oldConditions = owner[path: ["status", "conditions"]]?.array ?? []
        var conditions = oldConditions.filter { $0["type"]?.string != "ReplicaFailure" }
        if let failure {
            let previous = oldConditions.first { $0["type"]?.string == "ReplicaFailure" }
            let since = previous?["reason"]?.string == failure.reason ? previous?["lastTransitionTime"] : nil
            conditions.append([
                "type": "ReplicaFailure", "status": "True", "reason": .string(failure.reason),
                "message": .string(failure.message),
                "lastTransitionTime": since ?? .string(RFC3339.format(now)),
            ])
        }
        if !conditions.isEmpty { status["conditions"] = .array(conditions) }
        guard owner["status"] != .object(status) else { return }
        var updated = owner
        updated["status"] = .object(status)
        let namespace = owner[path: ["metadata", "namespace"]]?.string
        _ = try await client.update(kind.info, namespace: namespace, object: updated, subresource: "status")
    }

    /// When the next ready pod counts as available, if minReadySeconds holds one back.
    func nextAvailability(_ owner: JSON, _ replicas: [JSON]) -> Duration? {
        let minReady = Double(owner[path: ["spec", "minReadySeconds"]]?.int ?? 0)
        guard minReady > 0 else { return nil }
        let now = Date()
        let waits = replicas.compactMap { pod -> Double? in
            guard let since = PodFacts.readySince(pod) else { return nil }
            let left = minReady - now.timeIntervalSince(since)
            return left > 0 ? left : nil
        }
        return waits.min().map { .milliseconds(Int64($0 * 1000) + 100) }
    }
}
