import Foundation
import Logging
import ServiceLifecycle
import SkiffAPI
import SkiffClient

/// The scheduler: informers on pods and nodes keep a `SchedulingCache`; each pending pod
/// (no node, `schedulerName` default-scheduler) is placed by the filters and scores and bound
/// through `POST …/pods/NAME/binding`. A pod that fits nowhere stays Pending with a
/// `FailedScheduling` event and a PodScheduled=False condition that say why, per node, and
/// is tried again when a node or a placed pod changes (and every minute besides).
///
/// Binds run concurrently (up to `maxBinds`); the pod counts on its node from the decision on
/// ("assumed"), so the next decision already sees it.
public actor Scheduler {
    public static let defaultName = "default-scheduler"
    static let maxBinds = 32
    static let retryEvery: Duration = .seconds(60)

    let client: APIClient
    let pods: Informer
    let nodes: Informer
    let claims: Informer
    let volumes: Informer
    let events: EventRecorder
    let logger: Logger
    let queue = WorkQueue()
    var cache = SchedulingCache()
    /// Pods bound by this scheduler whose binding the watch has not brought back yet.
    var assumed: Set<String> = []
    /// Pods that fit nowhere, with the message last reported for each and when.
    var waiting: [String: (message: String, at: ContinuousClock.Instant)] = [:]
    var bindsInFlight = 0
    var bindSlotWaiters: [CheckedContinuation<Void, Never>] = []

    init(client: APIClient, informers: SharedInformers, logger: Logger) async {
        self.client = client
        self.logger = logger
        pods = await informers.informer(Resources.pods)
        nodes = await informers.informer(Resources.nodes)
        claims = await informers.informer(Resources.persistentVolumeClaims)
        volumes = await informers.informer(Resources.persistentVolumes)
        events = EventRecorder(client: client, component: Self.defaultName, logger: logger)
        await nodes.addHandler { [weak self] key in await self?.nodeChanged(key) }
        // A claim or volume that appears or binds may let a waiting pod go.
        await claims.addHandler { [weak self] _ in await self?.retryWaiting() }
        await volumes.addHandler { [weak self] _ in await self?.retryWaiting() }
        await pods.addHandler { [weak self] key in await self?.podChanged(key) }
    }

    /// Until cancelled (the informers run elsewhere).
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.retryPeriodically() }
            group.addTask {
                // One pod at a time: each decision must see the one before.
                let workers = ControllerWorkers(name: "scheduler", queue: self.queue, workers: 1, logger: self.logger)
                await workers.run(waitingFor: [self.nodes, self.claims, self.volumes]) { key in
                    await self.scheduleOne(key)
                    return nil
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    func retryPeriodically() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.retryEvery)
            retryWaiting()
        }
    }

    func retryWaiting() {
        guard !waiting.isEmpty else { return }
        let keys = Array(waiting.keys)
        let queue = self.queue
        Task { await queue.add(contentsOf: keys) }
    }

    func nodeChanged(_ key: String) async {
        // Heartbeats change a node's status often; only what scheduling reads matters.
        let before = cache.nodes[key]
        if let node = await nodes.get(key) {
            cache.setNode(NodeSchedulingProfile(node))
        } else {
            cache.removeNode(named: key)
        }
        if cache.nodes[key] != before { retryWaiting() }
    }

    func podChanged(_ key: String) async {
        guard let object = await pods.get(key) else {
            forget(key)
            return
        }
        let pod = PodSchedulingProfile(object)
        if pod.isPending {
            if !assumed.contains(key) { await queue.add(key) }
            return
        }
        assumed.remove(key)
        waiting[key] = nil
        let before = cache.pod(key: key)
        cache.setPod(pod)
        // Room freed (or a pod others may need to be near) arrived: the waiting try again.
        if !waiting.isEmpty, before?.nodeName != cache.pod(key: key)?.nodeName { retryWaiting() }
    }

    func forget(_ key: String) {
        let wasPlaced = cache.pod(key: key) != nil
        cache.removePod(key: key)
        assumed.remove(key)
        waiting[key] = nil
        if wasPlaced { retryWaiting() }
    }

    func scheduleOne(_ key: String) async {
        guard let object = await pods.get(key), !assumed.contains(key) else { return }
        var pod = PodSchedulingProfile(object)
        guard pod.isPending else { return }
        var toProvision: [JSON] = []
        var placement: Placement
        let volumes = pod.claimNames.isEmpty ? VolumePlan.ready(terms: [], toProvision: []) : await volumePlan(pod)
        switch volumes {
        case .waiting(let reason):
            placement = .unschedulable("0/\(cache.nodes.count) nodes are available: \(reason).")
        case .ready(let terms, let provision):
            pod.volumeNodeTerms = terms
            toProvision = provision
            placement = cache.place(pod)
        }
        switch placement {
        case .node(let node):
            waiting[key] = nil
            pod.nodeName = node
            cache.setPod(pod)
            assumed.insert(key)
            await acquireBindSlot()
            Task { await self.bind(object, pod, provisioning: toProvision) }
        case .unschedulable(let message):
            // Every cluster change retries every waiting pod: the same verdict is reported again
            // only after a while (client-go's event spam filter does the same).
            let now = ContinuousClock.now
            let previous = waiting[key]
            guard previous?.message != message || now - (previous?.at ?? now) >= Self.retryEvery else { return }
            waiting[key] = (message, now)
            events.post(object, kind: "Pod", apiVersion: "v1", .warning, "FailedScheduling", message)
            if previous?.message != message { await reportUnschedulable(object, message) }
        }
    }

    func bind(_ object: JSON, _ pod: PodSchedulingProfile, provisioning claims: [JSON] = []) async {
        defer { releaseBindSlot() }
        guard await selectNode(pod.nodeName, for: claims) else {
            assumed.remove(pod.key)
            cache.removePod(key: pod.key)
            await queue.retry(pod.key)
            return
        }
        let binding: JSON = [
            "apiVersion": "v1", "kind": "Binding",
            "metadata": ["name": .string(pod.name), "namespace": .string(pod.namespace)],
            "target": ["apiVersion": "v1", "kind": "Node", "name": .string(pod.nodeName)],
        ]
        do {
            try await client.send(
                "POST", "/api/v1/namespaces/\(pod.namespace)/pods/\(pod.name)/binding", body: binding)
            await queue.forget(pod.key)
            events.post(
                object, kind: "Pod", apiVersion: "v1", .normal, "Scheduled",
                "Successfully assigned \(pod.key) to \(pod.nodeName)")
        } catch {
            // The room it held is free again; unless the pod is bound or gone (a conflict), it
            // is tried again after a back-off.
            guard assumed.remove(pod.key) != nil else { return }
            cache.removePod(key: pod.key)
            logger.debug("cannot bind pod", metadata: ["pod": "\(pod.key)", "error": "\(error)"])
            if error.code != .conflict && error.code != .notFound { await queue.retry(pod.key) }
        }
    }

    /// PodScheduled=False, reason Unschedulable, as `kubectl describe` and `get` show it.
    func reportUnschedulable(_ object: JSON, _ message: String) async {
        let pod = PodSchedulingProfile(object)
        let condition: JSON = [
            "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": .string(message),
            "lastProbeTime": nil, "lastTransitionTime": .string(RFC3339.format(Date())),
        ]
        do {
            _ = try await client.patch(
                Resources.pods, namespace: pod.namespace, name: pod.name,
                patch: ["status": ["conditions": [condition]]], type: "application/strategic-merge-patch+json",
                subresource: "status")
        } catch {
            logger.debug("cannot set PodScheduled", metadata: ["pod": "\(pod.key)", "error": "\(error)"])
        }
    }

    func acquireBindSlot() async {
        if bindsInFlight < Self.maxBinds {
            bindsInFlight += 1
            return
        }
        await withCheckedContinuation { bindSlotWaiters.append($0) }
    }

    func releaseBindSlot() {
        if bindSlotWaiters.isEmpty {
            bindsInFlight -= 1
        } else {
            bindSlotWaiters.removeFirst().resume()  // the slot passes straight on
        }
    }
}
