import Foundation
import SkiffAPI
import SkiffClient

/// The status `kubectl rollout status` and `get deployment` read: counts summed over the
/// ReplicaSets, and the Available and Progressing conditions with Kubernetes' reasons
/// (NewReplicaSetCreated, ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded,
/// DeploymentPaused).
extension DeploymentController {
    func updateStatus(_ deployment: JSON, current: JSON?, all: [JSON], created: Bool) async throws -> Duration? {
        let now = Date()
        let stamp = JSON.string(RFC3339.format(now))
        let replicas = Self.replicas(deployment)
        let sum = { (field: String) in all.reduce(0) { $0 + Self.status($1, field) } }
        let counts: [String: Int] = [
            "replicas": sum("replicas"), "updatedReplicas": current.map { Self.status($0, "replicas") } ?? 0,
            "readyReplicas": sum("readyReplicas"), "availableReplicas": sum("availableReplicas"),
            "unavailableReplicas": max(0, replicas - sum("availableReplicas")),
        ]
        var status: [String: JSON] = [:]
        for (field, count) in counts where count > 0 { status[field] = .int(Int64(count)) }
        status["observedGeneration"] = deployment[path: ["metadata", "generation"]]
        if let collisions = deployment[path: ["status", "collisionCount"]] { status["collisionCount"] = collisions }

        let old = deployment[path: ["status", "conditions"]]?.array ?? []
        func condition(_ type: String, _ state: String, _ reason: String, _ message: String, touched: Bool) -> JSON {
            let previous = old.first { $0["type"]?.string == type }
            let same = previous?["status"]?.string == state
            let unchanged = same && previous?["reason"]?.string == reason && !touched
            return [
                "type": .string(type), "status": .string(state), "reason": .string(reason), "message": .string(message),
                "lastUpdateTime": unchanged ? (previous?["lastUpdateTime"] ?? stamp) : stamp,
                "lastTransitionTime": same ? (previous?["lastTransitionTime"] ?? stamp) : stamp,
            ]
        }
        let rolling = deployment[path: ["spec", "strategy", "type"]]?.string != "Recreate"
        let plan = RolloutPlan(
            replicas: replicas, rollingUpdate: deployment[path: ["spec", "strategy", "rollingUpdate"]])
        let minAvailable = rolling ? replicas - plan.maxUnavailable : replicas
        let available =
            counts["availableReplicas", default: 0] >= minAvailable
            ? condition(
                "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", touched: false)
            : condition(
                "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.",
                touched: false)
        let (progressing, again) = progress(deployment, current: current, counts: counts, created: created, condition)
        status["conditions"] = [available, progressing]
        guard deployment["status"] != .object(status) else { return again }
        var updated = deployment
        updated["status"] = .object(status)
        _ = try await client.update(
            Resources.deployments, namespace: deployment[path: ["metadata", "namespace"]]?.string, object: updated,
            subresource: "status")
        return again
    }

    /// The Progressing condition, and when to look again for progressDeadlineSeconds.
    func progress(
        _ deployment: JSON, current: JSON?, counts: [String: Int], created: Bool,
        _ condition: (String, String, String, String, Bool) -> JSON
    ) -> (JSON, Duration?) {
        let name = current.map(Self.name) ?? ""
        let replicas = Self.replicas(deployment)
        if deployment[path: ["spec", "paused"]]?.bool == true {
            return (condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", false), nil)
        }
        let complete =
            counts["updatedReplicas", default: 0] == replicas && counts["replicas", default: 0] == replicas
            && counts["availableReplicas", default: 0] == replicas
        if complete {
            let message = "ReplicaSet \"\(name)\" has successfully progressed."
            return (condition("Progressing", "True", "NewReplicaSetAvailable", message, false), nil)
        }
        if created {
            return (
                condition("Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"\(name)\"", true),
                nil
            )
        }
        let previous = deployment[path: ["status"]]
        let moved = ["updatedReplicas", "readyReplicas", "availableReplicas", "replicas"].contains {
            Int(previous?[$0]?.int ?? 0) != counts[$0, default: 0]
        }
        let last = (deployment[path: ["status", "conditions"]]?.array ?? []).first {
            $0["type"]?.string == "Progressing"
        }
        if moved || last == nil || last?["reason"]?.string == "NewReplicaSetAvailable"
            || last?["reason"]?.string == "DeploymentPaused"
        {
            let message = "ReplicaSet \"\(name)\" is progressing."
            let deadline = deployment[path: ["spec", "progressDeadlineSeconds"]]?.int ?? 600
            return (condition("Progressing", "True", "ReplicaSetUpdated", message, true), .seconds(deadline + 1))
        }
        let deadline = Double(deployment[path: ["spec", "progressDeadlineSeconds"]]?.int ?? 600)
        let since = last?["lastUpdateTime"]?.string.flatMap(RFC3339.parse) ?? Date()
        let left = deadline - Date().timeIntervalSince(since)
        if left <= 0 || last?["reason"]?.string == "ProgressDeadlineExceeded" {
            let message = "ReplicaSet \"\(name)\" has timed out progressing."
            return (condition("Progressing", "False", "ProgressDeadlineExceeded", message, false), nil)
        }
        return (last ?? .null, .milliseconds(Int64(left * 1000) + 500))
    }
}
