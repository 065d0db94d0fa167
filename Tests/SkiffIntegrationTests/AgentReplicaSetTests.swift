import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// Desired state with real pods: a ReplicaSet's containers run on the agent, and a pod that
/// is deleted comes back as a new running one.
@Suite("replica sets run real pods", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentReplicaSetTests {
    @Test("a ReplicaSet's pods run and turn ready; a deleted one is replaced by a new running pod")
    func replacesDeletedPods() async throws {
        try await withCluster { _, _, client in
            var rs = ReplicaSetTests.replicaSet("echo", replicas: 2, labels: ["app": "echo"])
            // A shell that ends on SIGTERM, so deletion does not wait out the grace period.
            rs[path: ["spec", "template", "spec", "containers"]] = [
                AgentPodTests.container("main", "trap 'exit 0' TERM; while true; do sleep 0.2; done")
            ]
            let created = try await client.create(Resources.replicaSets, namespace: "default", object: rs)
            let uid = created[path: ["metadata", "uid"]]?.string ?? ""
            func running() async throws -> Set<String> {
                ReplicaSetTests.names(
                    try await ReplicaSetTests.owned(client, by: uid).filter {
                        $0[path: ["status", "phase"]] == "Running"
                    })
            }
            try await eventually("2 pods Running", seconds: 90) { try await running().count == 2 }
            try await eventually("readyReplicas 2") {
                try await client.get(Resources.replicaSets, namespace: "default", name: "echo")[
                    path: ["status", "readyReplicas"]] == 2
            }
            let before = try await running()
            let victim = before.sorted()[0]
            try await client.delete(Resources.pods, namespace: "default", name: victim)
            try await eventually("a new pod Running in its place", seconds: 90) {
                let now = try await running()
                return now.count == 2 && !now.contains(victim)
            }
            // The replica set goes first, so that stopping the agent does not race its controller.
            _ = try await client.patch(
                Resources.replicaSets, namespace: "default", name: "echo", patch: ["spec": ["replicas": 0]])
            try await eventually("scaled to 0") { try await ReplicaSetTests.owned(client, by: uid).isEmpty }
            try await client.delete(Resources.replicaSets, namespace: "default", name: "echo")
        }
    }
}
