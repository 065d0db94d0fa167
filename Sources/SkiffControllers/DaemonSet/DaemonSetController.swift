import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// Keeps one pod of a DaemonSet on every node that should run it (`DaemonNodes`): pods follow
/// nodes that join, leave or change labels and taints; each pod is pinned to its node by
/// required affinity and placed by the scheduler; a RollingUpdate replaces the pods of an old
/// template node by node (`DaemonSetPlan`); status counts what `kubectl rollout status` reads.
actor DaemonSetController: PodOwningController {
    static let workers = 2
    static let apiVersion = "apps/v1"
    static let generationLabel = "pod-template-generation"

    let client: APIClient
    let daemonSets: Informer
    let pods: Informer
    let nodes: Informer
    let events: EventRecorder
    let logger: Logger
    let queue = WorkQueue()

    var ownerInformer: Informer { daemonSets }
    var expectations = ReplicaExpectations()
    var podOwners = DependentOwners(ownerKind: "DaemonSet")

    init(client: APIClient, informers: SharedInformers, logger: Logger) async {
        self.client = client
        self.logger = logger
        daemonSets = await informers.informer(Resources.daemonSets)
        pods = await informers.informer(Resources.pods)
        nodes = await informers.informer(Resources.nodes)
        events = EventRecorder(client: client, component: "daemonset-controller", logger: logger)
        await daemonSets.feed(queue)
        await pods.addHandler { [weak self] key in await self?.podChanged(key) }
        await nodes.addHandler { [weak self] _ in await self?.nodeChanged() }
    }

    func run() async {
        let workers = ControllerWorkers(name: "DaemonSet", queue: queue, workers: Self.workers, logger: logger)
        await workers.run(waitingFor: [self.daemonSets, self.pods, self.nodes]) { key in try await self.reconcile(key) }
    }

    /// Any node change may add or remove a daemon pod anywhere.
    func nodeChanged() async {
        let keys = await daemonSets.list().map {
            ($0[path: ["metadata", "namespace"]]?.string ?? "") + "/" + ($0[path: ["metadata", "name"]]?.string ?? "")
        }
        await queue.add(contentsOf: keys)
    }

    func reconcile(_ key: String) async throws -> Duration? {
        guard let daemonSet = await daemonSets.get(key) else {
            expectations.forget(key)
            return nil
        }
        let namespace = daemonSet[path: ["metadata", "namespace"]]?.string ?? "default"
        let me = ControllerRef.Owner(
            apiVersion: Self.apiVersion, kind: "DaemonSet", name: daemonSet[path: ["metadata", "name"]]?.string ?? "",
            uid: daemonSet[path: ["metadata", "uid"]]?.string ?? "")
        let deleting = PodFacts.isDeleting(daemonSet)
        let candidates = await pods.list().filter { $0[path: ["metadata", "namespace"]]?.string == namespace }
        let owned = try await ControllerClaims.claim(
            candidates, Resources.pods, selector: ReplicaKind.specSelector(daemonSet), owner: me, adopting: !deleting,
            adoptable: PodFacts.isActive, client: client)
        let names = { (pods: [JSON]) in Set(pods.compactMap { $0[path: ["metadata", "name"]]?.string }) }
        let pending = expectations.settle(key, seen: names(owned), active: names(owned.filter(PodFacts.isActive)))
        let hash = PodTemplateHash.hash(daemonSet[path: ["spec", "template"]] ?? .null)
        let nodeProfiles = await nodes.list().map(NodeSchedulingProfile.init)
        let profile = PodSchedulingProfile(["spec": DaemonNodes.podSpec(daemonSet)])
        let minReady = Int(daemonSet[path: ["spec", "minReadySeconds"]]?.int ?? 0)
        var plan = DaemonSetPlan(
            nodes: nodeProfiles, profile: profile, pods: owned, hash: hash, rolling: nil, now: Date())
        if daemonSet[path: ["spec", "updateStrategy", "type"]]?.string ?? "RollingUpdate" == "RollingUpdate" {
            let maxUnavailable = Self.maxUnavailable(daemonSet, desired: plan.desired)
            plan = DaemonSetPlan(
                nodes: nodeProfiles, profile: profile, pods: owned, hash: hash,
                rolling: .init(maxUnavailable: maxUnavailable, minReadySeconds: minReady), now: Date())
        }
        var failure: SkiffError?
        if !deleting, pending.creating == 0 {
            for (node, pod) in plan.failed {
                post(
                    daemonSet, .warning, "FailedDaemonPod",
                    "Found failed daemon pod \(namespace)/\(pod[path: ["metadata", "name"]]?.string ?? "") on node \(node), will try to kill it"
                )
            }
            failure = await createPods(plan.create, daemonSet, key: key, me: me, hash: hash)
            await deletePods(
                plan.delete.filter { !pending.deleting.contains($0[path: ["metadata", "name"]]?.string ?? "") },
                daemonSet, key: key)
        }
        try await updateStatus(daemonSet, plan: plan, hash: hash, minReadySeconds: minReady)
        if let failure { throw failure }
        // Failed pods come back after their deletion is seen; minReadySeconds needs a look later.
        return minReady > 0 ? .seconds(minReady) : nil
    }

    /// `maxUnavailable`: a count, or a percentage of the nodes that should run a pod (rounded
    /// up); at least 1, so a rollout always moves.
    static func maxUnavailable(_ daemonSet: JSON, desired: Int) -> Int {
        let value = daemonSet[path: ["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"]]
        return max(1, RolloutPlan.resolve(value, of: desired, roundUp: true, default: "1"))
    }

    func post(_ daemonSet: JSON, _ type: EventRecorder.Kind, _ reason: String, _ message: String) {
        events.post(daemonSet, kind: "DaemonSet", apiVersion: Self.apiVersion, type, reason, message)
    }
}
