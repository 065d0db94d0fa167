import Foundation
import Logging
import SkiffAPI
import SkiffClient
import SkiffLinux

/// Reconciles each pod bound to this node with what runs here: starts the sandbox and the
/// containers, restarts them per restartPolicy with back-off, writes status, and carries out
/// graceful deletion (SIGTERM, the grace period, then kill) before confirming it to the API.
actor PodController {
    let configuration: AgentConfiguration
    let client: APIClient
    let informer: Informer
    let queue: WorkQueue
    let runtime: PodRuntime
    let images: ImageStore
    let logger: Logger
    let hostIP: String

    /// key → uid of pods seen, so a pod that vanished from the API can still be removed here.
    var uids: [String: String] = [:]
    /// Start problems per pod uid and container, shown as `waiting` until the next attempt.
    var waiting: [String: [String: (reason: String, message: String)]] = [:]
    var nextAttempt: [String: [String: ContinuousClock.Instant]] = [:]
    var startFailures: [String: [String: Int]] = [:]
    var deadlines: [String: ContinuousClock.Instant] = [:]
    var lastStatus: [String: JSON] = [:]
    /// The address of each pod uid, known once its sandbox is on the pod network.
    var podIPs: [String: String] = [:]
    /// Runs (`name/attempt`) that the kernel OOM-killed, per pod uid; read once per run, after
    /// it exited (the v1 counter may lag the kill, LINUX-NOTES §4).
    var oomKilled: [String: Set<String>] = [:]
    var oomChecked: [String: Set<String>] = [:]

    init(
        configuration: AgentConfiguration, client: APIClient, informer: Informer, queue: WorkQueue,
        runtime: PodRuntime, logger: Logger, hostIP: String
    ) {
        self.configuration = configuration
        self.client = client
        self.informer = informer
        self.queue = queue
        self.runtime = runtime
        self.images = ImageStore(directory: configuration.imageDirectory)
        self.logger = logger
        self.hostIP = hostIP
    }

    func sync(_ key: String) async {
        guard let pod = await informer.get(key), let uid = pod[path: ["metadata", "uid"]]?.string else {
            if let uid = uids.removeValue(forKey: key) { forget(uid) }
            return
        }
        uids[key] = uid
        if pod[path: ["metadata", "deletionTimestamp"]] != nil {
            await terminate(pod, uid: uid, key: key)
            return
        }
        let phase = pod[path: ["status", "phase"]]?.string
        if phase == "Succeeded" || phase == "Failed" {
            if let state = runtime.state(uid: uid), state.sandboxRunning {
                try? PodControlClient(directory: runtime.directory(uid: uid)).stop()
            }
            return
        }
        let state: PodState
        do {
            let sandbox = sandboxSpec(pod, uid: uid)
            state = try runtime.ensureSandbox(sandbox)
            podIPs[uid] = try runtime.ensureNetwork(sandbox, state: state)
            if waiting[uid]?["*"] != nil { waiting[uid]?["*"] = nil }
        } catch {
            waiting[uid, default: [:]]["*"] = ("CreatePodSandboxError", "\(error)")
            logger.warning("cannot start pod sandbox", metadata: ["pod": "\(key)", "error": "\(error)"])
            await writeStatus(pod, uid: uid, key: key, state: nil)
            requeue(key, after: .seconds(1))
            return
        }
        // One control-socket round trip per sync when nothing changes (the 1 s resync of every
        // pod), a second only after starting something.
        let started = await startContainers(pod, uid: uid, key: key, state: state)
        await writeStatus(pod, uid: uid, key: key, state: started ? runtime.state(uid: uid) : state)
    }

    func sandboxSpec(_ pod: JSON, uid: String) -> PodSandboxSpec {
        let name = pod[path: ["metadata", "name"]]?.string ?? ""
        return PodSandboxSpec(
            uid: uid, name: name, namespace: pod[path: ["metadata", "namespace"]]?.string ?? "default",
            hostname: pod[path: ["spec", "hostname"]]?.string ?? name,
            hostNetwork: pod[path: ["spec", "hostNetwork"]]?.bool == true,
            hostIPC: pod[path: ["spec", "hostIPC"]]?.bool == true,
            nodeNetwork: runtime.network?.namespacePath)
    }

    /// Starts what should run and may; true when anything was started.
    func startContainers(_ pod: JSON, uid: String, key: String, state: PodState) async -> Bool {
        var started = false
        let records = Dictionary(state.containers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let policy = pod[path: ["spec", "restartPolicy"]]?.string ?? "Always"
        var volumes: [String: MountSource]?
        for container in pod[path: ["spec", "containers"]]?.array ?? [] {
            let name = container["name"]?.string ?? ""
            let record = records[name]
            if let record {
                if record.running { continue }
                let failed = record.exitCode != 0
                guard policy == "Always" || (policy == "OnFailure" && failed) else { continue }
            }
            let attempt = (record?.attempt ?? 0) + 1
            // Back-off after an exit: 10 s doubling to 300 s, counted from the exit (kubelet's).
            if let record, let finished = record.finishedAt {
                let readyAt = finished + Self.nanoseconds(backoff(restarts: record.attempt))
                let now = Timestamp.now()
                if now < readyAt {
                    waiting[uid, default: [:]][name] = (
                        "CrashLoopBackOff", "back-off restarting failed container \(name) in pod \(key)"
                    )
                    requeue(key, after: .nanoseconds(readyAt - now))
                    continue
                }
            }
            // After a failed start (no image, missing ConfigMap): retry with the same back-off.
            if let after = nextAttempt[uid]?[name], ContinuousClock.now < after {
                requeue(key, after: after - ContinuousClock.now)
                continue
            }
            do throws(ContainerStartError) {
                if volumes == nil {
                    volumes = try await PodVolumes(
                        podDirectory: runtime.directory(uid: uid).path, client: client, pod: pod
                    ).prepare()
                }
                let builder = ContainerBuilder(
                    configuration: configuration, images: images, client: client, pod: pod, volumes: volumes ?? [:],
                    podIP: podIPs[uid] ?? "", hostIP: hostIP)
                var spec = try await builder.build(container, attempt: attempt)
                do {
                    spec.cgroup = try runtime.cgroups.prepareContainer(container, name: name, uid: uid)
                    _ = try runtime.start(uid: uid, container: spec)
                    started = true
                } catch {
                    throw ContainerStartError(reason: "CreateContainerError", message: "\(error)")
                }
                waiting[uid]?[name] = nil
                nextAttempt[uid]?[name] = nil
                startFailures[uid]?[name] = nil
            } catch {
                waiting[uid, default: [:]][name] = (error.reason, error.message)
                let failures = (startFailures[uid]?[name] ?? 0) + 1
                startFailures[uid, default: [:]][name] = failures
                let delay = backoff(restarts: failures)
                nextAttempt[uid, default: [:]][name] = ContinuousClock.now + delay
                requeue(key, after: delay)
            }
        }
        return started
    }

    /// The wait before start number `restarts + 1`: none for the first start.
    func backoff(restarts: Int) -> Duration {
        guard restarts > 0 else { return .zero }
        var delay = configuration.backoffInitial
        for _ in 1..<restarts where delay < configuration.backoffMax { delay *= 2 }
        return min(delay, configuration.backoffMax)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    func writeStatus(_ pod: JSON, uid: String, key: String, state: PodState?) async {
        for record in state?.containers ?? [] where !record.running {
            let run = "\(record.name)/\(record.attempt)"
            guard oomChecked[uid]?.contains(run) != true else { continue }
            oomChecked[uid, default: []].insert(run)
            if runtime.cgroups.oomKilled(name: record.name, uid: uid) { oomKilled[uid, default: []].insert(run) }
        }
        let status = PodStatusBuilder(
            pod: pod, state: state, waiting: waiting[uid] ?? [:], oomKilled: oomKilled[uid] ?? [], hostIP: hostIP,
            podIP: podIPs[uid]
        ).build()
        guard status != lastStatus[uid] else { return }
        let name = pod[path: ["metadata", "name"]]?.string ?? ""
        do {
            _ = try await client.patch(
                Resources.pods, namespace: pod[path: ["metadata", "namespace"]]?.string, name: name,
                patch: ["status": status], subresource: "status")
            lastStatus[uid] = status
        } catch {
            logger.debug("cannot write pod status", metadata: ["pod": "\(key)", "error": "\(error)"])
            requeue(key, after: .milliseconds(200))
        }
    }

    /// Graceful deletion: SIGTERM once, then kill when all exited or the grace period is over;
    /// finally the agent confirms the deletion (grace period 0, the pod's uid as precondition).
    func terminate(_ pod: JSON, uid: String, key: String) async {
        let grace =
            pod[path: ["metadata", "deletionGracePeriodSeconds"]]?.int
            ?? pod[path: ["spec", "terminationGracePeriodSeconds"]]?.int ?? 30
        let state = runtime.state(uid: uid)
        let running = state?.containers.filter(\.running) ?? []
        if deadlines[uid] == nil {
            deadlines[uid] = ContinuousClock.now + .seconds(grace)
            for record in running { runtime.signal(uid: uid, container: record.name, signal: SIGTERM) }
        }
        if !running.isEmpty, let deadline = deadlines[uid], ContinuousClock.now < deadline {
            requeue(key, after: .milliseconds(100))
            return
        }
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
        forget(uid)
    }

    func forget(_ uid: String) {
        runtime.remove(uid: uid)
        waiting[uid] = nil
        nextAttempt[uid] = nil
        startFailures[uid] = nil
        oomKilled[uid] = nil
        oomChecked[uid] = nil
        deadlines[uid] = nil
        lastStatus[uid] = nil
        podIPs[uid] = nil
    }

    nonisolated func requeue(_ key: String, after delay: Duration) {
        let queue = self.queue
        Task {
            try? await Task.sleep(for: max(delay, .milliseconds(10)))
            await queue.add(key)
        }
    }
}
