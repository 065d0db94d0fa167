import Foundation
import Logging
import SkiffAPI

/// The reusable informer: list, then watch from the list's resourceVersion into a local cache;
/// every change enqueues the object's key (`namespace/name`, or `name` when cluster-scoped).
/// A watch that ends is resumed from the last seen revision; one that answers 410 Gone
/// (history compacted) is followed by a fresh list, as client-go's reflector does.
public actor Informer {
    public let info: ResourceInfo
    let client: APIClient
    let namespace: String?
    let labelSelector: String?
    let fieldSelector: String?
    let logger: Logger
    private var cache: [String: JSON] = [:]
    private var handlers: [@Sendable (String) async -> Void] = []
    private var synced = false
    private var syncWaiters: [CheckedContinuation<Void, Never>] = []
    /// How many times the informer listed (tests check that a 410 causes a re-list).
    public private(set) var listCount = 0

    public init(
        client: APIClient, info: ResourceInfo, namespace: String? = nil, labelSelector: String? = nil,
        fieldSelector: String? = nil, logger: Logger
    ) {
        self.client = client
        self.info = info
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.logger = logger
    }

    public static func key(of object: JSON) -> String {
        let name = object[path: ["metadata", "name"]]?.string ?? ""
        if let ns = object[path: ["metadata", "namespace"]]?.string, !ns.isEmpty { return "\(ns)/\(name)" }
        return name
    }

    /// Calls `handler` with the key of every object that changes (and of every object listed).
    public func addHandler(_ handler: @escaping @Sendable (String) async -> Void) { handlers.append(handler) }

    /// Enqueues changed keys into `queue`.
    public func feed(_ queue: WorkQueue) { addHandler { await queue.add($0) } }

    public func get(_ key: String) -> JSON? { cache[key] }
    public func list() -> [JSON] { Array(cache.values) }
    public var hasSynced: Bool { synced }

    public func waitForSync() async {
        if synced { return }
        await withCheckedContinuation { syncWaiters.append($0) }
    }

    /// Runs until cancelled.
    public func run() async {
        var resourceVersion: String?
        while !Task.isCancelled {
            do {
                if resourceVersion == nil { resourceVersion = try await relist() }
                resourceVersion = try await watch(from: resourceVersion ?? "")
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.debug("informer watch ended", metadata: ["resource": "\(info.resource)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500))
                if (error as? SkiffError)?.code == .gone { resourceVersion = nil }
            }
        }
    }

    private func relist() async throws(SkiffError) -> String {
        let (items, rv) = try await client.list(
            info, namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector)
        listCount += 1
        var fresh: [String: JSON] = [:]
        for item in items { fresh[Self.key(of: item)] = item }
        let changed = Set(fresh.keys).union(cache.keys)
        cache = fresh
        if !synced {
            synced = true
            for waiter in syncWaiters { waiter.resume() }
            syncWaiters.removeAll()
        }
        for key in changed { await notify(key) }
        return rv
    }

    /// Watches until the stream ends; returns the revision to resume from. Throws Gone on 410.
    private func watch(from resourceVersion: String) async throws -> String {
        var rv = resourceVersion
        let events = client.watch(
            info, namespace: namespace, resourceVersion: rv, labelSelector: labelSelector, fieldSelector: fieldSelector,
            timeoutSeconds: 300)
        for try await event in events {
            if event.type == "ERROR" {
                let code = event.object["code"]?.int ?? 0
                throw SkiffError(code == 410 ? .gone : .internalError, event.object["message"]?.string ?? "watch error")
            }
            if let eventRV = event.object[path: ["metadata", "resourceVersion"]]?.string { rv = eventRV }
            if event.type == "BOOKMARK" { continue }
            let key = Self.key(of: event.object)
            if event.type == "DELETED" { cache[key] = nil } else { cache[key] = event.object }
            await notify(key)
        }
        return rv
    }

    private func notify(_ key: String) async {
        for handler in handlers { await handler(key) }
    }
}
