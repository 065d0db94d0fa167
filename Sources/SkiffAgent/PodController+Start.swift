import Foundation
import SkiffAPI
import SkiffLinux

/// Starting containers in kubelet's order: init containers one at a time (a sidecar, an init
/// container with `restartPolicy: Always`, lets the next begin once it has started and then
/// runs beside the pod's containers), then the pod's containers together.
extension PodController {
    static func isSidecar(_ container: JSON) -> Bool { container["restartPolicy"]?.string == "Always" }

    func run(_ uid: String, _ record: ContainerRecord) -> ContainerRun {
        ContainerRun(uid: uid, container: record.name, attempt: record.attempt)
    }

    /// Started as kubelet means it: its postStart hook has returned and its startup probe (if
    /// any) has succeeded.
    func isStarted(_ run: ContainerRun) -> Bool { !postStartPending.contains(run) && probes.started(run) }

    /// Every init container has done its part (run to success, or, a sidecar, started), or one
    /// of the pod's containers has run already, kubelet's rule, which survives an agent restart.
    func initialized(_ pod: JSON, uid: String, records: [String: ContainerRecord]) -> Bool {
        let containers = pod[path: ["spec", "containers"]]?.array ?? []
        if containers.contains(where: { records[$0["name"]?.string ?? ""] != nil }) { return true }
        for container in pod[path: ["spec", "initContainers"]]?.array ?? [] {
            guard let record = records[container["name"]?.string ?? ""] else { return false }
            if Self.isSidecar(container) {
                guard record.running, isStarted(run(uid, record)) else { return false }
            } else if record.running || record.exitCode != 0 {
                return false
            }
        }
        return true
    }

    /// Starts what should run and may; true when anything was started.
    func startContainers(_ pod: JSON, uid: String, key: String, state: PodState) async -> Bool {
        let records = Dictionary(state.containers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let policy = pod[path: ["spec", "restartPolicy"]]?.string ?? "Always"
        let initContainers = pod[path: ["spec", "initContainers"]]?.array ?? []
        var volumes: [String: MountSource]?
        var started = false
        if !initialized(pod, uid: uid, records: records) {
            for container in initContainers {
                let sidecar = Self.isSidecar(container)
                let record = records[container["name"]?.string ?? ""]
                if let record, record.running {
                    if sidecar, isStarted(run(uid, record)) { continue }
                    return false  // wait for it to complete, or (a sidecar) to start
                }
                if !sidecar, let record {
                    if record.exitCode == 0 { continue }
                    if policy == "Never" { return false }  // it failed, and so has the pod
                }
                return await startIfDue(container, record: record, pod: pod, uid: uid, key: key, volumes: &volumes)
            }
        } else {
            // Sidecars restart whenever they stop, whatever the pod's restartPolicy.
            for container in initContainers where Self.isSidecar(container) {
                let record = records[container["name"]?.string ?? ""]
                if record?.running == true { continue }
                if await startIfDue(container, record: record, pod: pod, uid: uid, key: key, volumes: &volumes) {
                    started = true
                }
            }
        }
        for container in pod[path: ["spec", "containers"]]?.array ?? [] {
            if let record = records[container["name"]?.string ?? ""] {
                if record.running { continue }
                guard policy == "Always" || (policy == "OnFailure" && record.exitCode != 0) else { continue }
            }
            let record = records[container["name"]?.string ?? ""]
            if await startIfDue(container, record: record, pod: pod, uid: uid, key: key, volumes: &volumes) {
                started = true
            }
        }
        return started
    }

    /// Starts the container's next run unless a back-off holds it; true when it started.
    func startIfDue(
        _ container: JSON, record: ContainerRecord?, pod: JSON, uid: String, key: String,
        volumes: inout [String: MountSource]?
    ) async -> Bool {
        let name = container["name"]?.string ?? ""
        // Back-off after an exit: 10 s doubling to 300 s, counted from the exit (kubelet's).
        if let record, let finished = record.finishedAt {
            let readyAt = finished + Self.nanoseconds(backoff(restarts: record.attempt))
            let now = Timestamp.now()
            if now < readyAt {
                if waiting[uid]?[name]?.reason != "CrashLoopBackOff" {  // once per back-off, not per sync
                    events.post(
                        pod, container: name, .warning, "BackOff",
                        "Back-off restarting failed container \(name) in pod \(key)")
                }
                waiting[uid, default: [:]][name] = (
                    "CrashLoopBackOff", "back-off restarting failed container \(name) in pod \(key)"
                )
                requeue(key, after: .nanoseconds(readyAt - now))
                return false
            }
        }
        // After a failed start (no image, missing ConfigMap): retry with the same back-off.
        if let after = nextAttempt[uid]?[name], ContinuousClock.now < after {
            requeue(key, after: after - ContinuousClock.now)
            return false
        }
        do throws(ContainerStartError) {
            if volumes == nil {
                volumes = try await PodVolumes(
                    podDirectory: runtime.directory(uid: uid).path, client: client, pod: pod, podIP: podIPs[uid]
                ).prepare()
            }
            let builder = ContainerBuilder(
                configuration: configuration, images: images, seccomp: seccomp, client: client, pod: pod,
                volumes: volumes ?? [:],
                podIP: podIPs[uid] ?? "", hostIP: hostIP)
            var spec = try await builder.build(container, attempt: (record?.attempt ?? 0) + 1)
            let started: ContainerRecord
            do {
                spec.cgroup = try runtime.cgroups.prepareContainer(container, name: name, uid: uid)
                started = try runtime.start(uid: uid, container: spec)
            } catch {
                throw ContainerStartError(reason: "CreateContainerError", message: "\(error)")
            }
            waiting[uid]?[name] = nil
            nextAttempt[uid]?[name] = nil
            startFailures[uid]?[name] = nil
            postStartEvents(container, pod: pod)
            runPostStart(container, run: run(uid, started), pid: started.pid, pod: pod, key: key)
            return true
        } catch {
            waiting[uid, default: [:]][name] = (error.reason, error.message)
            events.post(pod, container: name, .warning, "Failed", "Error: \(error.reason): \(error.message)")
            let failures = (startFailures[uid]?[name] ?? 0) + 1
            startFailures[uid, default: [:]][name] = failures
            let delay = backoff(restarts: failures)
            nextAttempt[uid, default: [:]][name] = ContinuousClock.now + delay
            requeue(key, after: delay)
            return false
        }
    }

    /// The postStart hook runs beside the new run; until it returns the run is not started. If
    /// it fails, the run is killed as kubelet does (preStop, SIGTERM, the grace period) and
    /// restarts per restartPolicy.
    func runPostStart(_ container: JSON, run: ContainerRun, pid: Int32, pod: JSON, key: String) {
        guard let hook = ContainerAction(json: container[path: ["lifecycle", "postStart"]], container: container)
        else { return }
        postStartPending.insert(run)
        let target = target(run, pid: pid)
        let runner = self.runner
        Task.detached {
            let outcome = await runner.run(hook, on: target, timeout: nil)
            await self.postStartReturned(
                run, outcome: outcome, container: container, target: target, pod: pod, key: key)
        }
    }

    func postStartReturned(
        _ run: ContainerRun, outcome: ActionOutcome, container: JSON, target: ActionTarget, pod: JSON, key: String
    ) {
        guard postStartPending.remove(run) != nil else { return }  // the pod was forgotten meanwhile
        if case .failure(let message) = outcome {
            logger.warning(
                "FailedPostStartHook",
                metadata: ["pod": "\(key)", "container": "\(run.container)", "message": "\(message)"])
            events.post(
                pod, container: run.container, .warning, "FailedPostStartHook", "PostStart hook failed: \(message)")
            stopContainer(
                container, run: run, pod: pod, target: target, grace: Self.gracePeriod(pod), key: key,
                why: "Container \(run.container) failed its postStart hook, will be restarted")
        }
        requeue(key, after: .zero)
    }

    /// Pulled, Created, Started, as kubelet reports a start. Images are local: every pull policy
    /// uses the image directory's copy, and `Always` says so rather than pretend to pull.
    func postStartEvents(_ container: JSON, pod: JSON) {
        let name = container["name"]?.string ?? ""
        let image = container["image"]?.string ?? ""
        let pulled =
            container["imagePullPolicy"]?.string == "Always"
            ? "imagePullPolicy Always: there is no registry to pull from; using the local image \"\(image)\" (\(ImageStore.normalize(image)))"
            : "Container image \"\(image)\" already present on machine"
        Task { [events] in  // in this order
            await events.record(pod, container: name, .normal, "Pulled", pulled)
            await events.record(pod, container: name, .normal, "Created", "Created container: \(name)")
            await events.record(pod, container: name, .normal, "Started", "Started container \(name)")
        }
    }

    func target(_ run: ContainerRun, pid: Int32) -> ActionTarget {
        ActionTarget(pid: pid, specFile: runtime.specFile(run), podIP: podIPs[run.uid] ?? "")
    }
}
