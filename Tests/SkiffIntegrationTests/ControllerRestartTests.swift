import Foundation
import SkiffAPI
import SkiffClient
import Synchronization
import Testing

/// Level-triggered controllers: a master killed (SIGKILL) in the middle of a Deployment's
/// rollout comes back and finishes it, within its surge bound throughout. Node objects stand
/// in for agents; a small loop plays their part (pods bound to them turn Running and Ready,
/// pods deleted are removed), as kubelet would.
@Suite("controllers converge after a master restart")
struct ControllerRestartTests {
    /// Plays the agents of the Node objects until cancelled, their Leases renewed too: a test
    /// slowed by load may outlast the node monitor's 40 s grace period, and a node gone
    /// Unknown would stall the rollout.
    static func kubelets(_ master: MasterProcess, nodes: [String]) -> Task<Void, Never> {
        Task {
            var ip = 10
            while !Task.isCancelled {
                // A fresh client each pass: the master restarts under it.
                if let client = try? master.socketClient(),
                    let pods = try? await client.list(Resources.pods, namespace: "default").items
                {
                    for node in nodes { try? await NodeLifecycleTests.renew(client, node) }
                    for pod in pods where pod[path: ["spec", "nodeName"]] != nil {
                        let name = pod[path: ["metadata", "name"]]?.string ?? ""
                        if pod[path: ["metadata", "deletionTimestamp"]] != nil {
                            _ = try? await client.delete(
                                Resources.pods, namespace: "default", name: name, options: ["gracePeriodSeconds": 0])
                        } else if pod[path: ["status", "phase"]] != "Running" {
                            ip += 1
                            var running = pod
                            running["status"] = [
                                "phase": "Running", "podIP": .string("10.88.1.\(ip % 250)"),
                                "conditions": [
                                    [
                                        "type": "Ready", "status": "True",
                                        "lastTransitionTime": .string(RFC3339.format(Date())),
                                    ]
                                ],
                            ]
                            _ = try? await client.update(
                                Resources.pods, namespace: "default", object: running, subresource: "status")
                        }
                    }
                }
                try? await Task.sleep(for: .milliseconds(150))
            }
        }
    }

    @Test("a Deployment's rollout survives a SIGKILL of the master and completes within maxSurge")
    func rolloutSurvivesRestart() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            for name in ["n1", "n2"] {
                _ = try await client.create(
                    Resources.nodes, namespace: nil, object: SchedulerTests.node(name, memory: "8Gi"))
            }
            let kubelets = Self.kubelets(master, nodes: ["n1", "n2"])
            defer { kubelets.cancel() }
            var deployment: JSON = [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
                "spec": [
                    "replicas": 6, "selector": ["matchLabels": ["app": "web"]],
                    "template": [
                        "metadata": ["labels": ["app": "web"]],
                        "spec": ["containers": [["name": "main", "image": "busybox"]]],
                    ],
                ],
            ]
            deployment[path: ["spec", "strategy"]] = [
                "type": "RollingUpdate", "rollingUpdate": ["maxSurge": 1, "maxUnavailable": 0],
            ]
            deployment[path: ["spec", "minReadySeconds"]] = 1  // slows the rollout, so the kill lands inside it
            _ = try await client.create(Resources.deployments, namespace: "default", object: deployment)
            try await eventually("6 available", seconds: 60) {
                try await client.get(Resources.deployments, namespace: "default", name: "web")[
                    path: ["status", "availableReplicas"]] == 6
            }
            _ = try await client.patch(
                Resources.deployments, namespace: "default", name: "web",
                patch: ["spec": ["template": ["spec": ["containers": [["name": "main", "image": "skiff-test"]]]]]])
            // Most ReplicaSet replicas and live pods seen at once, sampled until the end.
            let most = Mutex((replicas: 0, pods: 0))
            let sampler = Task {
                while !Task.isCancelled {
                    if let client = try? master.socketClient(),
                        let pods = try? await client.list(Resources.pods, namespace: "default").items,
                        let sets = try? await client.list(Resources.replicaSets, namespace: "default").items
                    {
                        let live = pods.count { $0[path: ["metadata", "deletionTimestamp"]] == nil }
                        let replicas = sets.reduce(0) { $0 + Int($1[path: ["spec", "replicas"]]?.int ?? 0) }
                        most.withLock { $0 = (max($0.replicas, replicas), max($0.pods, live)) }
                    }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { sampler.cancel() }
            try await eventually("the rollout under way", seconds: 30) {
                let pods = try await client.list(Resources.pods, namespace: "default").items
                return pods.contains { $0[path: ["spec", "containers"]]?.array?.first?["image"] == "skiff-test" }
            }
            master.kill9()
            try await master.start()
            let fresh = try master.socketClient()
            try await eventually("all 6 on the new template, available, the old ReplicaSet at 0", seconds: 90) {
                let status = try await fresh.get(Resources.deployments, namespace: "default", name: "web")["status"]
                let pods = try await fresh.list(Resources.pods, namespace: "default").items.filter {
                    $0[path: ["metadata", "deletionTimestamp"]] == nil
                }
                return status?["updatedReplicas"] == 6 && status?["availableReplicas"] == 6 && status?["replicas"] == 6
                    && pods.count == 6
                    && pods.allSatisfy { $0[path: ["spec", "containers"]]?.array?.first?["image"] == "skiff-test" }
            }
            // maxSurge bounds the ReplicaSets' sizes, as in Kubernetes; a pod of a ReplicaSet just
            // scaled down may live on until its controller deletes it, beside the new one's.
            let (replicas, pods) = most.withLock { $0 }
            #expect(replicas <= 7, "never more than replicas + maxSurge in the ReplicaSets: \(replicas)")
            #expect(pods <= 8, "at most one pod beyond that, on its way out: \(pods)")
            let sets = try await fresh.list(Resources.replicaSets, namespace: "default").items
            #expect(sets.count == 2)
            #expect(sets.filter { $0[path: ["spec", "replicas"]] == 0 }.count == 1)
        }
    }
}
