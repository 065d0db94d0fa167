import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// The scheduler in a real master, against Node objects that have no agent: where pods go,
/// and what a pod that fits nowhere tells `kubectl describe`.
@Suite("scheduler in the master")
struct SchedulerTests {
    static func node(_ name: String, memory: String, labels: [String: String] = [:], taints: [JSON] = []) -> JSON {
        [
            "apiVersion": "v1", "kind": "Node",
            "metadata": [
                "name": .string(name), "labels": JSON(labels.merging(["kubernetes.io/hostname": name]) { $1 }),
            ],
            "spec": ["taints": .array(taints)],
            "status": [
                "allocatable": ["cpu": "2", "memory": .string(memory), "pods": "10"],
                "conditions": [["type": "Ready", "status": "True"]],
            ],
        ]
    }

    static func nodeName(_ client: APIClient, _ pod: String) async throws -> String? {
        try await client.get(Resources.pods, namespace: "default", name: pod)[path: ["spec", "nodeName"]]?.string
    }

    static func events(_ client: APIClient, _ pod: String, reason: String) async throws -> [JSON] {
        try await client.list(Resources.events, namespace: "default").items.filter {
            $0[path: ["involvedObject", "name"]]?.string == pod && $0["reason"]?.string == reason
        }
    }

    @Test("pods go where their selector and resources allow; an unfit pod waits, says why, and goes once a node fits")
    func scheduling() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let nodes = Resources.nodes
            let dedicated: JSON = ["key": "dedicated", "value": "gpu", "effect": "NoSchedule"]
            for node in [
                Self.node("n1", memory: "4Gi", labels: ["zone": "a"]),
                Self.node("n2", memory: "4Gi", labels: ["zone": "b"]),
                Self.node("n3", memory: "64Gi", taints: [dedicated]),
            ] {
                _ = try await client.create(nodes, namespace: nil, object: node)
            }

            var zoned = podManifest("zoned")
            zoned[path: ["spec", "nodeSelector"]] = ["zone": "b"]
            _ = try await client.create(Resources.pods, namespace: "default", object: zoned)
            try await eventually("zoned bound") { try await Self.nodeName(client, "zoned") == "n2" }
            try await eventually("Scheduled event") {
                try await Self.events(client, "zoned", reason: "Scheduled").first?["message"]?.string
                    == "Successfully assigned default/zoned to n2"
            }

            var big = podManifest("big")
            big[path: ["spec", "containers"]] = [
                ["name": "main", "image": "busybox", "resources": ["requests": ["memory": "8Gi"]]]
            ]
            _ = try await client.create(Resources.pods, namespace: "default", object: big)
            let why =
                "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient memory."
            try await eventually("big reported unschedulable") {
                let pod = try await client.get(Resources.pods, namespace: "default", name: "big")
                let condition = (pod[path: ["status", "conditions"]]?.array ?? []).first {
                    $0["type"] == "PodScheduled"
                }
                return condition?["status"] == "False" && condition?["reason"] == "Unschedulable"
                    && condition?["message"]?.string == why
            }
            // The event is written on its own task, after the condition.
            var failed: [JSON] = []
            try await eventually("FailedScheduling event") {
                failed = try await Self.events(client, "big", reason: "FailedScheduling")
                return !failed.isEmpty
            }
            #expect(failed.first?["message"]?.string == why)
            #expect(failed.first?["type"] == "Warning")
            #expect(failed.first?[path: ["source", "component"]] == "default-scheduler")
            #expect(try await Self.nodeName(client, "big") == nil)

            // kubectl describe shows the reason, as it does for Kubernetes.
            let describe = try await runProgram(
                "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
                ["--kubeconfig", master.kubeconfigPath, "describe", "pod", "big"])
            #expect(describe.output.contains("FailedScheduling"), "\(describe.output)")
            #expect(describe.output.contains("2 Insufficient memory"), "\(describe.output)")

            // A node with room arrives: the waiting pod goes there without being touched.
            _ = try await client.create(nodes, namespace: nil, object: Self.node("n4", memory: "16Gi"))
            try await eventually("big bound once a node fits") { try await Self.nodeName(client, "big") == "n4" }
        }
    }

    @Test("a Deployment-like group with anti-affinity by hostname takes one node each; cordoning steers new pods away")
    func antiAffinityAndCordon() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            for name in ["a", "b"] {
                _ = try await client.create(Resources.nodes, namespace: nil, object: Self.node(name, memory: "4Gi"))
            }
            for i in 0..<3 {
                var pod = podManifest("web-\(i)", labels: ["app": "web"])
                pod[path: ["spec", "affinity"]] = [
                    "podAntiAffinity": [
                        "requiredDuringSchedulingIgnoredDuringExecution": [
                            ["labelSelector": ["matchLabels": ["app": "web"]], "topologyKey": "kubernetes.io/hostname"]
                        ]
                    ]
                ]
                _ = try await client.create(Resources.pods, namespace: "default", object: pod)
            }
            try await eventually("two replicas placed") {
                var placed: [String] = []
                for i in 0..<3 { if let node = try await Self.nodeName(client, "web-\(i)") { placed.append(node) } }
                return placed.sorted() == ["a", "b"]
            }
            try await eventually("the third says why") {
                var messages: [String] = []
                for i in 0..<3 {
                    messages += try await Self.events(client, "web-\(i)", reason: "FailedScheduling").compactMap {
                        $0["message"]?.string
                    }
                }
                return messages.contains("0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.")
            }

            _ = try await client.patch(
                Resources.nodes, namespace: nil, name: "a", patch: ["spec": ["unschedulable": true]])
            for i in 0..<2 {
                _ = try await client.create(Resources.pods, namespace: "default", object: podManifest("plain-\(i)"))
            }
            try await eventually("new pods avoid the cordoned node") {
                let first = try await Self.nodeName(client, "plain-0")
                let second = try await Self.nodeName(client, "plain-1")
                return first == "b" && second == "b"
            }
        }
    }
}
