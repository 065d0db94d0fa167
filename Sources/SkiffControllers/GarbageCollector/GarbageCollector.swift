import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// Kubernetes' garbage collector for the kinds Skiff's controllers own: an object whose owners
/// are all gone is deleted (Background); an owner deleted with `foregroundDeletion` keeps its
/// finalizer until the dependents that block it are gone; one deleted with `orphan` has its
/// dependents' references to it removed first. An owner missing from the caches is looked up
/// live before anything is deleted, so a dependent seen before its owner is never collected.
actor GarbageCollector {
    /// The kinds watched: owners and dependents both.
    static let watched: [ResourceInfo] = [
        Resources.pods, Resources.replicaSets, Resources.replicationControllers, Resources.deployments,
        Resources.jobs, Resources.cronJobs, Resources.daemonSets, Resources.statefulSets,
    ]

    let client: APIClient
    let logger: Logger
    var informers: [String: Informer] = [:]
    var graph = OwnershipGraph()
    let queue = WorkQueue()

    init(client: APIClient, informers shared: SharedInformers, logger: Logger) async {
        self.client = client
        self.logger = logger
        for info in Self.watched {
            let informer = await shared.informer(info)
            let prefix = info.group + "/" + info.resource
            informers[prefix] = informer
            await informer.addHandler { [weak self] key in
                await self?.changed(OwnershipGraph.item(info, key: key), informer)
            }
        }
    }

    func run() async {
        let all = Array(informers.values)
        let workers = ControllerWorkers(name: "garbage collector", queue: queue, workers: 2, logger: logger)
        await workers.run(after: { for informer in all { await informer.waitForSync() } }) { item in
            try await self.process(item)
            return nil
        }
    }

    func changed(_ item: OwnershipGraph.Item, _ informer: Informer) async {
        let object = await informer.get(OwnershipGraph.split(item).key)
        let uid = graph.update(item, object) ?? object?[path: ["metadata", "uid"]]?.string
        await queue.add(item)
        // An owner gone or going: its dependents are looked at again.
        if let uid, object == nil || PodFacts.isDeleting(object!) {
            for dependent in graph.dependents(of: uid) { await queue.add(dependent) }
        }
    }

    func object(_ item: OwnershipGraph.Item) async -> JSON? {
        let (resource, key) = OwnershipGraph.split(item)
        return await informers[resource]?.get(key)
    }

    func info(_ item: OwnershipGraph.Item) -> ResourceInfo? {
        let resource = OwnershipGraph.split(item).resource
        return Self.watched.first { $0.group + "/" + $0.resource == resource }
    }

    func process(_ item: OwnershipGraph.Item) async throws {
        guard let object = await object(item), let info = info(item) else { return }
        let finalizers = (object[path: ["metadata", "finalizers"]]?.array ?? []).compactMap(\.string)
        if PodFacts.isDeleting(object) {
            if finalizers.contains("orphan") { try await orphanDependents(object, info) }
            if finalizers.contains("foregroundDeletion") { try await deleteDependentsFirst(object, info) }
        }
        try await collectIfOwnersGone(object, info)
    }
}
