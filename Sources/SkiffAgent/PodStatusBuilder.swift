import Foundation
import SkiffAPI
import SkiffLinux

/// Computes a pod's `status` from what its supervisor reports, as kubelet does: phase,
/// conditions, one status per container and init container (running / waiting / terminated,
/// with reason, exit code, restart count and the previous run as lastState, started and ready
/// from the probes).
struct PodStatusBuilder {
    let pod: JSON
    let state: PodState?
    /// Containers that could not start or wait out a back-off: reason and message.
    let waiting: [String: (reason: String, message: String)]
    /// Runs (`name/attempt`) the kernel OOM-killed, from the container cgroups' counters.
    let oomKilled: Set<String>
    let hostIP: String
    let podIP: String?
    /// Running containers that have started (postStart returned, startup probe passed) and are
    /// ready (started, readiness probe passed).
    let started: Set<String>
    let ready: Set<String>
    let initialized: Bool

    var restartPolicy: String { pod[path: ["spec", "restartPolicy"]]?.string ?? "Always" }

    func build() -> JSON {
        let containers = pod[path: ["spec", "containers"]]?.array ?? []
        let initContainers = pod[path: ["spec", "initContainers"]]?.array ?? []
        let records = Dictionary((state?.containers ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let statuses = containers.map { containerStatus($0, record: records[$0["name"]?.string ?? ""], isInit: false) }
        let sidecars = initContainers.filter(PodController.isSidecar)
        // Sidecars count towards readiness (Kubernetes 1.29+); completed init containers do not.
        let allReady =
            !containers.isEmpty && (containers + sidecars).allSatisfy { ready.contains($0["name"]?.string ?? "") }
        let existing = pod["status"] ?? [:]
        var status: JSON = [
            "phase": .string(phase(containers: containers, initContainers: initContainers, records: records)),
            "hostIP": .string(hostIP), "hostIPs": [["ip": .string(hostIP)]],
            "startTime": existing["startTime"] ?? .string(RFC3339.format(Date())),
            "qosClass": existing["qosClass"] ?? "BestEffort",
            "containerStatuses": .array(statuses),
        ]
        if !initContainers.isEmpty {
            status["initContainerStatuses"] = .array(
                initContainers.map { containerStatus($0, record: records[$0["name"]?.string ?? ""], isInit: true) })
        }
        if let podIP, !podIP.isEmpty {
            status["podIP"] = .string(podIP)
            status["podIPs"] = [["ip": .string(podIP)]]
        }
        status["conditions"] = .array(
            conditions(
                [
                    ("PodReadyToStartContainers", state?.sandboxRunning == true), ("Initialized", initialized),
                    ("ContainersReady", allReady), ("Ready", allReady), ("PodScheduled", true),
                ], existing: existing["conditions"]?.array ?? []))
        return status
    }

    func phase(containers: [JSON], initContainers: [JSON], records: [String: ContainerRecord]) -> String {
        if !initialized {
            // An init container that failed under restartPolicy Never fails the pod.
            let failed = initContainers.contains { container in
                guard let record = records[container["name"]?.string ?? ""], !PodController.isSidecar(container)
                else { return false }
                return !record.running && record.exitCode != 0
            }
            return failed && restartPolicy == "Never" ? "Failed" : "Pending"
        }
        let runs = containers.compactMap { records[$0["name"]?.string ?? ""] }
        if runs.contains(where: \.running) { return "Running" }
        guard runs.count == containers.count, !runs.isEmpty else { return "Pending" }
        guard PodController.containersFinished(pod, records: records) else { return "Running" }
        // The pod ends once its sidecars, stopped after the containers, have ended too; their
        // exit codes do not count (Kubernetes' sidecar rules).
        let sidecarRunning = initContainers.contains {
            PodController.isSidecar($0) && records[$0["name"]?.string ?? ""]?.running == true
        }
        if sidecarRunning { return "Running" }
        return runs.allSatisfy { $0.exitCode == 0 } ? "Succeeded" : "Failed"
    }

    /// Keeps each condition's lastTransitionTime while its status is unchanged.
    func conditions(_ wanted: [(String, Bool)], existing: [JSON]) -> [JSON] {
        let now = RFC3339.format(Date())
        return wanted.map { type, isTrue in
            let status = isTrue ? "True" : "False"
            let previous = existing.first { $0["type"]?.string == type }
            let since = previous?["status"]?.string == status ? previous?["lastTransitionTime"] : nil
            var condition: JSON = [
                "type": .string(type), "status": .string(status), "lastProbeTime": nil,
                "lastTransitionTime": since ?? .string(now),
            ]
            if type == "ContainersReady" || type == "Ready", !isTrue {
                condition["reason"] = "ContainersNotReady"
            }
            if type == "Initialized", !isTrue { condition["reason"] = "ContainersNotInitialized" }
            return condition
        }
    }

    func containerStatus(_ container: JSON, record: ContainerRecord?, isInit: Bool) -> JSON {
        let name = container["name"]?.string ?? ""
        let image = container["image"]?.string ?? ""
        let running = record?.running == true
        // A completed init container counts as ready, as kubelet reports it.
        let completed =
            isInit && !PodController.isSidecar(container) && record?.running == false && record?.exitCode == 0
        var status: JSON = [
            "name": .string(name), "image": .string(image),
            "imageID": .string("skiff://" + ImageStore.normalize(image)),
            "restartCount": .int(Int64(max(0, (record?.attempt ?? 1) - 1))),
            "ready": .bool(completed || (running && ready.contains(name))),
            "started": .bool(running && started.contains(name)),
            "lastState": [:],
        ]
        if let record { status["containerID"] = .string(containerID(record)) }
        // "*": the pod's sandbox or network could not be set up; every container waits on it.
        if let problem = waiting[name] ?? waiting["*"] {
            status["state"] = ["waiting": ["reason": .string(problem.reason), "message": .string(problem.message)]]
        } else if let record, record.running {
            status["state"] = ["running": ["startedAt": .string(Self.time(record.startedAt))]]
        } else if let record, let finished = record.finished {
            status["state"] = [
                "terminated": terminated(finished, record: record, oom: oomKilled.contains("\(name)/\(record.attempt)"))
            ]
        } else {
            status["state"] = ["waiting": ["reason": initialized && !isInit ? "ContainerCreating" : "PodInitializing"]]
        }
        if let record, let previous = record.previous {
            let oom = oomKilled.contains("\(name)/\(record.attempt - 1)")
            status["lastState"] = ["terminated": terminated(previous, record: nil, oom: oom)]
        }
        return status
    }

    func terminated(_ run: FinishedRun, record: ContainerRecord?, oom: Bool) -> JSON {
        let reason = oom ? "OOMKilled" : run.exitCode == 0 ? "Completed" : "Error"
        var out: JSON = [
            "exitCode": .int(Int64(oom ? 137 : run.exitCode)), "reason": .string(reason),
            "startedAt": .string(Self.time(run.startedAt)), "finishedAt": .string(Self.time(run.finishedAt)),
        ]
        if let signal = run.signal { out["signal"] = .int(Int64(signal)) }
        if let record { out["containerID"] = .string(containerID(record)) }
        return out
    }

    func containerID(_ record: ContainerRecord) -> String {
        "skiff://\(pod[path: ["metadata", "uid"]]?.string ?? "")/\(record.name)/\(record.attempt)"
    }

    static func time(_ nanoseconds: Int64) -> String { Timestamp.rfc3339(nanoseconds, fractionDigits: 0) }
}
