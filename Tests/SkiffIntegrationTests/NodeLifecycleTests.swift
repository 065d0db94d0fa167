import Foundation
import SkiffAPI
import SkiffClient
import SkiffLinux
import Testing

/// The node lifecycle controller in a real master with short timings, against Node objects
/// that have no agent (their Lease renewed by the test, or not): a silent node goes
/// Ready=Unknown and is tainted, its pods are evicted once their toleration runs out and
/// replaced on a live node; a pod of a deleted node goes.
@Suite("node lifecycle in the master")
struct NodeLifecycleTests {
    static func renew(_ client: APIClient, _ node: String) async throws {
        let lease: JSON = [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": ["name": .string(node), "namespace": "kube-node-lease"],
            "spec": [
                "holderIdentity": .string(node),
                "renewTime": .string(Timestamp.rfc3339(Timestamp.now(), fractionDigits: 6)),
            ],
        ]
        do throws(SkiffError) {
            _ = try await client.patch(
                Resources.leases, namespace: "kube-node-lease", name: node, patch: ["spec": lease["spec"] ?? [:]])
        } catch {
            guard error.code == .notFound else { throw error }
            _ = try await client.create(Resources.leases, namespace: "kube-node-lease", object: lease)
        }
    }

    static func taints(_ client: APIClient, _ node: String) async throws -> Set<String> {
        let taints =
            try await client.get(Resources.nodes, namespace: nil, name: node)[path: ["spec", "taints"]]?.array ?? []
        return Set(taints.map { ($0["key"]?.string ?? "") + ":" + ($0["effect"]?.string ?? "") })
    }

    @Test(
        "a silent node: Unknown, tainted, its ReplicaSet pod evicted after the toleration and replaced on the live node"
    )
    func silentNode() async throws {
        // A grace period long enough that a loaded test run still renews the live node in time.
        let arguments = ["--node-monitor-grace-period", "8s", "--default-unreachable-toleration-seconds", "3"]
        try await withMaster(arguments: arguments) { master in
            let client = try master.socketClient()
            _ = try await client.create(
                Resources.nodes, namespace: nil, object: SchedulerTests.node("live", memory: "4Gi"))
            _ = try await client.create(
                Resources.nodes, namespace: nil,
                object: SchedulerTests.node("silent", memory: "4Gi", labels: ["pick": "me"]))
            // The live node's Lease keeps moving; the silent one's never does.
            let heartbeat = Task {
                while !Task.isCancelled {
                    try? await Self.renew(client, "live")
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
            defer { heartbeat.cancel() }
            // One replica, first placed on the silent node (only it has the label the pod prefers).
            var rs = ReplicaSetTests.replicaSet("web", replicas: 1, labels: ["app": "web"])
            rs[path: ["spec", "template", "spec", "affinity"]] = [
                "nodeAffinity": [
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        [
                            "weight": 100,
                            "preference": ["matchExpressions": [["key": "pick", "operator": "In", "values": ["me"]]]],
                        ]
                    ]
                ]
            ]
            _ = try await client.create(Resources.replicaSets, namespace: "default", object: rs)
            var first = ""
            try await eventually("the pod bound to the silent node") {
                let pods = try await client.list(Resources.pods, namespace: "default").items
                first =
                    pods.first { $0[path: ["spec", "nodeName"]] == "silent" }?[path: ["metadata", "name"]]?.string ?? ""
                return !first.isEmpty
            }
            let pod = try await client.get(Resources.pods, namespace: "default", name: first)
            #expect(
                (pod[path: ["spec", "tolerations"]]?.array ?? []).contains {
                    $0["key"] == "node.kubernetes.io/unreachable" && $0["tolerationSeconds"] == 3
                }, "the master's --default-unreachable-toleration-seconds reached the pod")

            try await eventually("silent is Ready=Unknown and tainted unreachable", seconds: 20) {
                let node = try await client.get(Resources.nodes, namespace: nil, name: "silent")
                let taints = try await Self.taints(client, "silent")
                let ready = (node[path: ["status", "conditions"]]?.array ?? []).first { $0["type"] == "Ready" }
                return ready?["status"] == "Unknown" && ready?["reason"] == "NodeStatusUnknown"
                    && taints.isSuperset(of: [
                        "node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute",
                    ])
            }
            #expect(try await Self.taints(client, "live").isEmpty, "a node heard from stays untainted")
            try await eventually("evicted after 3 s and replaced on the live node", seconds: 30) {
                let pods = try await client.list(Resources.pods, namespace: "default").items
                let evicted = pods.first { $0[path: ["metadata", "name"]]?.string == first }
                let replacement = pods.first {
                    $0[path: ["metadata", "deletionTimestamp"]] == nil && $0[path: ["spec", "nodeName"]] == "live"
                }
                return evicted?[path: ["metadata", "deletionTimestamp"]] != nil && replacement != nil
            }
            try await eventually("a TaintManagerEviction event") {
                try await !SchedulerTests.events(client, first, reason: "TaintManagerEviction").isEmpty
            }

            // The node is gone for good: its pod, stuck terminating with nobody to stop it, goes too.
            try await client.delete(Resources.nodes, namespace: nil, name: "silent")
            try await eventually("the pod of the deleted node removed", seconds: 20) {
                do {
                    _ = try await client.get(Resources.pods, namespace: "default", name: first)
                    return false
                } catch let error as SkiffError where error.code == .notFound {
                    return true
                }
            }
        }
    }
}
