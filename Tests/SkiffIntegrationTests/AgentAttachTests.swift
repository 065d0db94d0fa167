import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// Containers with `stdin` and `tty`, and attach that writes to them, with real kubectl
/// (1.33 over WebSocket, 1.20 over SPDY/3.1). Every client runs under timeout(1).
@Suite("attach to stdin and terminals", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentAttachTests {
    typealias Pods = AgentPodTests

    func bounded(_ path: String, _ master: MasterProcess, _ args: [String], stdin: String? = nil) async throws
        -> CommandResult
    {
        try await runProgram(
            "/usr/bin/timeout", ["60", path, "--kubeconfig", master.kubeconfigPath] + args, stdin: stdin)
    }

    @Test("kubectl attach -i writes to the container's stdin; stdinOnce closes it when the session ends")
    func attachStdin() async throws {
        try await withCluster { master, agent, client in
            for (version, path) in AgentLogsTests.kubectls {
                let name = "stdin-\(version)"
                // `read` proves input arrives; `cat` ends only at EOF, which stdinOnce brings.
                let script = "read line; echo got:$line; cat >/dev/null; echo eof"
                let pod = Pods.pod(
                    name, restartPolicy: "Never",
                    containers: [Pods.container("main", script, extra: ["stdin": true, "stdinOnce": true])])
                _ = try await client.create(Resources.pods, namespace: "default", object: pod)
                try await waitForRunning(client, agent, name)
                let session = try await bounded(path, master, ["attach", "-i", name], stdin: "hello\n")
                #expect(session.status == 0, "kubectl \(version) attach -i: \(session.output)")
                #expect(session.output.contains("got:hello\n"), "kubectl \(version): \(session.output)")
                try await eventually("\(name) Succeeded") {
                    try await Pods.get(client, name)[path: ["status", "phase"]]?.string == "Succeeded"
                }
                let log = try await AgentLogsTests.log(client, name, [])
                #expect(log == "got:hello\neof\n", "stdinOnce gave the container EOF: \(log)")
            }
        }
    }

    @Test("a tty container: attach -it reaches its terminal (named, sized, line discipline) and kubectl run -i --rm")
    func attachTerminal() async throws {
        try await withCluster { master, agent, client in
            for (version, path) in AgentLogsTests.kubectls {
                let name = "tty-\(version)"
                // kubectl 1.33 first sends the size plus one (to make a program redraw), then the
                // size itself: wait (bounded) for the last one.
                let script =
                    "read x; tty; for i in $(seq 25); do [ \"$(stty size)\" = '33 101' ] && break; sleep 0.2; done; "
                    + "stty size; echo got:$x"
                let pod = Pods.pod(
                    name, restartPolicy: "Never",
                    containers: [Pods.container("main", script, extra: ["stdin": true, "tty": true])])
                _ = try await client.create(Resources.pods, namespace: "default", object: pod)
                try await waitForRunning(client, agent, name)
                // `script` gives kubectl a terminal sized 101x33; kubectl sends that size on.
                // `--foreground` keeps kubectl in the terminal's foreground group, where it may read.
                let command =
                    "stty cols 101 rows 33; timeout --foreground 60 \(path) --kubeconfig \(master.kubeconfigPath) attach -it \(name)"
                let session = try await runInTerminal(command, stdin: "hi\n")
                let text = session.output
                #expect(
                    text.contains("/dev/pts/0"), "kubectl \(version) attach -it: the container's own devpts: \(text)")
                #expect(text.contains("33 101"), "kubectl \(version) attach -it: resized: \(text)")
                #expect(text.contains("got:hi"), "kubectl \(version) attach -it: \(text)")
                try await eventually("\(name) Succeeded") {
                    try await Pods.get(client, name)[path: ["status", "phase"]]?.string == "Succeeded"
                }
                // The terminal's output is logged as stdout, echo and CRLF included, as kubelet's.
                let log = try await AgentLogsTests.log(client, name, [])
                #expect(log.contains("got:hi\r"), "tty output reaches the log: \(log)")

                // What people type first: run a pod, talk to it, have it removed afterwards.
                let runner = "run-\(version)"
                let run = try await bounded(
                    path, master,
                    [
                        "run", runner, "--image=busybox", "--restart=Never", "-i", "--rm", "--", "sh", "-c",
                        "read x; echo ran:$x",
                    ], stdin: "there\n")
                #expect(run.output.contains("ran:there"), "kubectl \(version) run -i --rm: \(run.output)")
                #expect(run.status == 0, "kubectl \(version) run -i --rm: \(run.output)")
                try await eventually("\(runner) deleted") {
                    do {
                        _ = try await Pods.get(client, runner)
                        return false
                    } catch let error as SkiffError where error.code == .notFound {
                        return true
                    }
                }
            }
        }
    }
}
