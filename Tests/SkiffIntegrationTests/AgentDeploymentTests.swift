import Foundation
import SkiffAPI
import SkiffClient
import Synchronization
import Testing

/// Deployments with real pods and real kubectl: a rollout that never drops below the
/// available minimum, `rollout status`, `history` and `undo`.
@Suite("deployments roll out real pods", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentDeploymentTests {
    static let manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: main
                image: busybox
                command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]
        """

    /// Pods of the Deployment that are Ready and not on their way out.
    static func readyPods(_ client: APIClient) async throws -> [JSON] {
        try await client.list(Resources.pods, namespace: "default", labelSelector: "app=web").items.filter {
            !PodFactsForTests.isDeleting($0) && PodFactsForTests.isReady($0)
        }
    }

    @Test("set image rolls out with never fewer than 3 ready pods; rollout status, history and undo work")
    func rollout() async throws {
        try await withCluster { master, _, client in
            func kubectl(_ args: [String], stdin: String? = nil) async throws -> CommandResult {
                try await runProgram(
                    "/usr/bin/timeout", ["150", ReplicaSetTests.kubectl, "--kubeconfig", master.kubeconfigPath] + args,
                    stdin: stdin)
            }
            let applied = try await kubectl(["apply", "-f", "-"], stdin: Self.manifest)
            #expect(applied.status == 0, "\(applied.output)")
            let first = try await kubectl(["rollout", "status", "deployment/web", "--timeout=120s"])
            #expect(first.status == 0, "\(first.output)")
            #expect(first.output.contains("successfully rolled out"), "\(first.output)")
            try await eventually("3 ready") { try await Self.readyPods(client).count == 3 }

            // Sample readiness all through the rollout.
            let lowest = Mutex(Int.max)
            let samples = Mutex(0)
            let sampler = Task {
                while !Task.isCancelled {
                    if let ready = try? await Self.readyPods(client).count {
                        lowest.withLock { $0 = min($0, ready) }
                        samples.withLock { $0 += 1 }
                    }
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            let setImage = try await kubectl(["set", "image", "deployment/web", "main=skiff-test"])
            #expect(setImage.status == 0, "\(setImage.output)")
            let second = try await kubectl(["rollout", "status", "deployment/web", "--timeout=120s"])
            sampler.cancel()
            _ = await sampler.value
            #expect(second.status == 0, "\(second.output)")
            #expect(samples.withLock { $0 } > 0, "readiness was sampled during the rollout")
            // Never fewer than 3 (the surge may keep a fourth ready at every sample).
            #expect(lowest.withLock { $0 } >= 3, "ready pods fell to \(lowest.withLock { $0 }) during the rollout")
            // Step by step: the new ReplicaSet grows one at a time while the old one shrinks.
            // (Events are queued and written one at a time: the last may trail the status.)
            let scaling: @Sendable () async throws -> [String] = {
                try await client.list(Resources.events, namespace: "default").items.filter {
                    $0["reason"] == "ScalingReplicaSet"
                }.compactMap { $0["message"]?.string }
            }
            let scaledDown = { @Sendable in try await scaling().filter { $0.contains("Scaled down") }.count >= 3 }
            if (try? await eventually("3 Scaled down events", seconds: 20, scaledDown)) == nil {
                Issue.record("fewer than 3 Scaled down events: \(try await scaling())")
            }
            try await eventually("all pods run the new image") {
                let pods = try await Self.readyPods(client)
                return pods.count == 3
                    && pods.allSatisfy { $0[path: ["spec", "containers"]]?.array?.first?["image"] == "skiff-test" }
            }

            let history = try await kubectl(["rollout", "history", "deployment/web"])
            #expect(history.status == 0, "\(history.output)")
            #expect(history.output.contains("1 ") && history.output.contains("2 "), "\(history.output)")

            let replicaSetsBefore = try await client.list(Resources.replicaSets, namespace: "default").items
            let undo = try await kubectl(["rollout", "undo", "deployment/web"])
            #expect(undo.status == 0, "\(undo.output)")
            let third = try await kubectl(["rollout", "status", "deployment/web", "--timeout=120s"])
            #expect(third.status == 0, "\(third.output)")
            try await eventually("back on busybox") {
                let pods = try await Self.readyPods(client)
                return pods.count == 3
                    && pods.allSatisfy { $0[path: ["spec", "containers"]]?.array?.first?["image"] == "busybox" }
            }
            // The first ReplicaSet came back (no third one), now as revision 3.
            let replicaSets = try await client.list(Resources.replicaSets, namespace: "default").items
            #expect(replicaSets.count == 2 && replicaSetsBefore.count == 2)
            let busybox = replicaSets.first {
                $0[path: ["spec", "template", "spec", "containers"]]?.array?.first?["image"] == "busybox"
            }
            #expect(busybox?[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] == "3")

            let scaled = try await kubectl(["scale", "deployment/web", "--replicas=0"])
            #expect(scaled.status == 0, "\(scaled.output)")
            try await eventually("scaled to 0", seconds: 60) {
                try await client.list(Resources.pods, namespace: "default", labelSelector: "app=web").items.isEmpty
            }
            let deleted = try await kubectl(["delete", "deployment", "web"])
            #expect(deleted.status == 0, "\(deleted.output)")
        }
    }

    @Test("skiff rollout status, set image, history, undo, restart, pause and resume")
    func skiffRollout() async throws {
        try await withCluster { master, _, client in
            func skiff(_ args: [String]) async throws -> CommandResult {
                try await runProgram(
                    "/usr/bin/timeout", ["150", Checkout.skiff] + args + ["--kubeconfig", master.kubeconfigPath])
            }
            func images() async throws -> Set<String> {
                Set(
                    try await Self.readyPods(client).compactMap {
                        $0[path: ["spec", "containers"]]?.array?.first?["image"]?.string
                    })
            }
            let applied = try await runProgram(
                Checkout.skiff, ["apply", "-f", "-", "--kubeconfig", master.kubeconfigPath],
                stdin: Self.manifest.replacingOccurrences(of: "replicas: 3", with: "replicas: 2"))
            #expect(applied.status == 0, "\(applied.output)")
            let first = try await skiff(["rollout", "status", "deployment/web", "--timeout", "120s"])
            #expect(
                first.status == 0 && first.output.contains("deployment \"web\" successfully rolled out"),
                "\(first.output)")

            let set = try await skiff(["set", "image", "deployment/web", "main=skiff-test"])
            #expect(set.output == "deployment.apps/web image updated\n", "\(set.output)")
            let missing = try await skiff(["set", "image", "deployment/web", "nope=busybox"])
            #expect(missing.status != 0 && missing.output.contains("unable to find container named \"nope\""))
            let second = try await skiff(["rollout", "status", "deployment/web", "--timeout", "120s"])
            #expect(second.status == 0, "\(second.output)")
            try await eventually("all ready pods on the new image", seconds: 60) {
                try await images() == ["skiff-test"]
            }

            let history = try await skiff(["rollout", "history", "deployment/web"])
            #expect(history.output.contains("REVISION   CHANGE-CAUSE"), "\(history.output)")
            #expect(history.output.contains("1          <none>") && history.output.contains("2          <none>"))

            let undo = try await skiff(["rollout", "undo", "deployment/web"])
            #expect(undo.output == "deployment.apps/web rolled back\n", "\(undo.output)")
            _ = try await skiff(["rollout", "status", "deployment/web", "--timeout", "120s"])
            try await eventually("back on busybox", seconds: 60) { try await images() == ["busybox"] }

            let before = Set(try await Self.readyPods(client).compactMap { $0[path: ["metadata", "name"]]?.string })
            let restart = try await skiff(["rollout", "restart", "deployment/web"])
            #expect(restart.output == "deployment.apps/web restarted\n", "\(restart.output)")
            try await eventually("every pod replaced", seconds: 60) {
                let now = Set(try await Self.readyPods(client).compactMap { $0[path: ["metadata", "name"]]?.string })
                return now.count == 2 && now.isDisjoint(with: before)
            }

            #expect(try await skiff(["rollout", "pause", "deployment/web"]).output == "deployment.apps/web paused\n")
            let again = try await skiff(["rollout", "pause", "deployment/web"])
            #expect(again.status != 0 && again.output.contains("already paused"), "\(again.output)")
            #expect(try await skiff(["rollout", "resume", "deployment/web"]).output == "deployment.apps/web resumed\n")
            let daemon = try await skiff(["rollout", "pause", "daemonset/web"])
            #expect(daemon.status != 0, "only Deployments pause: \(daemon.output)")
        }
    }
}

/// The pod facts these tests read, as the controllers read them.
enum PodFactsForTests {
    static func isDeleting(_ pod: JSON) -> Bool {
        let stamp = pod[path: ["metadata", "deletionTimestamp"]]
        return stamp != nil && stamp != .null
    }

    static func isReady(_ pod: JSON) -> Bool {
        (pod[path: ["status", "conditions"]]?.array ?? []).contains {
            $0["type"]?.string == "Ready" && $0["status"]?.string == "True"
        }
    }
}
