import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// Deployments: one ReplicaSet per pod template (named by its `pod-template-hash`), the
/// current template's scaled up and the others down as the strategy says (RollingUpdate
/// within maxSurge and maxUnavailable, or Recreate), revisions in the
/// `deployment.kubernetes.io/revision` annotation so `kubectl rollout history` and `undo` work,
/// old ReplicaSets kept up to `revisionHistoryLimit`, and the status and conditions
/// `kubectl rollout status` reads.
actor DeploymentController {
    static let revision = "deployment.kubernetes.io/revision"
    static let workers = 4

    let client: APIClient
    let deployments: Informer
    let replicaSets: Informer
    let pods: Informer
    let events: EventRecorder
    let logger: Logger
    let queue = WorkQueue()
    var replicaSetOwners = DependentOwners(ownerKind: "Deployment")

    init(client: APIClient, informers: SharedInformers, logger: Logger) async {
        self.client = client
        self.logger = logger
        deployments = await informers.informer(Resources.deployments)
        replicaSets = await informers.informer(Resources.replicaSets)
        pods = await informers.informer(Resources.pods)
        events = EventRecorder(client: client, component: "deployment-controller", logger: logger)
        await deployments.feed(queue)
        await replicaSets.addHandler { [weak self] key in await self?.replicaSetChanged(key) }
        await pods.addHandler { [weak self] key in await self?.podChanged(key) }
    }

    func run() async {
        let workers = ControllerWorkers(name: "Deployment", queue: queue, workers: Self.workers, logger: logger)
        await workers.run(waitingFor: [self.deployments, self.replicaSets]) { key in try await self.reconcile(key) }
    }

    func replicaSetChanged(_ key: String) async {
        let rs = await replicaSets.get(key)
        let candidates = DependentOwners.isOrphan(rs) ? await deployments.list() : []
        for target in replicaSetOwners.targets(for: key, rs, candidates: candidates, selector: Self.selector) {
            await queue.add(target)
        }
    }

    /// Recreate waits for the old pods to be gone: their changes wake the Deployment.
    func podChanged(_ key: String) async {
        guard let pod = await pods.get(key), let ref = ControllerRef.of(pod), ref.kind == "ReplicaSet" else { return }
        let namespace = pod[path: ["metadata", "namespace"]]?.string ?? ""
        if let owner = replicaSetOwners.owner(of: namespace + "/" + ref.name) { await queue.add(owner) }
    }

    static func selector(_ deployment: JSON) -> LabelSelector { ReplicaKind.specSelector(deployment) }

    static func revision(_ rs: JSON) -> Int64 {
        Int64(rs[path: ["metadata", "annotations", revision]]?.string ?? "") ?? 0
    }

    static func replicas(_ object: JSON) -> Int { Int(object[path: ["spec", "replicas"]]?.int ?? 1) }

    static func status(_ object: JSON, _ field: String) -> Int { Int(object[path: ["status", field]]?.int ?? 0) }

    static func name(_ object: JSON) -> String { object[path: ["metadata", "name"]]?.string ?? "" }
}
