import Foundation
import Logging
import ServiceLifecycle
import SkiffAPI

/// Until the controllers issue brings the real scheduler: binds each pending pod (no
/// spec.nodeName, not being deleted) to a Ready, schedulable node with room, the one running
/// the fewest pods. It reads the store directly and binds through the same code as
/// `POST …/pods/NAME/binding`.
public struct InterimScheduler: Service {
    let server: APIServer
    let logger: Logger
    var interval: Duration = .milliseconds(100)

    public init(server: APIServer, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    public func run() async throws {
        // A decision can only change when the store does (a new pod, a node turning Ready, a
        // pod ending and freeing room, a failed bind's conflicting write): an idle master lists
        // nothing.
        var seen: Int64 = -1
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let revision = server.store.currentRevision
            if revision != seen {
                seen = revision
                await scheduleOnce()
            }
            try? await Task.sleep(for: interval)
        }
    }

    func scheduleOnce() async {
        // Nodes first: they are few, and without a schedulable one there is nothing to decide,
        // so a master with no agent never decodes its pods here.
        var capacity: [String: Int] = [:]
        for stored in server.store.list(prefix: Resources.nodes.keyPrefix).objects {
            guard let node = try? stored.decode(), Self.isSchedulable(node),
                let name = node[path: ["metadata", "name"]]?.string
            else { continue }
            capacity[name] = Int(node[path: ["status", "allocatable", "pods"]]?.string ?? "") ?? 110
        }
        guard !capacity.isEmpty else { return }
        let pods = server.store.list(prefix: Resources.pods.keyPrefix).objects.compactMap { try? $0.decode() }
        let pending = pods.filter {
            ($0[path: ["spec", "nodeName"]]?.string ?? "").isEmpty
                && $0[path: ["metadata", "deletionTimestamp"]] == nil
        }
        guard !pending.isEmpty else { return }
        var load: [String: Int] = [:]
        for pod in pods {
            if let node = pod[path: ["spec", "nodeName"]]?.string, !node.isEmpty, !Self.isTerminal(pod) {
                load[node, default: 0] += 1
            }
        }
        for pod in pending.sorted(by: { Self.created($0) < Self.created($1) }) {
            let wanted = pod[path: ["spec", "nodeSelector", "kubernetes.io/hostname"]]?.string
            let candidates = capacity.filter {
                load[$0.key, default: 0] < $0.value && (wanted == nil || wanted == $0.key)
            }
            guard let node = candidates.keys.min(by: { (load[$0, default: 0], $0) < (load[$1, default: 0], $1) }),
                let name = pod[path: ["metadata", "name"]]?.string
            else { continue }
            do {
                try await server.bind(namespace: pod[path: ["metadata", "namespace"]]?.string, name: name, node: node)
                load[node, default: 0] += 1
            } catch {
                logger.debug("cannot bind pod", metadata: ["pod": "\(name)", "error": "\(error)"])
            }
        }
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
