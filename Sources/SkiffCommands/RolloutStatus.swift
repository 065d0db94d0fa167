import SkiffAPI

/// Whether a rollout is done, and the line that says so, as `kubectl rollout status` words it
/// for Deployments, DaemonSets and StatefulSets (its `StatusViewer`s).
enum RolloutStatus {
    struct Verdict: Equatable {
        let message: String
        let done: Bool
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func of(_ object: JSON, kind: String) throws(Failure) -> Verdict {
        let name = object[path: ["metadata", "name"]]?.string ?? ""
        let generation = object[path: ["metadata", "generation"]]?.int ?? 0
        let status = object["status"]
        let observed = status?["observedGeneration"]?.int ?? 0
        let count = { (field: String) in status?[field]?.int ?? 0 }
        switch kind {
        case "Deployment":
            guard generation <= observed else {
                return Verdict(message: "Waiting for deployment spec update to be observed...", done: false)
            }
            let progressing = (status?["conditions"]?.array ?? []).first { $0["type"]?.string == "Progressing" }
            if progressing?["reason"]?.string == "ProgressDeadlineExceeded" {
                throw Failure(description: "deployment \"\(name)\" exceeded its progress deadline")
            }
            let replicas = object[path: ["spec", "replicas"]]?.int ?? 1
            let updated = count("updatedReplicas")
            if updated < replicas {
                return Verdict(
                    message:
                        "Waiting for deployment \"\(name)\" rollout to finish: \(updated) out of \(replicas) new replicas have been updated...",
                    done: false)
            }
            if count("replicas") > updated {
                return Verdict(
                    message:
                        "Waiting for deployment \"\(name)\" rollout to finish: \(count("replicas") - updated) old replicas are pending termination...",
                    done: false)
            }
            if count("availableReplicas") < updated {
                return Verdict(
                    message:
                        "Waiting for deployment \"\(name)\" rollout to finish: \(count("availableReplicas")) of \(updated) updated replicas are available...",
                    done: false)
            }
            return Verdict(message: "deployment \"\(name)\" successfully rolled out", done: true)
        case "DaemonSet":
            guard object[path: ["spec", "updateStrategy", "type"]]?.string ?? "RollingUpdate" == "RollingUpdate" else {
                throw Failure(description: "rollout status is only available for RollingUpdate strategy type")
            }
            guard generation <= observed else {
                return Verdict(message: "Waiting for daemon set spec update to be observed...", done: false)
            }
            let desired = count("desiredNumberScheduled")
            if count("updatedNumberScheduled") < desired {
                return Verdict(
                    message:
                        "Waiting for daemon set \"\(name)\" rollout to finish: \(count("updatedNumberScheduled")) out of \(desired) new pods have been updated...",
                    done: false)
            }
            if count("numberAvailable") < desired {
                return Verdict(
                    message:
                        "Waiting for daemon set \"\(name)\" rollout to finish: \(count("numberAvailable")) of \(desired) updated pods are available...",
                    done: false)
            }
            return Verdict(message: "daemon set \"\(name)\" successfully rolled out", done: true)
        case "StatefulSet":
            let strategy = object[path: ["spec", "updateStrategy"]]
            guard strategy?["type"]?.string ?? "RollingUpdate" == "RollingUpdate" else {
                throw Failure(description: "rollout status is only available for RollingUpdate strategy type")
            }
            guard observed != 0, generation <= observed else {
                return Verdict(message: "Waiting for statefulset spec update to be observed...", done: false)
            }
            let replicas = object[path: ["spec", "replicas"]]?.int ?? 1
            if count("readyReplicas") < replicas {
                return Verdict(
                    message: "Waiting for \(replicas - count("readyReplicas")) pods to be ready...", done: false)
            }
            // As kubectl: any partition, 0 included (the server's default), takes this branch.
            if let partition = strategy?[path: ["rollingUpdate", "partition"]]?.int {
                if count("updatedReplicas") < replicas - partition {
                    return Verdict(
                        message:
                            "Waiting for partitioned roll out to finish: \(count("updatedReplicas")) out of \(replicas - partition) new pods have been updated...",
                        done: false)
                }
                return Verdict(
                    message: "partitioned roll out complete: \(count("updatedReplicas")) new pods have been updated...",
                    done: true)
            }
            let update = status?["updateRevision"]?.string ?? ""
            if update != status?["currentRevision"]?.string {
                return Verdict(
                    message:
                        "waiting for statefulset rolling update to complete \(count("updatedReplicas")) pods at revision \(update)...",
                    done: false)
            }
            return Verdict(
                message:
                    "statefulset rolling update complete \(count("currentReplicas")) pods at revision \(update)...",
                done: true)
        default:
            throw Failure(description: "no status viewer has been implemented for \(kind)")
        }
    }
}
