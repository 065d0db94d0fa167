import Foundation
import SkiffAPI
import SkiffClient
import Synchronization
import Testing

/// Job, StatefulSet and DaemonSet reconciles against scripted cluster states.
@Suite("reconcile: Job, StatefulSet, DaemonSet")
struct WorkloadReconcileTests {
    @Test("a Job with completions 3 and parallelism 2 never runs more than 2, replaces a failed pod, and completes")
    func job() async throws {
        try await TestCluster.with { cluster in
            try await cluster.create(Resources.nodes, TestCluster.node("n1"))
            // The first pod fails; every other one succeeds once the test lets it.
            let failedOne = Mutex<String?>(nil)
            let finish = Mutex(false)
            let kubelet = Kubelet { pod in
                let first = failedOne.withLock { name in
                    if name == nil { name = pod.name }
                    return name == pod.name
                }
                if first { return .failed }
                return finish.withLock { $0 } ? .succeeded : .running(ready: true)
            }
            kubelet.start(cluster, nodes: ["n1"])
            defer { kubelet.stop() }
            let most = Mutex(0)
            try await cluster.withControllers {
                try await cluster.create(
                    Resources.jobs,
                    [
                        "apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "work"],
                        "spec": [
                            "completions": 3, "parallelism": 2, "backoffLimit": 2,
                            "template": TestCluster.template(["job": "work"], restartPolicy: "Never"),
                        ],
                    ])
                // The failed pod's replacement waits out the Job's 10 s back-off.
                try await cluster.eventually("the failed pod counted and 2 running", seconds: 60) {
                    let job = try await cluster.get(Resources.jobs, "work")
                    let running = try await cluster.livePods().count {
                        $0[path: ["status", "phase"]] == "Running"
                    }
                    most.withLock { $0 = max($0, running) }
                    return job[path: ["status", "failed"]] == 1 && running == 2
                }
                for _ in 0..<10 {
                    let active = try await cluster.livePods().count {
                        let phase = $0[path: ["status", "phase"]]?.string
                        return phase != "Succeeded" && phase != "Failed"
                    }
                    most.withLock { $0 = max($0, active) }
                    try await Task.sleep(for: .milliseconds(30))
                }
                finish.withLock { $0 = true }
                try await cluster.eventually("Complete with 3 succeeded") {
                    let job = try await cluster.get(Resources.jobs, "work")
                    let complete = (job[path: ["status", "conditions"]]?.array ?? []).contains {
                        $0["type"] == "Complete" && $0["status"] == "True"
                    }
                    return complete && job[path: ["status", "succeeded"]] == 3
                }
                #expect(most.withLock { $0 } <= 2, "parallelism 2 holds: \(most.withLock { $0 })")
                let succeeded = try await cluster.pods().count { $0[path: ["status", "phase"]] == "Succeeded" }
                #expect(succeeded == 3, "exactly completions pods succeeded")
            }
        }
    }

    @Test(
        "an OrderedReady StatefulSet makes web-1 only once web-0 is ready, and remakes a deleted ordinal with its claim"
    )
    func statefulSet() async throws {
        try await TestCluster.with { cluster in
            try await cluster.create(Resources.nodes, TestCluster.node("n1"))
            let readyAllowed = Mutex(Set<String>())
            let kubelet = Kubelet { pod in .running(ready: readyAllowed.withLock { $0.contains(pod.name) }) }
            kubelet.start(cluster, nodes: ["n1"])
            defer { kubelet.stop() }
            // Pre-made volumes of a class the volume binder serves, one per claim.
            for index in 0..<2 {
                try await cluster.create(
                    Resources.persistentVolumes,
                    [
                        "apiVersion": "v1", "kind": "PersistentVolume", "metadata": ["name": .string("pv-\(index)")],
                        "spec": [
                            "capacity": ["storage": "1Gi"], "accessModes": ["ReadWriteOnce"],
                            "storageClassName": "manual", "hostPath": ["path": .string("/tmp/unused-\(index)")],
                        ],
                    ])
            }
            try await cluster.withControllers {
                var template = TestCluster.template(["app": "db"])
                template[path: ["spec", "containers"]] = [
                    ["name": "main", "image": "busybox", "volumeMounts": [["name": "data", "mountPath": "/data"]]]
                ]
                try await cluster.create(
                    Resources.statefulSets,
                    [
                        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": ["name": "web"],
                        "spec": [
                            "replicas": 2, "serviceName": "web", "selector": ["matchLabels": ["app": "db"]],
                            "template": template,
                            "volumeClaimTemplates": [
                                [
                                    "metadata": ["name": "data"],
                                    "spec": [
                                        "accessModes": ["ReadWriteOnce"],
                                        "resources": ["requests": ["storage": "1Gi"]],
                                        "storageClassName": "manual",
                                    ],
                                ]
                            ],
                        ],
                    ])
                try await cluster.eventually("web-0 and its claim made") {
                    let claim = try? await cluster.get(Resources.persistentVolumeClaims, "data-web-0")
                    return try await cluster.livePods().map(\.name) == ["web-0"] && claim != nil
                }
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await cluster.livePods().map(\.name) == ["web-0"], "web-1 waits for web-0 to be ready")
                #expect(try await cluster.pods().first?[path: ["spec", "hostname"]] == "web-0")
                readyAllowed.withLock { $0 = ["web-0", "web-1"] }
                try await cluster.eventually("web-1 made once web-0 is ready") {
                    try await cluster.livePods().map(\.name).sorted() == ["web-0", "web-1"]
                }
                let uid = try await cluster.get(Resources.pods, "web-0")[path: ["metadata", "uid"]]
                _ = try await cluster.client.delete(Resources.pods, namespace: "default", name: "web-0")
                try await cluster.eventually("web-0 made again under its name, with the same claim") {
                    let pod = try? await cluster.get(Resources.pods, "web-0")
                    let volumes = pod?[path: ["spec", "volumes"]]?.array ?? []
                    return pod != nil && pod?[path: ["metadata", "uid"]] != uid
                        && volumes.contains { $0[path: ["persistentVolumeClaim", "claimName"]] == "data-web-0" }
                }
            }
        }
    }

    @Test(
        "a DaemonSet puts one pod on each node its tolerations allow, and follows a node that joins and one that goes")
    func daemonSet() async throws {
        try await TestCluster.with { cluster in
            try await cluster.create(Resources.nodes, TestCluster.node("n1"))
            try await cluster.create(
                Resources.nodes,
                TestCluster.node("n2", taints: [["key": "dedicated", "value": "db", "effect": "NoSchedule"]]))
            let kubelet = Kubelet()
            kubelet.start(cluster, nodes: ["n1", "n2", "n3"])
            defer { kubelet.stop() }
            @Sendable func placement() async throws -> [String] {
                try await cluster.livePods().compactMap { $0[path: ["spec", "nodeName"]]?.string }.sorted()
            }
            try await cluster.withControllers {
                try await cluster.create(
                    Resources.daemonSets,
                    [
                        "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": ["name": "agent"],
                        "spec": [
                            "selector": ["matchLabels": ["app": "agent"]],
                            "template": TestCluster.template(["app": "agent"]),
                        ],
                    ])
                try await cluster.eventually("one pod, on n1 only (n2's taint is not tolerated)") {
                    try await placement() == ["n1"]
                }
                try await cluster.create(Resources.nodes, TestCluster.node("n3"))
                try await cluster.eventually("the joining node gets its pod") { try await placement() == ["n1", "n3"] }
                _ = try await cluster.client.delete(Resources.nodes, namespace: nil, name: "n1")
                try await cluster.eventually("the pod of the node that went is gone") {
                    try await placement() == ["n3"]
                }
                try await cluster.eventually("the status counts one node") {
                    let status = try await cluster.get(Resources.daemonSets, "agent")["status"]
                    return status?["desiredNumberScheduled"] == 1 && status?["numberReady"] == 1
                }
            }
        }
    }

    @Test("deleting a ReplicaSet deletes its pods in the background; with orphan propagation they stay, unowned")
    func garbageCollection() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withNodes {
                for name in ["a", "b"] {
                    try await cluster.create(
                        Resources.replicaSets,
                        ReplicaSetReconcileTests.replicaSet(name, replicas: 2, labels: ["rs": name]))
                }
                try await cluster.eventually("4 pods") { try await cluster.livePods().count == 4 }
                _ = try await cluster.client.delete(
                    Resources.replicaSets, namespace: "default", name: "a", options: ["propagationPolicy": "Background"]
                )
                _ = try await cluster.client.delete(
                    Resources.replicaSets, namespace: "default", name: "b", options: ["propagationPolicy": "Orphan"])
                try await cluster.eventually("a's pods gone, b's two left without an owner") {
                    let pods = try await cluster.pods()
                    return pods.count == 2
                        && pods.allSatisfy {
                            $0[path: ["metadata", "labels", "rs"]] == "b"
                                && ($0[path: ["metadata", "ownerReferences"]]?.array ?? []).isEmpty
                        }
                }
                try await cluster.eventually("b itself gone once its pods are released") {
                    (try? await cluster.get(Resources.replicaSets, "b")) == nil
                }
            }
        }
    }
}
