import Foundation
import Glibc
import SkiffAPI
import SkiffClient
import Testing

/// A real agent's node through the master's eyes: a paused agent's node goes Ready=Unknown
/// and is tainted, and is Ready again once the agent resumes; a DaemonSet's pod runs on it and
/// `kubectl rollout status` follows a rollout.
@Suite("real nodes and daemon pods", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentNodeTests {
    static func ready(_ client: APIClient, _ node: String) async throws -> String? {
        let node = try await client.get(Resources.nodes, namespace: nil, name: node)
        return (node[path: ["status", "conditions"]]?.array ?? []).first { $0["type"] == "Ready" }?["status"]?.string
    }

    @Test("a paused agent's node goes Unknown and tainted; resumed, it reports Ready and the taints go")
    func pausedAgent() async throws {
        // Longer than the agent's 10 s Lease renewal, short enough for a test.
        try await withCluster(masterArguments: ["--node-monitor-grace-period", "15s"]) { _, agent, client in
            try await eventually("Ready") { try await Self.ready(client, agent.nodeName) == "True" }
            let pid = agent.process.processIdentifier
            kill(pid, SIGSTOP)
            var resumed = false
            defer { if !resumed { kill(pid, SIGCONT) } }
            // The condition is written first, the taint right after it.
            try await eventually("Unknown and tainted after the grace period", seconds: 40) {
                let ready = try await Self.ready(client, agent.nodeName)
                let taints = try await NodeLifecycleTests.taints(client, agent.nodeName)
                return ready == "Unknown" && taints.contains("node.kubernetes.io/unreachable:NoExecute")
            }
            kill(pid, SIGCONT)
            resumed = true
            try await eventually("Ready again, untainted", seconds: 40) {
                let ready = try await Self.ready(client, agent.nodeName)
                let taints = try await NodeLifecycleTests.taints(client, agent.nodeName)
                return ready == "True" && taints.isEmpty
            }
        }
    }

    @Test("a DaemonSet's pod runs on the node; kubectl rollout status follows an image change")
    func daemonPod() async throws {
        try await withCluster { master, agent, client in
            // Before the node registers, the DaemonSet wants 0 pods, and `rollout status`
            // rightly reports that as rolled out (seen once: the check below then failed).
            try await eventually("the node Ready") { try await Self.ready(client, agent.nodeName) == "True" }
            var ds = DaemonSetTests.daemonSet("logger")
            ds[path: ["spec", "template", "spec", "containers"]] = [
                AgentPodTests.container("main", "trap 'exit 0' TERM; while true; do sleep 0.2; done")
            ]
            _ = try await client.create(Resources.daemonSets, namespace: "default", object: ds)
            let kubectl = AgentLogsTests.kubectls[0].1
            let status = { () async throws -> CommandResult in
                try await runProgram(
                    kubectl, ["--kubeconfig", master.kubeconfigPath, "rollout", "status", "ds/logger", "--timeout=90s"])
            }
            let first = try await status()
            #expect(first.status == 0, "rollout status: \(first.output)")
            #expect(first.output.contains("successfully rolled out"), "\(first.output)")
            let running = try await DaemonSetTests.placement(client, "logger")[agent.nodeName] ?? []
            #expect(running.count == 1 && running.first?[path: ["status", "phase"]] == "Running")
            let old = running.first?[path: ["metadata", "name"]]?.string

            _ = try await client.patch(
                Resources.daemonSets, namespace: "default", name: "logger",
                patch: ["spec": ["template": ["metadata": ["annotations": ["restartedAt": "now"]]]]])
            let second = try await status()
            #expect(second.status == 0, "rollout status after a change: \(second.output)")
            let now = try await DaemonSetTests.placement(client, "logger")[agent.nodeName] ?? []
            #expect(now.count == 1 && now.first?[path: ["metadata", "name"]]?.string != old)
            #expect(now.first?[path: ["status", "phase"]] == "Running")
            try await client.delete(Resources.daemonSets, namespace: "default", name: "logger")
            try await eventually("its pod gone", seconds: 60) {
                try await DaemonSetTests.placement(client, "logger").isEmpty
            }
        }
    }
}
