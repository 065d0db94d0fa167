import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// Keeps each ResourceQuota's `status` (`hard`, and `used` counted as admission counts it,
/// `QuotaUsage`), so `kubectl describe quota` shows where a namespace stands. Pods are read
/// from the shared cache and recounted when they change; other kinds are listed when their
/// quota is looked at, which happens on every change to it and every 10 s.
actor ResourceQuotaController {
    static let resync: Duration = .seconds(10)

    let client: APIClient
    let quotas: Informer
    let pods: Informer
    let logger: Logger
    let queue = WorkQueue()

    init(client: APIClient, informers: SharedInformers, logger: Logger) async {
        self.client = client
        self.logger = logger
        quotas = await informers.informer(Resources.resourceQuotas)
        pods = await informers.informer(Resources.pods)
        await quotas.feed(queue)
        await pods.addHandler { [weak self] key in await self?.podChanged(key) }
    }

    func run() async {
        let workers = ControllerWorkers(name: "resource quota", queue: queue, workers: 1, logger: logger)
        await workers.run(waitingFor: [self.quotas, self.pods]) { key in
            try await self.reconcile(key)
            return Self.resync
        }
    }

    /// A pod's namespace's quotas count again.
    func podChanged(_ key: String) async {
        let namespace = String(key.split(separator: "/").first ?? "")
        for quota in await quotas.list() where quota[path: ["metadata", "namespace"]]?.string == namespace {
            await queue.add(Informer.key(of: quota))
        }
    }

    func reconcile(_ key: String) async throws {
        guard let quota = await quotas.get(key) else { return }
        let namespace = quota[path: ["metadata", "namespace"]]?.string ?? "default"
        let hard = quota[path: ["spec", "hard"]]?.object ?? [:]
        let tracked = Set(hard.keys)
        var used: [String: Quantity] = [:]
        var listed: Set<String> = []
        for info in tracked.compactMap(QuotaUsage.resource(for:))
        where listed.insert(info.resource + "." + info.group).inserted {
            let objects =
                info == Resources.pods
                ? await pods.list().filter { $0[path: ["metadata", "namespace"]]?.string == namespace }
                : try await client.list(info, namespace: namespace).items
            for object in objects where QuotaScopes.counts(quota, object, info) {
                QuotaUsage.add(&used, QuotaUsage.usage(of: object, info, tracked: tracked))
            }
        }
        var usedJSON: [String: JSON] = [:]
        for key in tracked { usedJSON[key] = .string((used[key] ?? .zero).canonical) }
        let status: JSON = ["hard": .object(hard), "used": .object(usedJSON)]
        guard quota["status"] != status else { return }
        var updated = quota
        updated["status"] = status
        _ = try await client.update(
            Resources.resourceQuotas, namespace: namespace, object: updated, subresource: "status")
    }
}
