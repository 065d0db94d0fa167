import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// Keeps `spec.replicas` pods matching a ReplicaSet's (or ReplicationController's) selector:
/// creates the missing ones from the template in slow-start batches (1, 2, 4, …, as
/// Kubernetes does, so a broken template fails once, not a hundred times), deletes the extra
/// ones in `PodRanking` order, adopts active orphans that match (their spec untouched),
/// releases pods whose labels stop matching, and reports replicas, ready and available counts.
actor ReplicaSetController: PodOwningController {
    static let workers = 4

    let kind: ReplicaKind
    let client: APIClient
    let owners: Informer
    let pods: Informer
    let events: EventRecorder
    let logger: Logger
    let queue = WorkQueue()

    var ownerInformer: Informer { owners }
    nonisolated func ownerSelector(_ owner: JSON) -> LabelSelector { kind.selector(owner) }
    var expectations = ReplicaExpectations()
    var podOwners: DependentOwners

    init(kind: ReplicaKind, client: APIClient, informers: SharedInformers, logger: Logger) async {
        self.kind = kind
        podOwners = DependentOwners(ownerKind: kind.kind)
        self.client = client
        self.logger = logger
        owners = await informers.informer(kind.info)
        pods = await informers.informer(Resources.pods)
        events = EventRecorder(client: client, component: "replicaset-controller", logger: logger)
        await owners.feed(queue)
        await pods.addHandler { [weak self] key in await self?.podChanged(key) }
    }

    func run() async {
        let workers = ControllerWorkers(name: kind.kind, queue: queue, workers: Self.workers, logger: logger)
        await workers.run(waitingFor: [self.owners, self.pods]) { key in try await self.reconcile(key) }
    }

    /// One owner: claim its pods, fix the count, report status. Returns when to look again
    /// (a ready pod that becomes available after minReadySeconds).
    func reconcile(_ key: String) async throws -> Duration? {
        guard let owner = await owners.get(key) else {
            expectations.forget(key)
            return nil
        }
        let namespace = owner[path: ["metadata", "namespace"]]?.string ?? "default"
        let name = owner[path: ["metadata", "name"]]?.string ?? ""
        let me = ControllerRef.Owner(
            apiVersion: kind.apiVersion, kind: kind.kind, name: name,
            uid: owner[path: ["metadata", "uid"]]?.string ?? "")
        let ownerDeleting = PodFacts.isDeleting(owner)
        let candidates = await pods.list().filter { $0[path: ["metadata", "namespace"]]?.string == namespace }
        let owned = try await ControllerClaims.claim(
            candidates, Resources.pods, selector: kind.selector(owner), owner: me, adopting: !ownerDeleting,
            adoptable: PodFacts.isActive, client: client)

        let names = { (pods: [JSON]) in Set(pods.compactMap { $0[path: ["metadata", "name"]]?.string }) }
        let active = owned.filter(PodFacts.isActive)
        let pending = expectations.settle(key, seen: names(owned), active: names(active))
        let replicas = active.filter { !pending.deleting.contains($0[path: ["metadata", "name"]]?.string ?? "") }
        var failure: (reason: String, message: String)?
        if !ownerDeleting {
            let wanted = Int(owner[path: ["spec", "replicas"]]?.int ?? 1)
            let diff = replicas.count + pending.creating - wanted
            if diff < 0 {
                failure = await createPods(-diff, owner, me, key: key, namespace: namespace)
            } else if diff > 0 {
                failure = await deletePods(Array(PodRanking.deletionOrder(replicas).prefix(diff)), owner, key: key)
            }
        }
        try await updateStatus(owner, replicas: replicas, failure: failure)
        if let failure { throw SkiffError(.internalError, failure.message) }  // retried after a back-off
        return nextAvailability(owner, replicas)
    }

    func createPods(_ count: Int, _ owner: JSON, _ me: ControllerRef.Owner, key: String, namespace: String) async
        -> (reason: String, message: String)?
    {
        let pod = PodTemplate.pod(
            from: owner[path: ["spec", "template"]], namePrefix: me.name + "-", namespace: namespace, owner: me)
        var remaining = count
        var batch = 1
        while remaining > 0 {
            let size = min(batch, remaining)
            let client = self.client
            let results = await withTaskGroup(of: Result<JSON, SkiffError>.self) { group in
                for _ in 0..<size {
                    group.addTask {
                        do throws(SkiffError) {
                            return .success(try await client.create(Resources.pods, namespace: namespace, object: pod))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                var all: [Result<JSON, SkiffError>] = []
                for await result in group { all.append(result) }
                return all
            }
            var firstError: SkiffError?
            for result in results {
                switch result {
                case .success(let created):
                    let podName = created[path: ["metadata", "name"]]?.string ?? ""
                    expectations.created(key, pod: podName)
                    events.post(
                        owner, kind: kind.kind, apiVersion: kind.apiVersion, .normal, "SuccessfulCreate",
                        "Created pod: \(podName)")
                case .failure(let error):
                    firstError = firstError ?? error
                }
            }
            if let firstError {
                let message = "Error creating: \(firstError.message)"
                events.post(owner, kind: kind.kind, apiVersion: kind.apiVersion, .warning, "FailedCreate", message)
                return ("FailedCreate", message)
            }
            remaining -= size
            batch *= 2
        }
        return nil
    }

    func deletePods(_ victims: [JSON], _ owner: JSON, key: String) async -> (reason: String, message: String)? {
        var failure: (reason: String, message: String)?
        for pod in victims {
            let podName = pod[path: ["metadata", "name"]]?.string ?? ""
            let namespace = pod[path: ["metadata", "namespace"]]?.string ?? "default"
            do throws(SkiffError) {
                try await client.delete(Resources.pods, namespace: namespace, name: podName)
                expectations.deleted(key, pod: podName)
                events.post(
                    owner, kind: kind.kind, apiVersion: kind.apiVersion, .normal, "SuccessfulDelete",
                    "Deleted pod: \(podName)")
            } catch  where error.code == .notFound {
                continue
            } catch {
                let message = "Error deleting: \(error.message)"
                events.post(owner, kind: kind.kind, apiVersion: kind.apiVersion, .warning, "FailedDelete", message)
                failure = ("FailedDelete", message)
            }
        }
        return failure
    }
}
