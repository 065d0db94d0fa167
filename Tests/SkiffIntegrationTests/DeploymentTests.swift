import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// Deployments in a real master without nodes (pods stay Pending): pause and resume, scaling,
/// and a rollout that misses its progress deadline.
@Suite("deployments in the master")
struct DeploymentTests {
    static func replicaSets(_ client: APIClient) async throws -> [JSON] {
        try await client.list(Resources.replicaSets, namespace: "default").items
    }

    @Test("paused, a template change waits; resumed, it gets its own ReplicaSet; scaling reaches the ReplicaSet")
    func pauseResumeScale() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            func kubectl(_ args: [String]) async throws -> CommandResult {
                try await runProgram(ReplicaSetTests.kubectl, ["--kubeconfig", master.kubeconfigPath] + args)
            }
            #expect(try await kubectl(["create", "deployment", "api", "--image=busybox", "--replicas=2"]).status == 0)
            try await eventually("one ReplicaSet of 2, labelled with its hash") {
                let sets = try await Self.replicaSets(client)
                guard sets.count == 1, let hash = sets[0][path: ["metadata", "labels", "pod-template-hash"]]?.string
                else { return false }
                return sets[0][path: ["spec", "replicas"]] == 2
                    && sets[0][path: ["metadata", "name"]]?.string == "api-" + hash
                    && sets[0][path: ["spec", "selector", "matchLabels", "pod-template-hash"]]?.string == hash
            }
            #expect(try await kubectl(["scale", "deployment/api", "--replicas=4"]).status == 0)
            try await eventually("the ReplicaSet follows the scale") {
                try await Self.replicaSets(client).first?[path: ["spec", "replicas"]] == 4
            }
            #expect(try await kubectl(["rollout", "pause", "deployment/api"]).status == 0)
            #expect(try await kubectl(["set", "env", "deployment/api", "MODE=2"]).status == 0)
            try await eventually("paused condition") {
                let conditions =
                    try await client.get(Resources.deployments, namespace: "default", name: "api")[
                        path: ["status", "conditions"]]?.array ?? []
                return conditions.contains { $0["type"] == "Progressing" && $0["reason"] == "DeploymentPaused" }
            }
            #expect(try await Self.replicaSets(client).count == 1, "no new ReplicaSet while paused")
            #expect(try await kubectl(["rollout", "resume", "deployment/api"]).status == 0)
            try await eventually("a second ReplicaSet for the new template, revision 2 on the Deployment") {
                let deployment = try await client.get(Resources.deployments, namespace: "default", name: "api")
                return try await Self.replicaSets(client).count == 2
                    && deployment[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] == "2"
            }
            // `kubectl create deployment` sets no annotation of its own: undo's JSON patch still
            // finds the Deployment's, and the first ReplicaSet comes back as revision 3.
            let undo = try await kubectl(["rollout", "undo", "deployment/api"])
            #expect(undo.status == 0, "\(undo.output)")
            try await eventually("the first ReplicaSet is current again, as revision 3") {
                let sets = try await Self.replicaSets(client)
                let first = sets.first {
                    $0[path: ["spec", "template", "spec", "containers"]]?.array?.first?["env"] == nil
                }
                // (Its size stays within maxSurge: with no node, no pod becomes available.)
                return sets.count == 2
                    && first?[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] == "3"
            }
        }
    }

    @Test("pods that never become available: Progressing turns False and rollout status fails")
    func progressDeadline() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let deployment: JSON = [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "stuck"],
                "spec": [
                    "replicas": 1, "progressDeadlineSeconds": 2, "selector": ["matchLabels": ["app": "stuck"]],
                    "template": [
                        "metadata": ["labels": ["app": "stuck"]],
                        "spec": ["containers": [["name": "main", "image": "busybox"]]],
                    ],
                ],
            ]
            _ = try await client.create(Resources.deployments, namespace: "default", object: deployment)
            try await eventually("ProgressDeadlineExceeded", seconds: 20) {
                let conditions =
                    try await client.get(Resources.deployments, namespace: "default", name: "stuck")[
                        path: ["status", "conditions"]]?.array ?? []
                return conditions.contains {
                    $0["type"] == "Progressing" && $0["status"] == "False" && $0["reason"] == "ProgressDeadlineExceeded"
                }
            }
            let status = try await runProgram(
                ReplicaSetTests.kubectl,
                ["--kubeconfig", master.kubeconfigPath, "rollout", "status", "deployment/stuck", "--timeout=20s"])
            #expect(status.status != 0)
            #expect(status.output.contains("exceeded its progress deadline"), "\(status.output)")
        }
    }
}
