import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// Kubernetes' node lifecycle controller, taint manager and pod garbage collector in one loop:
/// a node whose Lease and heartbeat have not moved for the grace period becomes Ready=Unknown
/// and its pods not ready; the Ready condition is mirrored as `not-ready`/`unreachable` taints
/// (NoSchedule and NoExecute); pods on a NoExecute-tainted node are evicted once their
/// tolerations run out (300 s by default, `DefaultTolerationSeconds`), and their controllers
/// replace them elsewhere; pods bound to a node that no longer exists are force-deleted.
///
/// Time is this controller's own: a node counts as heard from when it sees its Lease or
/// heartbeat change, so a master that restarts gives every node a fresh grace period and
/// clock skew between node and master does not matter.
public actor NodeLifecycleController {
    public struct Configuration: Sendable {
        /// `--node-monitor-grace-period`.
        public var gracePeriod: Duration = .seconds(40)

        public init() {}

        /// How often nodes are looked at: every 5 s, or more often for a short grace period.
        var monitorPeriod: Duration { min(.seconds(5), gracePeriod / 4) }
    }

    let configuration: Configuration
    let client: APIClient
    let nodes: Informer
    let leases: Informer
    let pods: Informer
    let events: EventRecorder
    let logger: Logger
    /// Per node: the Lease renewal and heartbeat last seen, and when they last changed.
    var heard: [String: (lease: String?, heartbeat: String?, at: Date)] = [:]
    /// Per node: when its NoExecute taints were first seen (the clock for taints without `timeAdded`).
    var noExecuteSince: [String: Date] = [:]

    init(configuration: Configuration, client: APIClient, informers: SharedInformers, logger: Logger) async {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        nodes = await informers.informer(Resources.nodes)
        leases = await informers.informer(Resources.leases)
        pods = await informers.informer(Resources.pods)
        events = EventRecorder(client: client, component: "node-controller", logger: logger)
    }

    func run() async {
        await nodes.waitForSync()
        await leases.waitForSync()
        await pods.waitForSync()
        while !Task.isCancelled {
            await monitor(now: Date())
            try? await Task.sleep(for: configuration.monitorPeriod)
        }
    }

    func monitor(now: Date) async {
        let all = await nodes.list()
        var taintsByNode: [String: [JSON]] = [:]
        for var node in all {
            let name = node[path: ["metadata", "name"]]?.string ?? ""
            let lease = await leases.get("kube-node-lease/" + name)?[path: ["spec", "renewTime"]]?.string
            let heartbeat = (node[path: ["status", "conditions"]]?.array ?? []).first {
                $0["type"]?.string == "Ready"
            }?["lastHeartbeatTime"]?.string
            if let seen = heard[name], seen.lease == lease, seen.heartbeat == heartbeat {
                if now.timeIntervalSince(seen.at) > configuration.gracePeriod.seconds {
                    node = await markUnknown(node, name: name, now: now) ?? node
                    // Every pass, not only at the change: a write that failed, or a restart in
                    // between, must not leave a silent node's pods Ready.
                    await markPodsNotReady(on: name, now: now)
                }
            } else {
                heard[name] = (lease, heartbeat, now)
            }
            node = await syncTaints(node, now: now) ?? node
            let taints = node[path: ["spec", "taints"]]?.array ?? []
            taintsByNode[name] = taints
            if taints.contains(where: { $0["effect"]?.string == "NoExecute" }) {
                noExecuteSince[name] = noExecuteSince[name] ?? now
            } else {
                noExecuteSince[name] = nil
            }
        }
        let names = Set(taintsByNode.keys)
        heard = heard.filter { names.contains($0.key) }
        noExecuteSince = noExecuteSince.filter { names.contains($0.key) }
        for pod in await pods.list() {
            guard let nodeName = pod[path: ["spec", "nodeName"]]?.string, !nodeName.isEmpty else { continue }
            if let taints = taintsByNode[nodeName] {
                if PodFacts.isActive(pod) {
                    await evictIfDue(pod, taints: taints, now: now, firstSeen: noExecuteSince[nodeName])
                }
            } else {
                await collectOrphan(pod, node: nodeName)  // finished or terminating too: nobody is left
            }
        }
    }

    /// The node's conditions to Unknown and its pods not ready; the node as written, or nil.
    private func markUnknown(_ node: JSON, name: String, now: Date) async -> JSON? {
        guard let conditions = NodeHealth.unknownConditions(node, now: now) else { return nil }
        var updated = node
        updated[path: ["status", "conditions"]] = .array(conditions)
        do throws(SkiffError) {
            let written = try await client.update(
                Resources.nodes, namespace: nil, object: updated, subresource: "status")
            logger.notice("node not heard from: Ready=Unknown", metadata: ["node": "\(name)"])
            events.post(
                node, kind: "Node", apiVersion: "v1", .normal, "NodeNotReady",
                "Node \(name) status is now: NodeNotReady")
            return written
        } catch {
            logger.debug("cannot mark node unknown", metadata: ["node": "\(name)", "error": "\(error)"])
            return nil
        }
    }

    private func syncTaints(_ node: JSON, now: Date) async -> JSON? {
        guard let taints = NodeHealth.taints(node, now: now) else { return nil }
        var updated = node
        updated[path: ["spec", "taints"]] = taints.isEmpty ? nil : .array(taints)
        return try? await client.update(Resources.nodes, namespace: nil, object: updated)
    }
}
