import Logging
import SkiffAPI
import SkiffClient
import SkiffLinux
import Synchronization

/// One run of one container of a pod.
struct ContainerRun: Hashable, Sendable {
    var uid: String
    var container: String
    var attempt: Int
}

/// The probes of every running container on this node: a task per probe per run, as kubelet's
/// probe workers, and each one's verdict, readable without awaiting (the status builder asks on
/// every sync). A verdict that changes requeues the pod.
final class ProbeWorkers: Sendable {
    enum Verdict: Sendable { case unknown, success, failure }

    /// A run's probe tasks and verdicts.
    private struct Workers {
        var tasks: [Task<Void, Never>] = []
        var verdicts: [Probe.Kind: Verdict] = [:]
    }
    /// Grouped by pod uid: `retain` runs on every sync of a pod and looks at that pod's runs only.
    private struct Table {
        var pods: [String: [ContainerRun: Workers]] = [:]
        subscript(run: ContainerRun) -> Workers? {
            get { pods[run.uid]?[run] }
            set { pods[run.uid, default: [:]][run] = newValue }
        }
    }
    private let table = Mutex(Table())
    let runner: ActionRunner
    let events: EventRecorder
    let logger: Logger
    /// Requeues the pod with this key.
    let changed: @Sendable (String) -> Void

    init(runner: ActionRunner, events: EventRecorder, logger: Logger, changed: @escaping @Sendable (String) -> Void) {
        self.runner = runner
        self.events = events
        self.logger = logger
        self.changed = changed
    }

    /// The verdict of one probe: nil when the run has none, `.unknown` until its threshold is met.
    func verdict(_ run: ContainerRun, _ kind: Probe.Kind) -> Verdict? { table.withLock { $0[run]?.verdicts[kind] } }

    /// Started: no startup probe, or it has succeeded. Liveness and readiness wait for it.
    func started(_ run: ContainerRun) -> Bool { (verdict(run, .startup) ?? .success) == .success }

    /// Ready: started, and no readiness probe or it has succeeded.
    func ready(_ run: ContainerRun) -> Bool { started(run) && (verdict(run, .readiness) ?? .success) == .success }

    /// The probe that has failed its threshold and so asks for this run to be killed.
    func failed(_ run: ContainerRun) -> Probe.Kind? {
        [Probe.Kind.startup, .liveness].first { verdict(run, $0) == .failure }
    }

    /// Starts the probes of a running container's run, once.
    /// Called on every sync: a run seen before (with probes or without) costs one lookup.
    func ensure(_ run: ContainerRun, pod: JSON, podKey: String, container: JSON, target: ActionTarget) {
        if table.withLock({ $0[run] != nil }) { return }
        let probes = Probe.Kind.allCases.compactMap { kind in Probe(kind, container: container).map { (kind, $0) } }
        table.withLock { table in
            // None: remembered all the same, so the next sync need not look again.
            guard table[run] == nil else { return }
            table[run] = Workers(
                tasks: probes.map { kind, probe in
                    Task { await self.probe(run, kind, probe, pod: pod, podKey: podKey, target: target) }
                },
                verdicts: Dictionary(uniqueKeysWithValues: probes.map { ($0.0, Verdict.unknown) }))
        }
    }

    /// Stops the probes of the pod's runs that are not in `running` (they ended or were replaced).
    func retain(uid: String, running: Set<ContainerRun>) {
        table.withLock { table in
            guard let runs = table.pods[uid] else { return }
            for (run, workers) in runs where !running.contains(run) {
                workers.tasks.forEach { $0.cancel() }
                table.pods[uid]?[run] = nil
            }
            if table.pods[uid]?.isEmpty == true { table.pods[uid] = nil }
        }
    }

    /// kubelet's worker: wait out the initial delay, then probe every period; a verdict changes
    /// after `successThreshold` successes or `failureThreshold` failures in a row. Liveness and
    /// readiness wait while a startup probe has not succeeded; a startup probe stops once it has.
    func probe(_ run: ContainerRun, _ kind: Probe.Kind, _ probe: Probe, pod: JSON, podKey: String, target: ActionTarget)
        async
    {
        try? await Task.sleep(for: probe.initialDelay)
        var successes = 0
        var failures = 0
        while !Task.isCancelled {
            if kind == .startup || started(run) {
                let outcome = await runner.run(probe.action, on: target, timeout: probe.timeout)
                if Task.isCancelled { return }
                switch outcome {
                case .success:
                    successes += 1
                    failures = 0
                    if successes >= probe.successThreshold { record(run, kind, .success, podKey: podKey) }
                case .failure(let message):
                    failures += 1
                    successes = 0
                    logger.info(
                        "\(kind.title) probe failed",
                        metadata: ["pod": "\(podKey)", "container": "\(run.container)", "message": "\(message)"])
                    events.post(
                        pod, container: run.container, .warning, "Unhealthy", "\(kind.title) probe failed: \(message)")
                    if failures >= probe.failureThreshold { record(run, kind, .failure, podKey: podKey) }
                }
                let verdict = self.verdict(run, kind)
                if kind == .startup && verdict == .success { return }
                if kind != .readiness && verdict == .failure { return }  // the run is killed; the next has new workers
            }
            try? await Task.sleep(for: probe.period)
        }
    }

    private func record(_ run: ContainerRun, _ kind: Probe.Kind, _ verdict: Verdict, podKey: String) {
        let changed = table.withLock { table -> Bool in
            guard let current = table[run]?.verdicts[kind], current != verdict else { return false }
            table[run]?.verdicts[kind] = verdict
            return true
        }
        if changed { self.changed(podKey) }
    }
}
