import Foundation
import SkiffAPI
import SkiffClient
import Synchronization
import Testing

@testable import SkiffControllers

/// Node lifecycle, Endpoints and ResourceQuota status against scripted cluster states.
@Suite("reconcile: node lifecycle, Endpoints, ResourceQuota")
struct ClusterReconcileTests {
    /// Renews a node's Lease, as its agent would, until cancelled.
    static func renewLease(_ node: String, _ cluster: TestCluster) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                await Kubelet.renewLease(node, cluster)
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    @Test(
        "a node that falls silent goes Unknown and tainted; its pod is evicted when its toleration ends and replaced on the live node"
    )
    func silentNode() async throws {
        try await TestCluster.with { cluster in
            for name in ["n1", "n2"] { try await cluster.create(Resources.nodes, TestCluster.node(name)) }
            let alive = Self.renewLease("n2", cluster)
            defer { alive.cancel() }
            // n1 too, until each node has its pod: then it falls silent.
            let silenced = Self.renewLease("n1", cluster)
            defer { silenced.cancel() }
            let kubelet = Kubelet()
            kubelet.start(cluster)
            defer { kubelet.stop() }
            var configuration = ControllerManager.Configuration()
            // Short, to keep the test short; renewals every 200 ms leave it a wide margin.
            configuration.nodeLifecycle.gracePeriod = .seconds(5)
            try await cluster.withControllers(configuration) {
                var replicaSet = ReplicaSetReconcileTests.replicaSet("web", replicas: 2, labels: ["app": "web"])
                replicaSet[path: ["spec", "template", "spec", "tolerations"]] = [
                    [
                        "key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                        "tolerationSeconds": 1,
                    ]
                ]
                try await cluster.create(Resources.replicaSets, replicaSet)
                try await cluster.eventually("one pod on each node (the scheduler spreads a set's pods)") {
                    let nodes = try await cluster.livePods().compactMap { $0[path: ["spec", "nodeName"]]?.string }
                    return nodes.sorted() == ["n1", "n2"]
                }
                let onN1 = try await cluster.livePods().first { $0[path: ["spec", "nodeName"]] == "n1" }?.name
                silenced.cancel()
                try await cluster.eventually("n1 Unknown with the unreachable NoExecute taint", seconds: 20) {
                    let node = try await cluster.get(Resources.nodes, "n1")
                    let ready = (node[path: ["status", "conditions"]]?.array ?? []).first { $0["type"] == "Ready" }
                    let taints = node[path: ["spec", "taints"]]?.array ?? []
                    return ready?["status"] == "Unknown"
                        && taints.contains {
                            $0["key"] == "node.kubernetes.io/unreachable" && $0["effect"] == "NoExecute"
                        }
                }
                let n2 = try await cluster.get(Resources.nodes, "n2")
                #expect(
                    (n2[path: ["status", "conditions"]]?.array ?? []).first { $0["type"] == "Ready" }?["status"]
                        == "True", "the node whose Lease is renewed stays Ready")
                try await cluster.eventually("n1's pod evicted and both replicas on n2", seconds: 20) {
                    let pods = try await cluster.livePods()
                    return pods.count == 2 && !pods.contains { $0.name == onN1 }
                        && pods.allSatisfy { $0[path: ["spec", "nodeName"]] == "n2" }
                }
            }
        }
    }

    @Test("Endpoints list the ready pods' addresses under the Service's port, the unready ones apart")
    func endpoints() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withNodes(kubelet: Kubelet { pod in .running(ready: pod.name != "b") }) {
                try await cluster.create(
                    Resources.services,
                    [
                        "apiVersion": "v1", "kind": "Service", "metadata": ["name": "web"],
                        "spec": ["selector": ["app": "web"], "ports": [["port": 80, "targetPort": 8080]]],
                    ])
                for name in ["a", "b"] {
                    try await cluster.create(
                        Resources.pods,
                        [
                            "apiVersion": "v1", "kind": "Pod",
                            "metadata": ["name": .string(name), "labels": ["app": "web"]],
                            "spec": ["containers": [["name": "main", "image": "busybox"]]],
                        ])
                }
                try await cluster.eventually("a ready, b not ready, port 8080") {
                    let subsets = try await cluster.get(Resources.endpoints, "web")["subsets"]?.array ?? []
                    let ready = subsets.flatMap { $0["addresses"]?.array ?? [] }.compactMap {
                        $0[path: ["targetRef", "name"]]?.string
                    }
                    let notReady = subsets.flatMap { $0["notReadyAddresses"]?.array ?? [] }.compactMap {
                        $0[path: ["targetRef", "name"]]?.string
                    }
                    return ready == ["a"] && notReady == ["b"] && subsets.first?["ports"]?.array?.first?["port"] == 8080
                }
            }
        }
    }

    @Test("a ResourceQuota's status.used follows pods as they come and go")
    func quotaUsage() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withControllers {
                try await cluster.create(
                    Resources.resourceQuotas,
                    [
                        "apiVersion": "v1", "kind": "ResourceQuota", "metadata": ["name": "q"],
                        "spec": ["hard": ["pods": "5", "requests.cpu": "2"]],
                    ])
                for name in ["a", "b"] {
                    try await cluster.create(
                        Resources.pods,
                        [
                            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name)],
                            "spec": [
                                "containers": [
                                    ["name": "main", "image": "busybox", "resources": ["requests": ["cpu": "250m"]]]
                                ]
                            ],
                        ])
                }
                try await cluster.eventually("2 pods and 500m counted") {
                    let used = try await cluster.get(Resources.resourceQuotas, "q")[path: ["status", "used"]]
                    return used?["pods"] == "2" && used?["requests.cpu"] == "500m"
                }
                _ = try await cluster.client.delete(
                    Resources.pods, namespace: "default", name: "a", options: ["gracePeriodSeconds": 0])
                try await cluster.eventually("1 pod and 250m counted") {
                    let used = try await cluster.get(Resources.resourceQuotas, "q")[path: ["status", "used"]]
                    return used?["pods"] == "1" && used?["requests.cpu"] == "250m"
                }
            }
        }
    }
}
