import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// `pods/exec` end to end: real kubectl (1.33 over WebSocket, 1.20 over SPDY/3.1) and the
/// Python client, through the API server to the agent and `skiff-init exec` in the container.
@Suite("exec into containers", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentExecTests {
    typealias Pods = AgentPodTests

    func kubectl(_ path: String, _ master: MasterProcess, _ args: [String], stdin: String? = nil) async throws
        -> CommandResult
    {
        try await runProgram(path, ["--kubeconfig", master.kubeconfigPath] + args, stdin: stdin)
    }

    @Test(
        "kubectl exec -i with stdin, stdout, stderr and the exit code; -t with a terminal; the Python client; skiff exec"
    )
    func kubectlExec() async throws {
        try await withCluster { master, agent, client in
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: Pods.pod("shell", containers: [Pods.container("main", "sleep 3600")]))
            try await waitForRunning(client, agent, "shell")
            for (version, path) in AgentLogsTests.kubectls {
                try #require(FileManager.default.isExecutableFile(atPath: path), "\(path): run `make client-tools`")
                let cat = try await kubectl(
                    path, master, ["exec", "-i", "shell", "--", "sh", "-c", "cat; echo to-stderr >&2; exit 3"],
                    stdin: "hello\nworld\n")
                #expect(cat.status == 3, "kubectl \(version): \(cat.output)")
                // stdout and stderr are separate streams: their order relative to each other is not kept.
                #expect(cat.output.contains("hello\nworld\n"), "kubectl \(version): \(cat.output)")
                #expect(cat.output.contains("to-stderr\n"), "kubectl \(version): \(cat.output)")
                #expect(cat.output.contains("command terminated with exit code 3"), "kubectl \(version): \(cat.output)")

                let ok = try await kubectl(path, master, ["exec", "shell", "--", "sh", "-c", "hostname; echo a b"])
                #expect(ok.status == 0 && ok.output == "shell\na b\n", "kubectl \(version): \(ok.output)")

                let missing = try await kubectl(path, master, ["exec", "shell", "--", "nosuch-command"])
                #expect(missing.status == 127, "kubectl \(version): \(missing.output)")
                #expect(
                    missing.output.contains("\"nosuch-command\": executable file not found in $PATH"),
                    "kubectl \(version): \(missing.output)")

                // A terminal: `script` gives kubectl one, sized 101x33, which the container sees.
                let tty = try await runInTerminal(
                    "stty cols 101 rows 33; \(path) --kubeconfig \(master.kubeconfigPath) exec -it shell -- sh -c 'tty; stty size; exit 4'"
                )
                #expect(tty.status == 4, "kubectl \(version) -t: \(tty.output)")
                #expect(tty.output.contains("/dev/pts/"), "kubectl \(version) -t: \(tty.output)")
                #expect(tty.output.contains("33 101"), "kubectl \(version) -t: \(tty.output)")
            }

            let python = Checkout.tools + "/venv/bin/python"
            try #require(FileManager.default.isExecutableFile(atPath: python), "\(python): run `make client-tools`")
            let run = try await runProgram(
                python,
                [
                    Checkout.root.appendingPathComponent("Tests/clients/python_exec.py").path, master.kubeconfigPath,
                    "shell",
                ])
            #expect(run.status == 0, "\(run.output)")
            let result = try JSON.parse(Array(run.output.utf8))
            #expect(result["simple"] == "hi\nshell\n")
            #expect(result["stdout"] == "got from-python\n")
            #expect(result["stderr"] == "oops\n")
            #expect(result["returncode"] == 3)

            // skiff exec, over the Unix socket and over HTTPS with the kubeconfig.
            let socket = ["--server", "unix://" + master.socketPath]
            let skiff = try await runProgram(
                Checkout.skiff, ["exec"] + socket + ["-i", "shell", "--", "sh", "-c", "cat; exit 5"], stdin: "in\n")
            #expect(skiff.status == 5 && skiff.output == "in\n", "skiff exec: \(skiff.output)")
            let tls = try await runProgram(
                Checkout.skiff, ["exec", "--kubeconfig", master.kubeconfigPath, "shell", "--", "hostname"])
            #expect(tls.status == 0 && tls.output == "shell\n", "skiff exec over HTTPS: \(tls.output)")
            let wrong = try await runProgram(Checkout.skiff, ["exec"] + socket + ["shell", "-c", "nope", "--", "true"])
            #expect(wrong.status == 1, "\(wrong.output)")
            #expect(wrong.output.contains("error: container nope is not valid for pod shell"), "\(wrong.output)")
        }
    }

    @Test("the exec'd process is in the container: its namespaces, cgroup, user, capabilities and seccomp")
    func confinement() async throws {
        try await withCluster { master, agent, client in
            let user = Pods.container(
                "user", "sleep 3600", extra: ["securityContext": ["runAsUser": 1000, "runAsGroup": 3000]])
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: Pods.pod("confined", containers: [Pods.container("main", "sleep 3600"), user]))
            try await waitForRunning(client, agent, "confined")
            let kubectl = AgentLogsTests.kubectls[0].1
            let script = """
                for n in pid mnt net uts ipc cgroup; do
                  [ "$(readlink /proc/self/ns/$n)" = "$(readlink /proc/1/ns/$n)" ] && echo same-$n
                  readlink /proc/self/ns/$n
                done
                [ "$(cat /proc/self/cgroup)" = "$(cat /proc/1/cgroup)" ] && echo same-cgroup-membership
                grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status
                grep '^CapEff:' /proc/1/status | sed 's/CapEff/Pid1CapEff/'
                """
            let inside = try await self.kubectl(
                kubectl, master, ["exec", "confined", "-c", "main", "--", "sh", "-c", script])
            #expect(inside.status == 0, "\(inside.output)")
            for kind in ["pid", "mnt", "net", "uts", "ipc", "cgroup"] {
                #expect(inside.output.contains("same-\(kind)\n"), "\(kind): \(inside.output)")
                // …and none of them is the host's (this test runs in the host's namespaces).
                let host = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/\(kind)")
                #expect(!inside.output.contains(host + "\n"), "\(kind) is the host's \(host)")
            }
            #expect(inside.output.contains("same-cgroup-membership"), "\(inside.output)")
            let fields = Dictionary(
                inside.output.split(separator: "\n").compactMap { line -> (String, String)? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    return parts.count == 2
                        ? (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces)) : nil
                }, uniquingKeysWith: { a, _ in a })
            #expect(fields["CapEff"] == "00000000a80425fb", "the OCI default set: \(inside.output)")
            #expect(fields["CapEff"] == fields["Pid1CapEff"], "\(inside.output)")
            #expect(fields["NoNewPrivs"] == "1", "\(inside.output)")
            #expect(fields["Seccomp"] == "2", "filter mode: \(inside.output)")

            let ids = try await self.kubectl(
                kubectl, master, ["exec", "confined", "-c", "user", "--", "sh", "-c", "id -u; id -g"])
            #expect(ids.output == "1000\n3000\n", "runAsUser/runAsGroup apply to exec: \(ids.output)")
            // Seccomp holds in exec as in the container: unshare is refused.
            let unshare = try await self.kubectl(
                kubectl, master, ["exec", "confined", "-c", "main", "--", "unshare", "-U", "true"])
            #expect(unshare.status != 0, "\(unshare.output)")
        }
    }

    @Test("kubectl attach shows the container's output from now on, stdout and stderr, until it exits")
    func attach() async throws {
        try await withCluster { master, agent, client in
            for (version, path) in AgentLogsTests.kubectls {
                let name = "attach-\(version)"
                let trigger = master.directory + "/" + name
                try FileManager.default.createDirectory(atPath: trigger, withIntermediateDirectories: true)
                let script = "echo early; until [ -e /trigger/go ]; do sleep 0.2; done; echo late; echo late-err >&2"
                let pod = Pods.pod(
                    name, restartPolicy: "Never",
                    containers: [
                        Pods.container(name, script, extra: ["volumeMounts": [["name": "t", "mountPath": "/trigger"]]])
                    ],
                    extra: ["volumes": [["name": "t", "hostPath": ["path": .string(trigger)]]]])
                _ = try await client.create(Resources.pods, namespace: "default", object: pod)
                try await waitForRunning(client, agent, name)
                try await eventually("\(name) printed early") {
                    try await AgentLogsTests.log(client, name, []).contains("early")
                }
                let (waited, session) = try await runUntilServerEnds(
                    path, ["--kubeconfig", master.kubeconfigPath, "attach", name], settle: .seconds(2)
                ) { FileManager.default.createFile(atPath: trigger + "/go", contents: nil) }
                #expect(waited, "kubectl \(version) attach waits for output")
                let text = session.output
                #expect(
                    session.status == 0,
                    "kubectl \(version) attach returns when the container exits: \(text)")
                #expect(text.contains("late\n") && text.contains("late-err\n"), "kubectl \(version): \(text)")
                #expect(!text.contains("early"), "attach starts at the present: \(text)")
            }
        }
    }

    @Test("a client that goes away ends its command; errors name the container")
    func disconnectAndErrors() async throws {
        try await withCluster { master, agent, client in
            let done = Pods.container("done", "true")
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: Pods.pod(
                    "partial", restartPolicy: "Never", containers: [Pods.container("main", "sleep 3600"), done]))
            try await waitForRunning(client, agent, "partial")
            try await eventually("done exits") {
                Pods.state(try await Pods.get(client, "partial"), "done")?["terminated"] != nil
            }
            for (version, path) in AgentLogsTests.kubectls {
                let marker = "sleep 30\(version.count)\(version)"
                let session = Process()
                session.executableURL = URL(fileURLWithPath: path)
                session.arguments = [
                    "--kubeconfig", master.kubeconfigPath, "exec", "partial", "-c", "main", "--", "sh", "-c", marker,
                ]
                session.standardOutput = FileHandle.nullDevice
                session.standardError = FileHandle.nullDevice
                try session.run()
                defer { if session.isRunning { kill(session.processIdentifier, SIGKILL) } }
                let ps = {
                    try await self.kubectl(path, master, ["exec", "partial", "-c", "main", "--", "ps", "-o", "args"])
                }
                try await eventually("kubectl \(version): \(marker) runs") { try await ps().output.contains(marker) }
                kill(session.processIdentifier, SIGKILL)
                session.waitUntilExit()
                try await eventually("kubectl \(version): \(marker) ended with its client") {
                    try await !ps().output.contains(marker)
                }

                let exited = try await kubectl(path, master, ["exec", "partial", "-c", "done", "--", "true"])
                #expect(exited.status != 0, "kubectl \(version): \(exited.output)")
                #expect(
                    exited.output.contains("container \"done\" in pod \"partial\" is not running"),
                    "kubectl \(version): \(exited.output)")
                let unknown = try await kubectl(path, master, ["exec", "partial", "-c", "nosuch", "--", "true"])
                #expect(unknown.status != 0, "kubectl \(version): \(unknown.output)")
                #expect(
                    unknown.output.contains("container nosuch is not valid for pod partial"),
                    "kubectl \(version): \(unknown.output)")
            }
        }
    }
}
