import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// Runs a StatefulSet's pods with stable identities (`StatefulSetPlan`): each ordinal's pod
/// keeps its name, hostname (`web-0`, under `spec.serviceName`) and claims — one
/// PersistentVolumeClaim per `volumeClaimTemplates` entry and ordinal (`data-web-0`), made
/// before the pod and kept when it goes, so a replaced `web-0` finds its data again.
actor StatefulSetController: PodOwningController {
    static let workers = 2
    static let apiVersion = "apps/v1"
    static let podNameLabel = "statefulset.kubernetes.io/pod-name"
    static let podIndexLabel = "apps.kubernetes.io/pod-index"

    let client: APIClient
    let sets: Informer
    let pods: Informer
    let claims: Informer
    let events: EventRecorder
    let logger: Logger
    let queue = WorkQueue()

    var ownerInformer: Informer { sets }
    var podOwners = DependentOwners(ownerKind: "StatefulSet")

    init(client: APIClient, informers: SharedInformers, logger: Logger) async {
        self.client = client
        self.logger = logger
        sets = await informers.informer(Resources.statefulSets)
        pods = await informers.informer(Resources.pods)
        claims = await informers.informer(Resources.persistentVolumeClaims)
        events = EventRecorder(client: client, component: "statefulset-controller", logger: logger)
        await sets.feed(queue)
        await pods.addHandler { [weak self] key in await self?.podChanged(key) }
    }

    func run() async {
        let workers = ControllerWorkers(name: "StatefulSet", queue: queue, workers: Self.workers, logger: logger)
        await workers.run(waitingFor: [self.sets, self.pods, self.claims]) { key in try await self.reconcile(key) }
    }

    func reconcile(_ key: String) async throws -> Duration? {
        guard let set = await sets.get(key) else { return nil }
        let namespace = set[path: ["metadata", "namespace"]]?.string ?? "default"
        let spec = StatefulSetPlan.Spec(set)
        let me = ControllerRef.Owner(
            apiVersion: Self.apiVersion, kind: "StatefulSet", name: spec.name,
            uid: set[path: ["metadata", "uid"]]?.string ?? "")
        let deleting = PodFacts.isDeleting(set)
        // Only pods named for an ordinal of this set can be its own.
        let candidates = await pods.list().filter {
            $0[path: ["metadata", "namespace"]]?.string == namespace && spec.ordinal(of: $0) != nil
        }
        let owned = try await ControllerClaims.claim(
            candidates, Resources.pods, selector: ReplicaKind.specSelector(set), owner: me, adopting: !deleting,
            adoptable: PodFacts.isActive, client: client)
        var byOrdinal: [Int: JSON] = [:]
        for pod in owned { if let ordinal = spec.ordinal(of: pod) { byOrdinal[ordinal] = pod } }
        let updateRevision = Self.revision(set)
        let plan = StatefulSetPlan(spec, pods: byOrdinal, revision: Self.revision(of:), updateRevision: updateRevision)
        if !deleting {
            for ordinal in plan.create { try await createPod(set, ordinal: ordinal, me: me, revision: updateRevision) }
            for podName in plan.delete { try await deletePod(set, namespace: namespace, name: podName) }
        }
        try await updateStatus(set, pods: Array(byOrdinal.values), spec: spec, updateRevision: updateRevision)
        // Ready pods become available after minReadySeconds: look again then.
        let minReady = set[path: ["spec", "minReadySeconds"]]?.int ?? 0
        return minReady > 0 ? .seconds(minReady) : nil
    }

    /// The revision of the set's template: `NAME-HASH`, as `controller-revision-hash` names it.
    static func revision(_ set: JSON) -> String {
        (set[path: ["metadata", "name"]]?.string ?? "") + "-"
            + PodTemplateHash.hash(set[path: ["spec", "template"]] ?? .null)
    }

    static func revision(of pod: JSON) -> String? {
        pod[path: ["metadata", "labels", DaemonSetPlan.hashLabel]]?.string
    }

    func post(_ set: JSON, _ type: EventRecorder.Kind, _ reason: String, _ message: String) {
        events.post(set, kind: "StatefulSet", apiVersion: Self.apiVersion, type, reason, message)
    }
}
