import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// Kubernetes' endpoints controller: for every Service with a selector, an Endpoints object of
/// the same name listing the pods behind it (`EndpointSubsets`), kept as pods come, go, turn
/// ready or change labels, and deleted with its Service. A Service without a selector keeps
/// the Endpoints its user writes.
actor EndpointsController {
    let client: APIClient
    let services: Informer
    let pods: Informer
    let endpoints: Informer
    let logger: Logger
    let queue = WorkQueue()

    init(client: APIClient, informers: SharedInformers, logger: Logger) async {
        self.client = client
        self.logger = logger
        services = await informers.informer(Resources.services)
        pods = await informers.informer(Resources.pods)
        endpoints = await informers.informer(Resources.endpoints)
        await services.feed(queue)
        await pods.addHandler { [weak self] key in await self?.podChanged(key) }
    }

    func run() async {
        let workers = ControllerWorkers(name: "endpoints", queue: queue, workers: 2, logger: logger)
        await workers.run(waitingFor: [self.services, self.pods, self.endpoints]) { key in
            try await self.reconcile(key)
            return nil
        }
    }

    /// Any pod change may concern the services of its namespace (before and after a label change).
    func podChanged(_ key: String) async {
        let namespace = String(key.split(separator: "/").first ?? "")
        let keys = await services.list().filter { $0[path: ["metadata", "namespace"]]?.string == namespace }
            .map(Informer.key(of:))
        await queue.add(contentsOf: keys)
    }

    func reconcile(_ key: String) async throws {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return }
        let (namespace, name) = (parts[0], parts[1])
        let existing = await endpoints.get(key)
        guard let service = await services.get(key) else {
            if existing != nil { try await deleteIgnoringMissing(namespace: namespace, name: name) }
            return
        }
        guard let selectorMap = service[path: ["spec", "selector"]]?.object, !selectorMap.isEmpty,
            let selector = try? LabelSelector(json: ["matchLabels": .object(selectorMap)])
        else { return }
        let selected = await pods.list().filter {
            $0[path: ["metadata", "namespace"]]?.string == namespace && selector.matches(PodFacts.labels($0))
        }
        let subsets = EndpointSubsets.build(service: service, pods: selected)
        var object: JSON =
            existing ?? [
                "apiVersion": "v1", "kind": "Endpoints",
                "metadata": ["name": .string(name), "namespace": .string(namespace)],
            ]
        let labels = service[path: ["metadata", "labels"]] ?? .null
        // A Service with no pods yet still gets its (empty) Endpoints.
        guard
            existing == nil || existing?["subsets"] ?? .array([]) != .array(subsets)
                || existing?[path: ["metadata", "labels"]] ?? .null != labels
        else { return }
        object["subsets"] = subsets.isEmpty ? nil : .array(subsets)
        object[path: ["metadata", "labels"]] = labels == .null ? nil : labels
        if existing == nil {
            // AlreadyExists means the cache is behind: the retry finds the object.
            _ = try await client.create(Resources.endpoints, namespace: namespace, object: object)
        } else {
            _ = try await client.update(Resources.endpoints, namespace: namespace, object: object)
        }
    }

    private func deleteIgnoringMissing(namespace: String, name: String) async throws {
        do throws(SkiffError) {
            try await client.delete(Resources.endpoints, namespace: namespace, name: name)
        } catch {
            guard error.code == .notFound else { throw error }
        }
    }
}
