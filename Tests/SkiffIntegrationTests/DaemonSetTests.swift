import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// The DaemonSet controller in a real master, against Node objects that have no agent: one
/// pod per eligible node, following nodes that join, change or leave, and a rolling update.
@Suite("daemon sets in the master")
struct DaemonSetTests {
    static func daemonSet(_ name: String, nodeSelector: [String: String] = [:], image: String = "busybox") -> JSON {
        var podSpec: [String: JSON] = ["containers": [["name": "main", "image": .string(image)]]]
        if !nodeSelector.isEmpty { podSpec["nodeSelector"] = JSON(nodeSelector) }
        return [
            "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": ["name": .string(name)],
            "spec": [
                "selector": ["matchLabels": ["ds": .string(name)]],
                "template": ["metadata": ["labels": ["ds": .string(name)]], "spec": .object(podSpec)],
            ],
        ]
    }

    /// Node name → its live pods (not deleting) of the DaemonSet, bound or pinned.
    static func placement(_ client: APIClient, _ name: String) async throws -> [String: [JSON]] {
        let pods = try await client.list(Resources.pods, namespace: "default").items.filter {
            $0[path: ["metadata", "labels", "ds"]]?.string == name
                && $0[path: ["metadata", "deletionTimestamp"]] == nil
        }
        return Dictionary(grouping: pods) { $0[path: ["spec", "nodeName"]]?.string ?? "unbound" }
    }

    static func onNodes(_ client: APIClient, _ name: String) async throws -> [String: Int] {
        try await placement(client, name).mapValues(\.count)
    }

    @Test("one pod per eligible node; nodes that join, change labels or leave are followed")
    func followsNodes() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let dedicated: JSON = ["key": "dedicated", "value": "gpu", "effect": "NoSchedule"]
            for node in [
                SchedulerTests.node("n1", memory: "4Gi", labels: ["zone": "a"]),
                SchedulerTests.node("n2", memory: "4Gi", labels: ["zone": "b"]),
                SchedulerTests.node("n3", memory: "4Gi", taints: [dedicated]),
            ] {
                _ = try await client.create(Resources.nodes, namespace: nil, object: node)
            }
            _ = try await client.create(
                Resources.daemonSets, namespace: "default", object: Self.daemonSet("everywhere"))
            _ = try await client.create(
                Resources.daemonSets, namespace: "default", object: Self.daemonSet("zonal", nodeSelector: ["zone": "a"])
            )
            // The tainted node gets none; the scheduler binds each pod to the node it is pinned to.
            try await eventually("one pod on n1 and n2") {
                try await Self.onNodes(client, "everywhere") == ["n1": 1, "n2": 1]
            }
            try await eventually("zonal on n1 only") { try await Self.onNodes(client, "zonal") == ["n1": 1] }
            try await eventually("status counts") {
                let status = try await client.get(Resources.daemonSets, namespace: "default", name: "everywhere")[
                    "status"]
                return status?["desiredNumberScheduled"] == 2 && status?["currentNumberScheduled"] == 2
                    && status?["updatedNumberScheduled"] == 2 && status?["numberMisscheduled"] == 0
            }
            let pod = try #require(try await Self.placement(client, "everywhere")["n1"]?.first)
            let tolerations = pod[path: ["spec", "tolerations"]]?.array ?? []
            #expect(
                tolerations.contains { $0["key"] == "node.kubernetes.io/unreachable" && $0["effect"] == "NoExecute" })

            // A node joins; another is relabelled into the zone; then out again.
            _ = try await client.create(
                Resources.nodes, namespace: nil, object: SchedulerTests.node("n4", memory: "4Gi"))
            try await eventually("n4 gets its pod") {
                try await Self.onNodes(client, "everywhere") == ["n1": 1, "n2": 1, "n4": 1]
            }
            _ = try await client.patch(
                Resources.nodes, namespace: nil, name: "n2", patch: ["metadata": ["labels": ["zone": "a"]]])
            try await eventually("zonal follows the label") {
                try await Self.onNodes(client, "zonal") == ["n1": 1, "n2": 1]
            }
            _ = try await client.patch(
                Resources.nodes, namespace: nil, name: "n2", patch: ["metadata": ["labels": ["zone": "b"]]])
            try await eventually("and leaves with it") { try await Self.onNodes(client, "zonal") == ["n1": 1] }
            // A node that is gone takes its pod with it.
            try await client.delete(Resources.nodes, namespace: nil, name: "n4")
            try await eventually("n4's pod gone") {
                try await Self.onNodes(client, "everywhere") == ["n1": 1, "n2": 1]
            }
        }
    }

    @Test("a changed template rolls out node by node: every pod ends on the new template")
    func rollingUpdate() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            for name in ["n1", "n2"] {
                _ = try await client.create(
                    Resources.nodes, namespace: nil, object: SchedulerTests.node(name, memory: "4Gi"))
            }
            // Deleted pods wait for their node's agent: the test plays it.
            let kubelets = ControllerRestartTests.kubelets(master, nodes: ["n1", "n2"])
            defer { kubelets.cancel() }
            _ = try await client.create(Resources.daemonSets, namespace: "default", object: Self.daemonSet("roll"))
            try await eventually("two pods") { try await Self.onNodes(client, "roll") == ["n1": 1, "n2": 1] }
            let before = try await Self.placement(client, "roll").values.joined().compactMap {
                $0[path: ["metadata", "name"]]?.string
            }
            _ = try await client.patch(
                Resources.daemonSets, namespace: "default", name: "roll",
                patch: ["spec": ["template": ["spec": ["containers": [["name": "main", "image": "debian"]]]]]])
            try await eventually("new pods on both nodes, none of the old") {
                let now = try await Self.placement(client, "roll")
                let pods = Array(now.values.joined())
                return now.mapValues(\.count) == ["n1": 1, "n2": 1]
                    && pods.allSatisfy { $0[path: ["spec", "containers"]]?.array?.first?["image"] == "debian" }
                    && Set(pods.compactMap { $0[path: ["metadata", "name"]]?.string }).isDisjoint(with: before)
            }
            try await eventually("status: observed and updated") {
                let ds = try await client.get(Resources.daemonSets, namespace: "default", name: "roll")
                return ds[path: ["status", "observedGeneration"]] == ds[path: ["metadata", "generation"]]
                    && ds[path: ["status", "updatedNumberScheduled"]] == 2
            }
        }
    }
}
