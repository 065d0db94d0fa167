import Foundation
import SkiffAPI
import SkiffLinux
import Testing

@Suite("skiff CLI against a real master")
struct CLITests {
    func skiff(_ master: MasterProcess, _ args: [String], stdin: String? = nil) async throws -> CommandResult {
        try await runProgram(
            Checkout.skiff, args, environment: ["SKIFF_SERVER": "unix://" + master.socketPath], stdin: stdin)
    }

    @Test("apply creates then configures from a multi-document file; get, label, scale and delete work")
    func applyGetDelete() async throws {
        try await withMaster { master in
            let manifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, labels: {app: web}}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: "busybox:1.36"}]}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {mode: fast}
                """
            var r = try await skiff(master, ["apply", "-f", "-"], stdin: manifest)
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("deployment.apps/web created"))
            #expect(r.output.contains("configmap/settings created"))
            r = try await skiff(
                master, ["apply", "-f", "-"],
                stdin: manifest.replacingOccurrences(of: "busybox:1.36", with: "busybox:1.37"))
            #expect(r.output.contains("deployment.apps/web configured"), "\(r.output)")
            r = try await skiff(master, ["get", "deploy", "web", "-o", "json"])
            let deployment = try JSON.parse(r.output)
            #expect(
                deployment[path: ["spec", "template", "spec", "containers"]]?.array?.first?["image"] == "busybox:1.37")
            #expect(deployment[path: ["metadata", "generation"]] == .int(2))

            r = try await skiff(master, ["get", "deployments"])
            #expect(r.output.contains("NAME") && r.output.contains("READY") && r.output.contains("UP-TO-DATE"))
            #expect(try await skiff(master, ["scale", "deployment/web", "--replicas=4"]).status == 0)
            r = try await skiff(master, ["get", "deploy", "web", "-o", "yaml"])
            #expect(r.output.contains("replicas: 4"))

            #expect(try await skiff(master, ["run", "p1", "--image=busybox", "--labels=env=a"]).status == 0)
            #expect(try await skiff(master, ["run", "p2", "--image=busybox", "--labels=env=c"]).status == 0)
            #expect(try await skiff(master, ["label", "pod", "p2", "env=b", "--overwrite"]).status == 0)
            r = try await skiff(master, ["get", "pods", "-l", "env in (a,b)", "-o", "name"])
            #expect(r.output.split(separator: "\n").sorted() == ["pod/p1", "pod/p2"])

            r = try await skiff(master, ["get", "pod", "nosuch"])
            #expect(r.status != 0)
            #expect(r.output.contains("Error from server (NotFound): pods \"nosuch\" not found"))
            r = try await skiff(master, ["delete", "-f", "-"], stdin: manifest)
            #expect(r.status == 0)
            #expect(r.output.contains("deployment.apps \"web\" deleted"))
            r = try await skiff(master, ["describe", "pod", "p1"])
            #expect(r.output.contains("Name:") && r.output.contains("p1") && r.output.contains("Events:"))
        }
    }

    @Test("cluster up starts a master that serves, and cluster down stops it")
    func clusterUpDown() async throws {
        let suffix = String(UUID().uuidString.prefix(8)).lowercased()
        let dir = "/tmp/skc-" + suffix
        // Its own node name and cgroup parent: a `make run` cluster on the same box is left alone.
        let node = "node-" + suffix
        defer {
            _ = try? runProgramBlocking(Checkout.skiff, ["cluster", "down", "--data-dir", dir])
            try? FileManager.default.removeItem(atPath: dir)
            try? Cgroups.detect(parent: "/skiff/t-" + suffix).parent.remove()
        }
        var r = try await runProgram(
            Checkout.skiff,
            [
                "cluster", "up", "--data-dir", dir, "--listen", "127.0.0.1:0", "--node-name", node,
                "--agent-arg=--cgroup-parent=/skiff/t-\(suffix)",
            ])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("kubectl --kubeconfig \(dir)/kubeconfig"))
        let pid =
            Int32(
                (try String(contentsOfFile: dir + "/master.pid", encoding: .utf8)).trimmingCharacters(
                    in: .whitespacesAndNewlines)) ?? 0
        #expect(pid > 0 && kill(pid, 0) == 0)
        r = try await runProgram(Checkout.skiff, ["get", "ns", "--server", "unix://\(dir)/api.sock"])
        #expect(r.output.contains("kube-system"))
        if getuid() == 0 {
            #expect(
                FileManager.default.fileExists(atPath: "/run/netns/skiff-" + node), "the agent made its node namespace")
        }
        r = try await runProgram(Checkout.skiff, ["cluster", "down", "--data-dir", dir])
        #expect(r.status == 0)
        // Gone, or a zombie its adopter has not reaped yet (this machine's PID 1 is slow to).
        #expect(!Syscalls.isRunning(pid))
        #expect(!FileManager.default.fileExists(atPath: "/run/netns/skiff-" + node), "cluster down removes it")
    }
}
