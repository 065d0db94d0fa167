import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// `skiff inspect pod`: what the kernel reports for each container, through the API server's
/// node proxy (the same path `kubectl get --raw` takes).
@Suite("inspect a running pod", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentInspectTests {
    typealias P = AgentPodTests

    @Test("namespaces beside the host's and shared between containers, limits, seccomp, caps, maps and mounts")
    func inspectPod() async throws {
        try await withCluster { master, agent, client in
            let limited = P.container(
                "a", "exec sleep 3600", extra: ["resources": ["limits": ["memory": "64Mi", "cpu": "500m"]]])
            let b = P.container("b", "exec sleep 3600")
            _ = try await client.create(
                Resources.pods, namespace: "default", object: P.pod("seen", containers: [limited, b]))
            try await waitForRunning(client, agent, "seen")
            let environment = ["SKIFF_SERVER": "unix://" + master.socketPath]
            let json = try await runProgram(
                Checkout.skiff, ["inspect", "pod", "seen", "-o", "json"], environment: environment)
            #expect(json.status == 0, "\(json.output)")
            let report = try JSON.parse(json.output)
            let containers = report["containers"]?.array ?? []
            #expect(containers.compactMap { $0["name"]?.string } == ["a", "b"])
            let a = try #require(containers.first)
            func namespace(_ type: String) -> JSON? {
                a["namespaces"]?.array?.first { $0["type"]?.string == type }
            }
            for type in ["net", "ipc", "uts"] {
                #expect(namespace(type)?["sharedWith"] == ["b"], "\(type) is the pod's")
                #expect(namespace(type)?["isHost"] == false, "\(type)")
            }
            for type in ["mnt", "pid", "cgroup"] {
                #expect(namespace(type)?["sharedWith"] == [], "\(type) is the container's own")
                #expect(namespace(type)?["isHost"] == false, "\(type)")
            }
            #expect(namespace("user")?["isHost"] == true, "no user namespace without hostUsers: false")
            let memory = a[path: ["cgroup", "limits", "memory.max"]]?.string ?? ""
            #expect(memory.hasPrefix("67108864"), "\(memory)")
            #expect(a[path: ["cgroup", "path"]]?.string?.hasSuffix("/a") == true)
            #expect(a[path: ["seccomp", "mode"]] == "filter" && a[path: ["seccomp", "profile"]] == "RuntimeDefault")
            #expect(a["noNewPrivs"] == true)
            #expect(a[path: ["capabilities", "effective", "mask"]] == "00000000a80425fb")
            #expect(a[path: ["capabilities", "effective", "names"]]?.array?.contains("NET_BIND_SERVICE") == true)
            let uidMap = (a["uidMap"]?.string ?? "").split(separator: " ", omittingEmptySubsequences: true)
            #expect(uidMap == ["0", "0", "4294967295"], "identity map: \(uidMap)")
            let mounts = a["mounts"]?.array ?? []
            #expect(mounts.contains { $0["path"] == "/" && $0["type"] == "overlay" })
            #expect(mounts.contains { $0["path"] == "/proc" && $0["type"] == "proc" })
            #expect(mounts.contains { $0["path"] == "/proc/keys" }, "masked path")

            let text = try await runProgram(Checkout.skiff, ["inspect", "pod", "seen"], environment: environment)
            #expect(text.status == 0)
            #expect(text.output.contains("SHARED WITH") && text.output.contains("Container b"), "\(text.output)")
            #expect(text.output.contains("profile RuntimeDefault"))
            let node = agent.nodeName
            let raw = try await runProgram(
                AgentLogsTests.kubectls[0].1,
                [
                    "--kubeconfig", master.kubeconfigPath, "get", "--raw",
                    "/api/v1/nodes/\(node)/proxy/inspect/default/seen",
                ])
            #expect(raw.status == 0, "\(raw.output)")
            #expect((try? JSON.parse(raw.output))?["containers"]?.array?.count == 2, "kubectl get --raw reaches it too")
            let missing = try await runProgram(Checkout.skiff, ["inspect", "pod", "nosuch"], environment: environment)
            #expect(missing.status != 0 && missing.output.contains("nosuch"), "\(missing.output)")
        }
    }
}
