import Foundation
import SkiffAPI
import SkiffClient

/// A DaemonSet's pods, made and deleted, and the status `kubectl rollout status` reads.
extension DaemonSetController {
    /// One pod per node: the template with the default tolerations, the template's hash and
    /// generation as labels, pinned to its node. Stops at the first error (returned).
    func createPods(_ nodes: [String], _ daemonSet: JSON, key: String, me: ControllerRef.Owner, hash: String) async
        -> SkiffError?
    {
        let namespace = daemonSet[path: ["metadata", "namespace"]]?.string ?? "default"
        for node in nodes {
            var pod = PodTemplate.pod(
                from: daemonSet[path: ["spec", "template"]], namePrefix: me.name + "-", namespace: namespace, owner: me)
            pod["spec"] = DaemonNodes.podSpec(daemonSet)
            pod[path: ["metadata", "labels", DaemonSetPlan.hashLabel]] = .string(hash)
            if let generation = daemonSet[path: ["metadata", "generation"]]?.int {
                pod[path: ["metadata", "labels", Self.generationLabel]] = .string(String(generation))
            }
            DaemonNodes.pin(&pod, to: node)
            do throws(SkiffError) {
                let created = try await client.create(Resources.pods, namespace: namespace, object: pod)
                let name = created[path: ["metadata", "name"]]?.string ?? ""
                expectations.created(key, pod: name)
                post(daemonSet, .normal, "SuccessfulCreate", "Created pod: \(name)")
            } catch {
                post(daemonSet, .warning, "FailedCreate", "Error creating: \(error.message)")
                return error
            }
        }
        return nil
    }

    func deletePods(_ victims: [JSON], _ daemonSet: JSON, key: String) async {
        for pod in victims {
            let name = pod[path: ["metadata", "name"]]?.string ?? ""
            do throws(SkiffError) {
                try await client.delete(
                    Resources.pods, namespace: pod[path: ["metadata", "namespace"]]?.string, name: name)
                expectations.deleted(key, pod: name)
                post(daemonSet, .normal, "SuccessfulDelete", "Deleted pod: \(name)")
            } catch {
                if error.code != .notFound {
                    post(daemonSet, .warning, "FailedDelete", "Error deleting: \(error.message)")
                }
            }
        }
    }

    func updateStatus(_ daemonSet: JSON, plan: DaemonSetPlan, hash: String, minReadySeconds: Int) async throws {
        let now = Date()
        let kept = Array(plan.kept.values)
        let available = kept.count { PodFacts.isAvailable($0, minReadySeconds: minReadySeconds, now: now) }
        var status: [String: JSON] = [
            "desiredNumberScheduled": .int(Int64(plan.desired)),
            "currentNumberScheduled": .int(Int64(kept.count)),
            "numberMisscheduled": .int(Int64(plan.misscheduled)),
            "numberReady": .int(Int64(kept.count(where: PodFacts.isReady))),
        ]
        let counts = [
            ("updatedNumberScheduled", kept.count { DaemonSetPlan.isCurrent($0, hash) }),
            ("numberAvailable", available), ("numberUnavailable", plan.desired - available),
        ]
        for (field, count) in counts where count > 0 { status[field] = .int(Int64(count)) }
        if let generation = daemonSet[path: ["metadata", "generation"]] { status["observedGeneration"] = generation }
        guard daemonSet["status"] != .object(status) else { return }
        var updated = daemonSet
        updated["status"] = .object(status)
        _ = try await client.update(
            Resources.daemonSets, namespace: daemonSet[path: ["metadata", "namespace"]]?.string, object: updated,
            subresource: "status")
    }
}
