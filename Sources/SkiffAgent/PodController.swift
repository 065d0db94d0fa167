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
    let seccomp = SeccompPrograms()
    let logger: Logger
    let hostIP: String

    /// key → uid of pods seen, so a pod that vanished from the API can still be removed here.
    var uids: [String: String] = [:]
    /// Start problems per pod uid and container, shown as `waiting` until the next attempt.
    var waiting: [String: [String: (reason: String, message: String)]] = [:]
    var nextAttempt: [String: [String: ContinuousClock.Instant]] = [:]
    var startFailures: [String: [String: Int]] = [:]
    /// When each pod being deleted is out of grace, and each run being stopped (by deletion, a
    /// failed probe or hook); runs whose cgroup was killed at that point.
    var podDeadlines: [String: ContinuousClock.Instant] = [:]
    var stopDeadlines: [ContainerRun: ContinuousClock.Instant] = [:]
    var killed: Set<ContainerRun> = []
    /// Runs whose postStart hook has not finished: not started yet, and nothing after them starts.
    var postStartPending: Set<ContainerRun> = []
    let runner: ActionRunner
    let probes: ProbeWorkers
    let events: EventRecorder
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
        runner = ActionRunner(initPath: configuration.initPath, nodeNetwork: runtime.network?.namespacePath)
        events = EventRecorder(client: client, component: "kubelet", host: configuration.nodeName, logger: logger)
        probes = ProbeWorkers(runner: runner, events: events, logger: logger) { [queue] key in
            Task { await queue.add(key) }
        }
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
            var sandbox = sandboxSpec(pod, uid: uid)
            if pod[path: ["spec", "hostUsers"]]?.bool == false {
                sandbox.userNamespace = try UserNamespaceRanges(runtime: runtime).range(for: uid)
            }
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
        if stopSidecarsOfFinishedPod(pod, uid: uid, key: key, state: state) {
            supervise(pod, uid: uid, key: key, state: state)
            await writeStatus(pod, uid: uid, key: key, state: state)
            return
        }
        // One control-socket round trip per sync when nothing changes (the periodic resync of every
        // pod), a second only after starting something.
        let started = await startContainers(pod, uid: uid, key: key, state: state)
        let current = started ? runtime.state(uid: uid) : state
        if let current { supervise(pod, uid: uid, key: key, state: current) }
        await writeStatus(pod, uid: uid, key: key, state: current)
    }

    func sandboxSpec(_ pod: JSON, uid: String) -> PodSandboxSpec {
        let name = pod[path: ["metadata", "name"]]?.string ?? ""
        return PodSandboxSpec(
            uid: uid, name: name, namespace: pod[path: ["metadata", "namespace"]]?.string ?? "default",
            hostname: pod[path: ["spec", "hostname"]]?.string ?? name,
            hostNetwork: pod[path: ["spec", "hostNetwork"]]?.bool == true,
            hostIPC: pod[path: ["spec", "hostIPC"]]?.bool == true,
            hostPID: pod[path: ["spec", "hostPID"]]?.bool == true,
            shareProcessNamespace: pod[path: ["spec", "shareProcessNamespace"]]?.bool == true,
            nodeNetwork: runtime.network?.namespacePath, notifySocket: configuration.notifySocketPath)
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
        var started: Set<String> = []
        var ready: Set<String> = []
        for record in state?.containers ?? [] where record.running {
            let run = ContainerRun(uid: uid, container: record.name, attempt: record.attempt)
            if isStarted(run) { started.insert(record.name) }
            if isStarted(run) && probes.ready(run) { ready.insert(record.name) }
        }
        let records = Dictionary((state?.containers ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let status = PodStatusBuilder(
            pod: pod, state: state, waiting: waiting[uid] ?? [:], oomKilled: oomKilled[uid] ?? [], hostIP: hostIP,
            podIP: podIPs[uid], started: started, ready: ready,
            initialized: initialized(pod, uid: uid, records: records)
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

    func forget(_ uid: String, removed: Bool = false) {
        if !removed { runtime.remove(uid: uid) }
        waiting[uid] = nil
        nextAttempt[uid] = nil
        startFailures[uid] = nil
        oomKilled[uid] = nil
        oomChecked[uid] = nil
        podDeadlines[uid] = nil
        Task { [events] in await events.forget(uid: uid) }
        probes.retain(uid: uid, running: [])
        stopDeadlines = stopDeadlines.filter { $0.key.uid != uid }
        killed = killed.filter { $0.uid != uid }
        postStartPending = postStartPending.filter { $0.uid != uid }
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
