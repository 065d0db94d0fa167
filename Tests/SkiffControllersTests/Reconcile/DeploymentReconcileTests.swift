import Foundation
import SkiffAPI
import SkiffClient
import Synchronization
import Testing

/// The Deployment controller's reconcile against scripted cluster states, a master restart in
/// the middle of a rollout included.
@Suite("reconcile: Deployment")
struct DeploymentReconcileTests {
    static func deployment(replicas: Int64, image: String, maxSurge: Int64, maxUnavailable: Int64) -> JSON {
        [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
            "spec": [
                "replicas": .int(replicas), "selector": ["matchLabels": ["app": "web"]],
                "template": TestCluster.template(["app": "web"], image: image),
                "strategy": [
                    "type": "RollingUpdate",
                    "rollingUpdate": ["maxSurge": .int(maxSurge), "maxUnavailable": .int(maxUnavailable)],
                ],
            ],
        ]
    }

    /// Most live pods, and fewest ready ones, seen by a watch-driven sampler.
    final class Sampler: Sendable {
        let extremes = Mutex((most: 0, mostReplicas: 0, fewestReady: Int.max))
        let task = Mutex<Task<Void, Never>?>(nil)

        func start(_ cluster: TestCluster) {
            let work = Task {
                while !Task.isCancelled {
                    if let pods = try? await cluster.livePods(),
                        let sets = try? await cluster.client.list(Resources.replicaSets, namespace: "default").items
                    {
                        let replicas = sets.reduce(0) { $0 + Int($1[path: ["spec", "replicas"]]?.int ?? 0) }
                        extremes.withLock {
                            $0.most = max($0.most, pods.count)
                            $0.mostReplicas = max($0.mostReplicas, replicas)
                            $0.fewestReady = min($0.fewestReady, pods.count { $0.isReady })
                        }
                    }
                    try? await Task.sleep(for: .milliseconds(15))
                }
            }
            task.withLock { $0 = work }
        }

        func stop() -> (most: Int, mostReplicas: Int, fewestReady: Int) {
            task.withLock { $0?.cancel() }
            return extremes.withLock { $0 }
        }
    }

    @Test(
        "a rollout held mid-way survives a master restart: the new controllers go on from the store's state, within maxSurge and maxUnavailable"
    )
    func restartMidRollout() async throws {
        try await TestCluster.with { cluster in
            try await cluster.create(Resources.nodes, TestCluster.node("n1"))
            // Pods of the new template stay unready until released: the rollout stalls after its
            // first surge pod.
            let released = Mutex(false)
            let kubelet = Kubelet { pod in .running(ready: pod.image == "busybox" || released.withLock { $0 }) }
            kubelet.start(cluster, nodes: ["n1"])
            defer { kubelet.stop() }
            try await cluster.withControllers {
                try await cluster.create(
                    Resources.deployments,
                    Self.deployment(replicas: 4, image: "busybox", maxSurge: 1, maxUnavailable: 0))
                try await cluster.eventually("4 available") {
                    try await cluster.get(Resources.deployments, "web")[path: ["status", "availableReplicas"]] == 4
                }
            }
            let sampler = Sampler()
            sampler.start(cluster)
            try await cluster.withControllers {
                _ = try await cluster.client.patch(
                    Resources.deployments, namespace: "default", name: "web",
                    patch: ["spec": ["template": ["spec": ["containers": [["name": "main", "image": "skiff-test"]]]]]])
                try await cluster.eventually("the first new pod made, and the rollout stalled on it") {
                    try await cluster.livePods().count { $0.image == "skiff-test" } == 1
                }
                try await Task.sleep(for: .milliseconds(300))
                #expect(
                    try await cluster.livePods().count == 5, "4 old + 1 surge, no more while the new one is unready")
            }
            // The master is gone; a new one starts from what the store holds.
            try await cluster.withControllers {
                try await Task.sleep(for: .milliseconds(500))
                #expect(try await cluster.livePods().count == 5, "the restarted controllers keep the surge bound")
                released.withLock { $0 = true }
                try await cluster.eventually("all 4 on the new template and available, the old ReplicaSet at 0") {
                    let status = try await cluster.get(Resources.deployments, "web")["status"]
                    let pods = try await cluster.livePods()
                    return status?["updatedReplicas"] == 4 && status?["availableReplicas"] == 4
                        && status?["replicas"] == 4 && pods.count == 4 && pods.allSatisfy { $0.image == "skiff-test" }
                }
                let sets = try await cluster.client.list(Resources.replicaSets, namespace: "default").items
                #expect(sets.count == 2)
                #expect(sets.filter { $0[path: ["spec", "replicas"]] == 0 }.count == 1)
                let deployment = try await cluster.get(Resources.deployments, "web")
                #expect(
                    deployment[path: ["status", "observedGeneration"]] == deployment[path: ["metadata", "generation"]])
                let progressing = (deployment[path: ["status", "conditions"]]?.array ?? []).first {
                    $0["type"] == "Progressing"
                }
                #expect(progressing?["reason"] == "NewReplicaSetAvailable")
            }
            let (most, mostReplicas, fewestReady) = sampler.stop()
            // maxSurge bounds the ReplicaSets' sizes, as in Kubernetes; a pod of a ReplicaSet just
            // scaled down may live on until its controller deletes it, beside the new one's.
            #expect(mostReplicas <= 5, "never more than replicas + maxSurge in the ReplicaSets: \(mostReplicas)")
            #expect(most <= 6, "at most one live pod beyond that, on its way out: \(most)")
            #expect(fewestReady >= 4, "never fewer than replicas - maxUnavailable ready pods: \(fewestReady)")
        }
    }

    @Test("Deployment status writes that lose races are retried; the rollout still completes")
    func conflictRetries() async throws {
        let racing = Mutex<RacingStore?>(nil)
        try await TestCluster.with(wrap: { base in
            let store = RacingStore(
                base, racing: [Resources.deployments.keyPrefix: 4, Resources.replicaSets.keyPrefix: 4])
            racing.withLock { $0 = store }
            return store
        }) { cluster in
            try await cluster.withNodes {
                try await cluster.create(
                    Resources.deployments,
                    Self.deployment(replicas: 2, image: "busybox", maxSurge: 1, maxUnavailable: 0))
                _ = try await cluster.eventually("2 available") {
                    try await cluster.get(Resources.deployments, "web")[path: ["status", "availableReplicas"]] == 2
                }
                _ = try await cluster.client.patch(
                    Resources.deployments, namespace: "default", name: "web",
                    patch: ["spec": ["template": ["spec": ["containers": [["name": "main", "image": "skiff-test"]]]]]])
                try await cluster.eventually("rolled out") {
                    let status = try await cluster.get(Resources.deployments, "web")["status"]
                    let pods = try await cluster.livePods()
                    return status?["updatedReplicas"] == 2 && status?["availableReplicas"] == 2
                        && pods.count == 2 && pods.allSatisfy { $0.image == "skiff-test" }
                }
            }
        }
        let raced = racing.withLock { $0?.raced ?? [] }
        #expect(
            raced.contains { $0.hasPrefix(Resources.deployments.keyPrefix) }, "a Deployment write lost a race: \(raced)"
        )
    }
}
