import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// `hostUsers: false`: the pod's own user namespace, with a 65536-id host range per pod and
/// idmapped image and volumes, so root inside is an unprivileged id outside.
@Suite("pods in their own user namespace", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentUserNamespaceTests {
    typealias P = AgentPodTests

    @Test("a non-identity uid_map, root inside writing the image and volumes, a disjoint range per pod, exec inside")
    func hostUsersFalse() async throws {
        try await withCluster { master, agent, client in
            let script = """
                cat /proc/self/uid_map; id; touch /rootfile && echo wrote-root; echo x > /data/f && echo wrote-volume
                ls -ln /data/f; ls -ldn /dev /dev/shm | sed 's/^/dev: /'; sleep 3600
                """
            for name in ["mapped", "mapped2"] {
                let container = P.container(
                    "main", script, extra: ["volumeMounts": [["name": "data", "mountPath": "/data"]]])
                _ = try await client.create(
                    Resources.pods, namespace: "default",
                    object: P.pod(
                        name, containers: [container],
                        extra: ["hostUsers": false, "volumes": [["name": "data", "emptyDir": [:]]]]))
            }
            var bases: [String] = []
            for name in ["mapped", "mapped2"] {
                try await waitForRunning(client, agent, name)
                let pod = try await P.get(client, name)
                try await eventually("\(name) printed its ids") {
                    agent.logText(pod: pod, container: "main").contains("wrote-volume")
                }
                let lines = agent.logText(pod: pod, container: "main").split(separator: "\n").map(String.init)
                let map = lines.first?.split(separator: " ").map(String.init) ?? []
                #expect(map.count == 3 && map[0] == "0" && map[1] != "0" && map[2] == "65536", "\(lines)")
                bases.append(map.count == 3 ? map[1] : "?")
                #expect(lines.contains { $0.hasPrefix("uid=0(root) gid=0(root)") }, "\(lines)")
                #expect(lines.contains("wrote-root") && lines.contains("wrote-volume"), "\(lines)")
                // The volume's file is root's inside (idmapped), and on disk too.
                #expect(lines.contains { $0.contains(" 0 ") && $0.hasSuffix("/data/f") }, "\(lines)")
                // /dev (and its shm) are root's inside too, not the overflow id (nobody).
                let dev = lines.filter { $0.hasPrefix("dev: ") }
                #expect(
                    dev.count == 2 && dev.allSatisfy { $0.split(separator: " ").dropFirst(3).prefix(2) == ["0", "0"] },
                    "\(dev)")
            }
            #expect(Set(bases).count == 2, "each pod has its own range: \(bases)")

            let environment = ["SKIFF_SERVER": "unix://" + master.socketPath]
            let inspect = try await runProgram(
                Checkout.skiff, ["inspect", "pod", "mapped", "-o", "json"], environment: environment)
            let report = try JSON.parse(inspect.output)
            let main = report["containers"]?.array?.first
            let user = main?["namespaces"]?.array?.first { $0["type"] == "user" }
            #expect(user?["isHost"] == false, "the pod has its own user namespace")
            #expect(
                main?["uid"]?.string == Array(repeating: bases[0], count: 4).joined(separator: " "),
                "root inside is host id \(bases[0]): \(main?["uid"] ?? nil)")
            let exec = try await runProgram(
                Checkout.skiff, ["exec", "mapped", "--", "sh", "-c", "id -u; cat /proc/self/uid_map"],
                environment: environment)
            #expect(
                exec.status == 0 && exec.output.hasPrefix("0\n") && exec.output.contains(bases[0]), "\(exec.output)")

            // The node's namespaces cannot be had with a user namespace of the pod's own.
            do {
                _ = try await client.create(
                    Resources.pods, namespace: "default",
                    object: P.pod(
                        "mixed", containers: [P.container("main", "true")],
                        extra: ["hostUsers": false, "hostNetwork": true]))
                Issue.record("hostUsers: false with hostNetwork was accepted")
            } catch let error as SkiffError {
                #expect(error.message.contains("spec.hostNetwork: Forbidden"), "\(error.message)")
            }
        }
    }
}
