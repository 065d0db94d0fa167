import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// The ReplicaSet and ReplicationController controller in a real master: replicas kept,
/// scaled with kubectl, orphans adopted, relabelled pods released.
@Suite("replica sets in the master")
struct ReplicaSetTests {
    static let kubectl = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"

    static func replicaSet(_ name: String, replicas: Int, labels: [String: String]) -> JSON {
        [
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": ["name": .string(name)],
            "spec": [
                "replicas": .int(Int64(replicas)), "selector": ["matchLabels": JSON(labels)],
                "template": [
                    "metadata": ["labels": JSON(labels)],
                    "spec": ["containers": [["name": "main", "image": "busybox", "command": ["sleep", "3600"]]]],
                ],
            ],
        ]
    }

    /// The active pods `owner` controls.
    static func owned(_ client: APIClient, by uid: String) async throws -> [JSON] {
        try await client.list(Resources.pods, namespace: "default").items.filter { pod in
            pod[path: ["metadata", "deletionTimestamp"]] == nil
                && (pod[path: ["metadata", "ownerReferences"]]?.array ?? []).contains {
                    $0["uid"]?.string == uid && $0["controller"] == true
                }
        }
    }

    static func names(_ pods: [JSON]) -> Set<String> {
        Set(pods.compactMap { $0[path: ["metadata", "name"]]?.string })
    }

    @Test("a ReplicaSet keeps its count: deleted pods come back, kubectl scale up and down, status follows")
    func keepsReplicas() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let rs = try await client.create(
                Resources.replicaSets, namespace: "default",
                object: Self.replicaSet("web", replicas: 3, labels: ["app": "web"]))
            let uid = rs[path: ["metadata", "uid"]]?.string ?? ""
            try await eventually("3 replicas") { try await Self.owned(client, by: uid).count == 3 }
            let first = try await Self.owned(client, by: uid)
            #expect(first.allSatisfy { ($0[path: ["metadata", "name"]]?.string ?? "").hasPrefix("web-") })
            #expect(first.allSatisfy { $0[path: ["metadata", "labels", "app"]] == "web" })
            try await eventually("status.replicas 3") {
                let status = try await client.get(Resources.replicaSets, namespace: "default", name: "web")["status"]
                return status?["replicas"] == 3 && status?["observedGeneration"] == 1
            }
            // Events are written one at a time after the pods: waited for, then counted exactly.
            let created: @Sendable () async throws -> [JSON] = {
                try await client.list(Resources.events, namespace: "default").items.filter {
                    $0["reason"] == "SuccessfulCreate" && $0[path: ["involvedObject", "kind"]] == "ReplicaSet"
                }
            }
            try await eventually("3 SuccessfulCreate events") { try await created().count >= 3 }
            let events = try await created()
            #expect(events.count == 3, "SuccessfulCreate per pod: \(events)")

            // Deleted at once (grace 0): a new pod takes its place.
            let victim = first[0][path: ["metadata", "name"]]?.string ?? ""
            try await client.delete(
                Resources.pods, namespace: "default", name: victim, options: ["gracePeriodSeconds": 0])
            try await eventually("replaced") {
                let now = Self.names(try await Self.owned(client, by: uid))
                return now.count == 3 && !now.contains(victim)
            }

            let scaleUp = try await runProgram(
                Self.kubectl, ["--kubeconfig", master.kubeconfigPath, "scale", "rs", "web", "--replicas=5"])
            #expect(scaleUp.status == 0, "\(scaleUp.output)")
            try await eventually("5 replicas") { try await Self.owned(client, by: uid).count == 5 }
            let scaleDown = try await runProgram(
                Self.kubectl, ["--kubeconfig", master.kubeconfigPath, "scale", "rs", "web", "--replicas=1"])
            #expect(scaleDown.status == 0, "\(scaleDown.output)")
            try await eventually("1 replica") { try await Self.owned(client, by: uid).count == 1 }
            try await eventually("status.replicas 1, generation seen") {
                let status = try await client.get(Resources.replicaSets, namespace: "default", name: "web")["status"]
                return status?["replicas"] == 1 && status?["observedGeneration"] == 3
            }
        }
    }

    @Test("matching orphans are adopted (and counted); a pod relabelled out is released and replaced")
    func adoptAndRelease() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            for name in ["stray-1", "stray-2"] {
                _ = try await client.create(
                    Resources.pods, namespace: "default", object: podManifest(name, labels: ["app": "api"]))
            }
            let rs = try await client.create(
                Resources.replicaSets, namespace: "default",
                object: Self.replicaSet("api", replicas: 3, labels: ["app": "api"]))
            let uid = rs[path: ["metadata", "uid"]]?.string ?? ""
            try await eventually("orphans adopted, one pod created") {
                let owned = Self.names(try await Self.owned(client, by: uid))
                return owned.count == 3 && owned.isSuperset(of: ["stray-1", "stray-2"])
            }
            let stray = try await client.get(Resources.pods, namespace: "default", name: "stray-1")
            #expect(
                stray[path: ["spec", "containers"]]?.array?.first?["command"] == nil,
                "an adopted pod keeps its own spec, not the template's")

            _ = try await client.patch(
                Resources.pods, namespace: "default", name: "stray-1", patch: ["metadata": ["labels": ["app": "debug"]]]
            )
            try await eventually("released and replaced") {
                let owned = Self.names(try await Self.owned(client, by: uid))
                let released = try await client.get(Resources.pods, namespace: "default", name: "stray-1")
                return owned.count == 3 && !owned.contains("stray-1")
                    && (released[path: ["metadata", "ownerReferences"]]?.array ?? []).isEmpty
            }
        }
    }

    @Test(
        "readiness reported by the node shows in readyReplicas and availableReplicas; a ReplicationController works the same"
    )
    func readinessAndReplicationController() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let rc: JSON = [
                "apiVersion": "v1", "kind": "ReplicationController", "metadata": ["name": "legacy"],
                "spec": [
                    "replicas": 2, "selector": ["app": "legacy"],
                    "template": [
                        "metadata": ["labels": ["app": "legacy"]],
                        "spec": ["containers": [["name": "main", "image": "busybox"]]],
                    ],
                ],
            ]
            let created = try await client.create(Resources.replicationControllers, namespace: "default", object: rc)
            let uid = created[path: ["metadata", "uid"]]?.string ?? ""
            try await eventually("2 replicas") { try await Self.owned(client, by: uid).count == 2 }
            // What an agent would write once the container is up.
            // (Read and written again on a conflict: the scheduler reports the pod unschedulable.)
            try await eventually("a pod reported Ready") {
                var pod = try await Self.owned(client, by: uid)[0]
                pod["status"] = [
                    "phase": "Running",
                    "conditions": [["type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"]],
                ]
                _ = try await client.update(Resources.pods, namespace: "default", object: pod, subresource: "status")
                return true
            }
            try await eventually("1 ready, 1 available") {
                let status = try await client.get(
                    Resources.replicationControllers, namespace: "default", name: "legacy")[
                        "status"]
                return status?["replicas"] == 2 && status?["readyReplicas"] == 1 && status?["availableReplicas"] == 1
            }
            let get = try await runProgram(
                Self.kubectl, ["--kubeconfig", master.kubeconfigPath, "get", "rc", "legacy", "--no-headers"])
            #expect(
                get.output.split(separator: " ", omittingEmptySubsequences: true).prefix(4) == [
                    "legacy", "2", "2", "1",
                ], "\(get.output)")
        }
    }
}
