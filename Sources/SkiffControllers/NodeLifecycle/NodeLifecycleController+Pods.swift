import Foundation
import SkiffAPI
import SkiffClient

/// What happens to the pods of a node in trouble, or of one that is gone.
extension NodeLifecycleController {
    /// Pods of a node not heard from stop counting as ready (Services and rollouts stop
    /// relying on them), as Kubernetes' `MarkPodsNotReady`.
    func markPodsNotReady(on node: String, now: Date) async {
        for pod in await pods.list() where pod[path: ["spec", "nodeName"]]?.string == node && PodFacts.isReady(pod) {
            var updated = pod
            let conditions = (pod[path: ["status", "conditions"]]?.array ?? []).map { condition -> JSON in
                guard condition["type"]?.string == "Ready" else { return condition }
                var changed = condition
                changed["status"] = "False"
                changed["lastTransitionTime"] = .string(RFC3339.format(now))
                return changed
            }
            updated[path: ["status", "conditions"]] = .array(conditions)
            _ = try? await client.update(
                Resources.pods, namespace: pod[path: ["metadata", "namespace"]]?.string, object: updated,
                subresource: "status")
        }
    }

    /// Deletes a pod whose tolerations of its node's NoExecute taints have run out.
    func evictIfDue(_ pod: JSON, taints: [JSON], now: Date, firstSeen: Date?) async {
        guard let due = NodeHealth.evictionTime(pod, nodeTaints: taints, now: now, firstSeen: firstSeen), due <= now
        else { return }
        let namespace = pod[path: ["metadata", "namespace"]]?.string ?? "default"
        let name = pod[path: ["metadata", "name"]]?.string ?? ""
        do throws(SkiffError) {
            try await client.delete(
                Resources.pods, namespace: namespace, name: name,
                options: ["preconditions": ["uid": pod[path: ["metadata", "uid"]] ?? .null]])
            events.post(
                pod, kind: "Pod", apiVersion: "v1", .normal, "TaintManagerEviction",
                "Marking for deletion Pod \(namespace)/\(name)")
        } catch {
            logger.debug("cannot evict", metadata: ["pod": "\(namespace)/\(name)", "error": "\(error)"])
        }
    }

    /// A pod bound to a node that is gone (asked live, so a node the cache has not seen yet is
    /// never taken for gone) is deleted at once: nobody is left to stop it.
    func collectOrphan(_ pod: JSON, node: String) async {
        do throws(SkiffError) {
            _ = try await client.get(Resources.nodes, namespace: nil, name: node)
            return
        } catch {
            guard error.code == .notFound else { return }
        }
        _ = try? await client.delete(
            Resources.pods, namespace: pod[path: ["metadata", "namespace"]]?.string,
            name: pod[path: ["metadata", "name"]]?.string ?? "",
            options: ["gracePeriodSeconds": 0, "preconditions": ["uid": pod[path: ["metadata", "uid"]] ?? .null]])
    }
}
