import Foundation
import Logging
import ServiceLifecycle
import SkiffAPI
import SkiffStore

/// Until the controllers issue brings the real scheduler: binds each pending pod (no
/// spec.nodeName, not being deleted) to a Ready, schedulable node with room, the one running
/// the fewest pods. It reads the store directly and binds through the same code as
/// `POST …/pods/NAME/binding`. Driven by a store watch, so a new pod is bound as soon as it
/// is written.
public struct InterimScheduler: Service {
    let server: APIServer
    let logger: Logger

    public init(server: APIServer, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.schedule() }
    }

    /// A decision can only change when a pod or a node does: a new pending pod, a node turning
    /// Ready, and, while some pod waits for room, a pod ending. Everything else (Leases, Events,
    /// status updates of bound pods) is passed over without listing anything.
    func schedule() async {
        while !Task.isCancelled {
            let revision = server.store.currentRevision
            var waiting = await scheduleOnce()
            guard let updates = try? server.store.watch(prefix: "/", after: revision) else {
                try? await Task.sleep(for: .milliseconds(100))  // history compacted meanwhile: list again
                continue
            }
            for await update in updates {
                guard case .event(let event) = update else { break }  // too slow: list again
                if Self.matters(event, waiting: waiting) { waiting = await scheduleOnce() }
            }
        }
    }

    static func matters(_ event: WatchEvent, waiting: Bool) -> Bool {
        let key = event.object.key
        if key.hasPrefix(Resources.nodes.keyPrefix) { return true }
        guard key.hasPrefix(Resources.pods.keyPrefix) else { return false }
        if waiting { return true }
        guard event.kind != .deleted, let pod = try? event.object.decode() else { return false }
        return (pod[path: ["spec", "nodeName"]]?.string ?? "").isEmpty
    }

    /// Binds what it can; true when some pod is still waiting for a node.
    @discardableResult
    func scheduleOnce() async -> Bool {
        // Nodes first: they are few, and without a schedulable one there is nothing to decide,
        // so a master with no agent never decodes its pods here.
        var capacity: [String: Int] = [:]
        for stored in server.store.list(prefix: Resources.nodes.keyPrefix).objects {
            guard let node = try? stored.decode(), Self.isSchedulable(node),
                let name = node[path: ["metadata", "name"]]?.string
            else { continue }
            capacity[name] = Int(node[path: ["status", "allocatable", "pods"]]?.string ?? "") ?? 110
        }
        guard !capacity.isEmpty else { return true }
        let pods = server.store.list(prefix: Resources.pods.keyPrefix).objects.compactMap { try? $0.decode() }
        let pending = pods.filter {
            ($0[path: ["spec", "nodeName"]]?.string ?? "").isEmpty
                && $0[path: ["metadata", "deletionTimestamp"]] == nil
        }
        guard !pending.isEmpty else { return false }
        var load: [String: Int] = [:]
        for pod in pods {
            if let node = pod[path: ["spec", "nodeName"]]?.string, !node.isEmpty, !Self.isTerminal(pod) {
                load[node, default: 0] += 1
            }
        }
        var waiting = false
        for pod in pending.sorted(by: { Self.created($0) < Self.created($1) }) {
            let wanted = pod[path: ["spec", "nodeSelector", "kubernetes.io/hostname"]]?.string
            let candidates = capacity.filter {
                load[$0.key, default: 0] < $0.value && (wanted == nil || wanted == $0.key)
            }
            guard let node = candidates.keys.min(by: { (load[$0, default: 0], $0) < (load[$1, default: 0], $1) }),
                let name = pod[path: ["metadata", "name"]]?.string
            else {
                waiting = true
                continue
            }
            do {
                try await server.bind(namespace: pod[path: ["metadata", "namespace"]]?.string, name: name, node: node)
                load[node, default: 0] += 1
            } catch {
                waiting = true
                logger.debug("cannot bind pod", metadata: ["pod": "\(name)", "error": "\(error)"])
            }
        }
        return waiting
    }

    static func isSchedulable(_ node: JSON) -> Bool {
        guard node[path: ["spec", "unschedulable"]]?.bool != true else { return false }
        let conditions = node[path: ["status", "conditions"]]?.array ?? []
        return conditions.contains { $0["type"]?.string == "Ready" && $0["status"]?.string == "True" }
    }

    static func isTerminal(_ pod: JSON) -> Bool {
        let phase = pod[path: ["status", "phase"]]?.string
        return phase == "Succeeded" || phase == "Failed"
    }

    static func created(_ pod: JSON) -> String { pod[path: ["metadata", "creationTimestamp"]]?.string ?? "" }
}
