import Foundation

/// The Pod row: READY, STATUS and RESTARTS are derived from container statuses exactly as
/// `printPod` does, because STATUS (`Init:0/1`, `CrashLoopBackOff`, `Terminating`, …) is what
/// people and scripts read to decide whether a pod is healthy.
extension TablePrinter {
    static func podCells(_ pod: JSON, now: Date) -> [JSON] {
        let spec = pod["spec"] ?? .null
        let status = pod["status"] ?? .null
        let initContainers = spec["initContainers"]?.array ?? []
        let conditions = status["conditions"]?.array ?? []
        var totalContainers = spec["containers"]?.array?.count ?? 0
        var readyContainers = 0
        var restarts: Int64 = 0
        var lastRestart: Date?

        let phase = status.textAt("phase")
        var reason = status.textAt("reason").isEmpty ? phase : status.textAt("reason")
        if conditions.contains(where: {
            $0.textAt("type") == "PodScheduled" && $0.textAt("reason") == "SchedulingGated"
        }) {
            reason = "SchedulingGated"
        }

        // Sidecars (init containers with restartPolicy Always) count as regular containers.
        var sidecars: Set<String> = []
        for container in initContainers where container.textAt("restartPolicy") == "Always" {
            sidecars.insert(container.textAt("name"))
            totalContainers += 1
        }

        var sidecarRestarts: Int64 = 0
        var lastSidecarRestart: Date?
        var initializing = false
        for (i, cs) in (status["initContainerStatuses"]?.array ?? []).enumerated() {
            let isSidecar = sidecars.contains(cs.textAt("name"))
            restarts = adding(restarts, cs["restartCount"])
            lastRestart = latest(lastRestart, lastTerminationTime(cs))
            if isSidecar {
                sidecarRestarts = adding(sidecarRestarts, cs["restartCount"])
                lastSidecarRestart = latest(lastSidecarRestart, lastTerminationTime(cs))
            }
            let terminated = cs[path: ["state", "terminated"]]?.object.map(JSON.object)
            let waitingReason = cs.textAt("state", "waiting", "reason")
            if let terminated, terminated["exitCode"]?.int ?? 0 == 0 { continue }
            if isSidecar, cs["started"]?.bool == true {
                if cs["ready"]?.bool == true { readyContainers += 1 }
                continue
            }
            if let terminated {
                reason = "Init:" + terminationReason(terminated)
            } else if !waitingReason.isEmpty && waitingReason != "PodInitializing" {
                reason = "Init:" + waitingReason
            } else {
                reason = "Init:\(i)/\(initContainers.count)"
            }
            initializing = true
            break
        }

        let initialized = conditions.first { $0.textAt("type") == "Initialized" }?.textAt("status") == "True"
        if !initializing || initialized {
            restarts = sidecarRestarts
            lastRestart = lastSidecarRestart
            var hasRunning = false
            // Walk backwards so the first container's state wins, as in kubectl.
            for cs in (status["containerStatuses"]?.array ?? []).reversed() {
                restarts = adding(restarts, cs["restartCount"])
                lastRestart = latest(lastRestart, lastTerminationTime(cs))
                let waitingReason = cs.textAt("state", "waiting", "reason")
                let terminated = cs[path: ["state", "terminated"]]?.object.map(JSON.object)
                if cs[path: ["state", "waiting"]]?.object != nil, !waitingReason.isEmpty {
                    reason = waitingReason
                } else if let terminated {
                    reason = terminationReason(terminated)
                } else if cs["ready"]?.bool == true, cs[path: ["state", "running"]]?.object != nil {
                    hasRunning = true
                    readyContainers += 1
                }
            }
            // A pod whose main container finished while a sidecar still runs is not "Completed".
            if reason == "Completed" && hasRunning {
                let podReady = conditions.contains { $0.textAt("type") == "Ready" && $0.textAt("status") == "True" }
                reason = podReady ? "Running" : "NotReady"
            }
        }

        if isSet(pod[path: ["metadata", "deletionTimestamp"]]) {
            if status.textAt("reason") == "NodeLost" {
                reason = "Unknown"
            } else if phase != "Failed" && phase != "Succeeded" {
                reason = "Terminating"
            }
        }

        var restartsText = String(restarts)
        if restarts != 0, let lastRestart {
            restartsText += " (\(HumanDuration.since(lastRestart, now: now)) ago)"
        }

        // Kubernetes reads podIPs[0]; podIP is the same address on objects that lack podIPs.
        var podIP = status[path: ["podIPs"]]?.array?.first?.textAt("ip") ?? ""
        if podIP.isEmpty { podIP = status.textAt("podIP") }
        let nodeName = spec.textAt("nodeName")
        let nominated = status.textAt("nominatedNodeName")

        var readinessGates = "<none>"
        if let gates = spec["readinessGates"]?.array, !gates.isEmpty {
            let met = gates.filter { gate in
                conditions.first { $0.textAt("type") == gate.textAt("conditionType") }?.textAt("status") == "True"
            }.count
            readinessGates = "\(met)/\(gates.count)"
        }

        return [
            .string(pod.textAt("metadata", "name")), .string("\(readyContainers)/\(totalContainers)"),
            .string(reason), .string(restartsText), .string(ageCell(pod, now: now)),
            .string(podIP.isEmpty ? "<none>" : podIP), .string(nodeName.isEmpty ? "<none>" : nodeName),
            .string(nominated.isEmpty ? "<none>" : nominated), .string(readinessGates),
        ]
    }

    /// A terminated state's reason, or `Signal:N` / `ExitCode:N` when the runtime gave none.
    static func terminationReason(_ terminated: JSON) -> String {
        let reason = terminated.textAt("reason")
        if !reason.isEmpty { return reason }
        let signal = terminated["signal"]?.int ?? 0
        return signal != 0 ? "Signal:\(signal)" : "ExitCode:\(terminated["exitCode"]?.int ?? 0)"
    }

    /// When the container last stopped (`lastState.terminated.finishedAt`), if known.
    static func lastTerminationTime(_ status: JSON) -> Date? {
        RFC3339.parse(status.textAt("lastState", "terminated", "finishedAt"))
    }

    /// Restart counts come from clients; saturate instead of trapping on absurd values.
    static func adding(_ total: Int64, _ count: JSON?) -> Int64 {
        let (sum, overflow) = total.addingReportingOverflow(count?.int ?? 0)
        return overflow ? (total < 0 ? .min : .max) : sum
    }

    static func latest(_ a: Date?, _ b: Date?) -> Date? {
        guard let a else { return b }
        guard let b else { return a }
        return max(a, b)
    }

    /// Present and not `null` (a Go pointer field that is non-nil).
    static func isSet(_ value: JSON?) -> Bool {
        if let value, !value.isNull { return true }
        return false
    }
}
