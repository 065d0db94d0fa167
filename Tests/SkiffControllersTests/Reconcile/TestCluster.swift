import Foundation
import Logging
import ServiceLifecycle
import SkiffAPI
import SkiffAPIServer
import SkiffClient
import SkiffStore
import Synchronization

@testable import SkiffControllers

/// A real API server inside the test process, over an in-memory SQLite store, on a Unix socket
/// in a temp directory. The controllers run against it exactly as in `skiffd master` (the same
/// `ControllerManager`, informers and client); the test scripts the cluster's state through
/// the API and plays the nodes' part itself (`Kubelet`), so every reconcile runs for real
/// against states chosen to test it, in a second or two, without an agent.
struct TestCluster: Sendable {
    let client: APIClient
    let store: any Store
    let logger: Logger

    /// `wrap` may put a scripted store in front of the real one (see `RacingStore`).
    static func with<T: Sendable>(
        wrap: @Sendable (any Store) -> any Store = { $0 }, _ body: @Sendable (TestCluster) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "reconcile-test")
        logger.logLevel = .warning
        // Short: a Unix socket path must stay under 108 bytes.
        let directory = "/tmp/skr-" + String(UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = wrap(try SQLiteStore(inMemory: .init(), logger: logger))
        let server = APIServer(store: store, logger: logger)
        let socket = directory + "/api.sock"
        let group = ServiceGroup(
            services: [
                try server.unixSocketService(path: socket, logger: logger),
                NamespaceController(server: server, logger: logger),
            ], logger: logger)
        let serving = Task { try await group.run() }
        let cluster = TestCluster(
            client: try APIClient(endpoint: .unixSocket(path: socket), timeout: .seconds(10)), store: store,
            logger: logger)
        do {
            try await cluster.eventually("the API server answers and has the default namespace") {
                (try? await cluster.client.get(Resources.namespaces, namespace: nil, name: "default")) != nil
            }
            let result = try await body(cluster)
            await group.triggerGracefulShutdown()
            _ = await serving.result
            return result
        } catch {
            await group.triggerGracefulShutdown()
            _ = await serving.result
            throw error
        }
    }

    /// Runs the master's controllers while `body` runs; two calls in a row are a master restart
    /// (new informers, queues and in-memory expectations; the store's state stays).
    func withControllers<T: Sendable>(
        _ configuration: ControllerManager.Configuration = .init(), _ body: @Sendable () async throws -> T
    ) async throws -> T {
        let manager = ControllerManager(configuration: configuration, client: client, logger: logger)
        let running = Task { try await manager.run() }
        defer { running.cancel() }
        let result = try await body()
        running.cancel()
        _ = await running.result
        return result
    }

    func eventually(
        _ what: String, seconds: Double = 30, _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        if try await condition() { return }
        throw SkiffError.internalError("timed out after \(seconds) s waiting until \(what)")
    }

    // MARK: Scripted state

    func create(_ info: ResourceInfo, _ object: JSON, namespace: String? = "default") async throws {
        _ = try await client.create(info, namespace: info.namespaced ? namespace : nil, object: object)
    }

    func pods(_ namespace: String = "default") async throws -> [JSON] {
        try await client.list(Resources.pods, namespace: namespace).items
    }

    /// Pods not being deleted.
    func livePods(_ namespace: String = "default") async throws -> [JSON] {
        try await pods(namespace).filter { $0[path: ["metadata", "deletionTimestamp"]] == nil }
    }

    func get(_ info: ResourceInfo, _ name: String, namespace: String = "default") async throws -> JSON {
        try await client.get(info, namespace: info.namespaced ? namespace : nil, name: name)
    }

    static func node(_ name: String, labels: [String: String] = [:], taints: [JSON] = []) -> JSON {
        var all = labels
        all["kubernetes.io/hostname"] = name
        return [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": .string(name), "labels": .object(all.mapValues { .string($0) })],
            "spec": ["taints": .array(taints)],
            "status": [
                "capacity": ["cpu": "8", "memory": "16Gi", "pods": "110"],
                "allocatable": ["cpu": "8", "memory": "16Gi", "pods": "110"],
                "conditions": [
                    ["type": "Ready", "status": "True", "lastHeartbeatTime": .string(RFC3339.format(Date()))]
                ],
            ],
        ]
    }

    static func template(_ labels: [String: String], image: String = "busybox", restartPolicy: String? = nil) -> JSON {
        var spec: JSON = ["containers": [["name": "main", "image": .string(image)]]]
        if let restartPolicy { spec["restartPolicy"] = .string(restartPolicy) }
        return ["metadata": ["labels": .object(labels.mapValues { .string($0) })], "spec": spec]
    }
}

extension JSON {
    var name: String { self[path: ["metadata", "name"]]?.string ?? "" }
    var image: String? { self[path: ["spec", "containers"]]?.array?.first?["image"]?.string }
    var isReady: Bool {
        (self[path: ["status", "conditions"]]?.array ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" }
    }
}

extension TestCluster {
    /// The usual scene: Node objects (`n1` by default), a kubelet playing them, and the
    /// controllers running while `body` runs.
    func withNodes<T: Sendable>(
        _ nodes: [JSON] = [TestCluster.node("n1")], kubelet: Kubelet = Kubelet(),
        _ configuration: ControllerManager.Configuration = .init(), _ body: @Sendable () async throws -> T
    ) async throws -> T {
        for node in nodes { try await create(Resources.nodes, node) }
        kubelet.start(self, nodes: nodes.map(\.name))
        defer { kubelet.stop() }
        return try await withControllers(configuration, body)
    }
}
