import Foundation
import SkiffAPI
import SkiffLinux

/// Stopping runs as kubelet does: the preStop hook, then SIGTERM, and when the grace period is
/// over SIGKILL to everything in the container's cgroup at once (cgroup.kill, so no process
/// forked meanwhile escapes). For a deleted pod, for a failed liveness or startup probe, and for
/// a failed postStart hook.
extension PodController {
    static func gracePeriod(_ pod: JSON) -> Duration {
        .seconds(max(0, pod[path: ["spec", "terminationGracePeriodSeconds"]]?.int ?? 30))
    }

    /// Starts the probes of each running run, kills the runs whose liveness or startup probe
    /// has failed, and forgets what belonged to runs that are over.
    func supervise(_ pod: JSON, uid: String, key: String, state: PodState) {
        let specs =
            (pod[path: ["spec", "initContainers"]]?.array ?? []) + (pod[path: ["spec", "containers"]]?.array ?? [])
        var running: Set<ContainerRun> = []
        for record in state.containers where record.running {
            let run = run(uid, record)
            running.insert(run)
            guard let container = specs.first(where: { $0["name"]?.string == record.name }) else { continue }
            let target = target(run, pid: record.pid)
            probes.ensure(run, pod: pod, podKey: key, container: container, target: target)
            if let kind = probes.failed(run) {
                let probeGrace = Probe(kind, container: container)?.terminationGracePeriodSeconds
                let grace = probeGrace.map { Duration.seconds(max(0, $0)) } ?? Self.gracePeriod(pod)
                let why = "Container \(record.name) failed \(kind.rawValue) probe, will be restarted"
                stopContainer(container, run: run, pod: pod, target: target, grace: grace, key: key, why: why)
            } else if stopDeadlines[run] != nil {
                // Kill when due.
                stopContainer(container, run: run, pod: pod, target: target, grace: .zero, key: key, why: "")
            }
        }
        probes.retain(uid: uid, running: running)
        stopDeadlines = stopDeadlines.filter { $0.key.uid != uid || running.contains($0.key) }
        killed = killed.filter { $0.uid != uid || running.contains($0) }
    }

    /// Called on every sync until the run has exited: the first call runs preStop and then
    /// sends SIGTERM; a call after the deadline kills the cgroup.
    func stopContainer(
        _ container: JSON, run: ContainerRun, pod: JSON, target: ActionTarget, grace: Duration, key: String,
        why: String
    ) {
        if let deadline = stopDeadlines[run] {
            let now = ContinuousClock.now
            if now < deadline {
                requeue(key, after: deadline - now)
            } else if killed.insert(run).inserted {
                let cgroups = runtime.cgroups
                Task.detached {
                    cgroups.killContainer(name: run.container, uid: run.uid)
                    self.requeue(key, after: .zero)
                }
            }
            return
        }
        stopDeadlines[run] = ContinuousClock.now + grace
        logger.info("\(why)", metadata: ["pod": "\(key)"])
        events.post(pod, container: run.container, .normal, "Killing", why)
        let hook = ContainerAction(json: container[path: ["lifecycle", "preStop"]], container: container)
        let (runner, runtime, logger, events) = (self.runner, self.runtime, self.logger, self.events)
        Task.detached {
            if let hook, case .failure(let message) = await runner.run(hook, on: target, timeout: grace) {
                logger.warning(
                    "FailedPreStopHook",
                    metadata: ["pod": "\(key)", "container": "\(run.container)", "message": "\(message)"])
                events.post(
                    pod, container: run.container, .warning, "FailedPreStopHook", "PreStop hook failed: \(message)")
            }
            runtime.signal(run, SIGTERM)
        }
        requeue(key, after: grace)
    }

    /// Starts stopping the running ones of `order` (preStop, SIGTERM, killed at `deadline`): all at
    /// once, or only the first one running (sidecars stop one at a time, last first).
    func stopRunning(
        _ order: [JSON], running: [ContainerRecord], oneAtATime: Bool, pod: JSON, uid: String, key: String,
        until deadline: ContinuousClock.Instant
    ) {
        let grace = max(.zero, deadline - ContinuousClock.now)
        for container in order {
            guard let record = running.first(where: { $0.name == container["name"]?.string }) else { continue }
            let run = run(uid, record)
            stopContainer(
                container, run: run, pod: pod, target: target(run, pid: record.pid), grace: grace, key: key,
                why: "Stopping container \(record.name)")
            if oneAtATime { break }
        }
    }

    /// restartPolicy Never or OnFailure: every regular container has ended for good (OnFailure:
    /// successfully), so nothing of the pod starts again.
    static func containersFinished(_ pod: JSON, records: [String: ContainerRecord]) -> Bool {
        let policy = pod[path: ["spec", "restartPolicy"]]?.string ?? "Always"
        guard policy != "Always" else { return false }
        let containers = pod[path: ["spec", "containers"]]?.array ?? []
        let runs = containers.compactMap { records[$0["name"]?.string ?? ""] }
        guard !runs.isEmpty, runs.count == containers.count, !runs.contains(where: \.running) else { return false }
        return policy == "Never" || runs.allSatisfy { $0.exitCode == 0 }
    }

    /// A finished pod's sidecars stop as in a deletion, last first, one at a time, within the
    /// pod's grace period (kubelet's order), and none restarts. True when the pod has finished:
    /// the caller then starts nothing. Its phase turns Succeeded or Failed once they have ended.
    func stopSidecarsOfFinishedPod(_ pod: JSON, uid: String, key: String, state: PodState) -> Bool {
        let records = Dictionary(state.containers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        guard Self.containersFinished(pod, records: records) else { return false }
        let running = state.containers.filter(\.running)
        if running.isEmpty { return true }
        let deadline = podDeadlines[uid] ?? ContinuousClock.now + Self.gracePeriod(pod)
        podDeadlines[uid] = deadline
        let sidecars = (pod[path: ["spec", "initContainers"]]?.array ?? []).filter(Self.isSidecar)
        stopRunning(
            sidecars.reversed(), running: running, oneAtATime: true, pod: pod, uid: uid, key: key, until: deadline)
        return true
    }

    /// Graceful deletion: the pod's containers stop first, its sidecars once they have (in
    /// reverse order, as kubelet does), all within one grace period; then whatever is left is
    /// killed, everything the pod had here is removed, and the agent confirms the deletion to
    /// the API server (grace period 0, the pod's uid as precondition).
    func terminate(_ pod: JSON, uid: String, key: String) async {
        let grace =
            pod[path: ["metadata", "deletionGracePeriodSeconds"]]?.int.map { Duration.seconds(max(0, $0)) }
            ?? Self.gracePeriod(pod)
        let now = ContinuousClock.now
        let deadline = podDeadlines[uid] ?? now + grace
        podDeadlines[uid] = deadline
        let running = runtime.state(uid: uid)?.containers.filter(\.running) ?? []
        if !running.isEmpty && now < deadline {
            let initContainers = pod[path: ["spec", "initContainers"]]?.array ?? []
            let sidecars = initContainers.filter(Self.isSidecar)
            // First the containers, and an init container still running (the pod is initializing).
            let containers =
                (pod[path: ["spec", "containers"]]?.array ?? []) + initContainers.filter { !Self.isSidecar($0) }
            let mainRunning = running.contains { record in containers.contains { $0["name"]?.string == record.name } }
            if mainRunning {
                stopRunning(
                    containers, running: running, oneAtATime: false, pod: pod, uid: uid, key: key, until: deadline)
            } else {
                stopRunning(
                    sidecars.reversed(), running: running, oneAtATime: true, pod: pod, uid: uid, key: key,
                    until: deadline)
            }
            requeue(key, after: .milliseconds(100))
            return
        }
        // Out of grace: removal kills what is left (every container's cgroup at once, cgroup.kill).
        runtime.remove(uid: uid)
        let name = pod[path: ["metadata", "name"]]?.string ?? ""
        do {
            _ = try await client.delete(
                Resources.pods, namespace: pod[path: ["metadata", "namespace"]]?.string, name: name,
                options: ["gracePeriodSeconds": 0, "preconditions": ["uid": .string(uid)]])
        } catch  where error.code != .notFound && error.code != .conflict {
            requeue(key, after: .milliseconds(500))
            return
        } catch {}
        forget(uid, removed: true)
    }
}
