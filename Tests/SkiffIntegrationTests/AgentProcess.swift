import Foundation
import SkiffAPI
import SkiffClient
import SkiffLinux
import Testing

/// A `skiffd agent` for a test master: its own data directory inside the master's, a unique
/// node name and cgroup parent (`/skiff/t-XXXX`), short restart back-off. `stop()` deletes what
/// is left of its pods through the API, waits for the agent to remove them, then removes the
/// cgroup parent, so a test leaves no process, mount or cgroup behind.
final class AgentProcess: @unchecked Sendable {
    let master: MasterProcess
    let nodeName: String
    let directory: String
    let cgroupParent: String
    private(set) var process = Process()
    var extraArguments: [String]

    init(master: MasterProcess, backoffInitial: String = "1s", extraArguments: [String] = []) throws {
        self.master = master
        let suffix = String(UUID().uuidString.prefix(6)).lowercased()
        nodeName = "node-" + suffix
        directory = master.directory + "/" + nodeName
        cgroupParent = "/skiff/t-" + suffix
        self.extraArguments =
            ["--backoff-initial", backoffInitial, "--backoff-max", "4s"]
            + (Checkout.initPath.map { ["--init-path", $0] } ?? []) + extraArguments
        try start()
    }

    /// The node's network namespace, which the agent creates (`/run/netns/skiff-NODE`).
    var nodeNetns: String { "/run/netns/skiff-" + nodeName }

    var log: String { (try? String(contentsOfFile: directory + ".log", encoding: .utf8)) ?? "" }

    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Checkout.skiffd)
        p.arguments =
            [
                "agent", "--server", "unix://" + master.socketPath, "--data-dir", directory, "--node-name", nodeName,
                "--cgroup-parent", cgroupParent, "--image-dir", Checkout.images, "--log-level", "debug",
            ] + extraArguments
        let logHandle = try appendingLog(directory + ".log")
        p.standardOutput = logHandle
        p.standardError = logHandle
        try p.run()
        process = p
    }

    /// SIGKILL, as a crash: the pods must keep running without it.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop(client: APIClient) async {
        if process.isRunning {
            let pods = (try? await client.list(Resources.pods, namespace: nil))?.items ?? []
            for pod in pods where pod[path: ["spec", "nodeName"]]?.string == nodeName {
                _ = try? await client.delete(
                    Resources.pods, namespace: pod[path: ["metadata", "namespace"]]?.string,
                    name: pod[path: ["metadata", "name"]]?.string ?? "", options: ["gracePeriodSeconds": 0])
            }
            for _ in 0..<200 where !podDirectories().isEmpty { try? await Task.sleep(for: .milliseconds(100)) }
            process.terminate()
            // Bounded, and without holding a thread: an agent that ignores SIGTERM is a failure,
            // not a hung test run.
            for _ in 0..<100 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
            if process.isRunning {
                Issue.record("the agent did not stop within 10 s of SIGTERM; killed")
                kill(process.processIdentifier, SIGKILL)
                for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
            }
        }
        // What the agent could not remove (a failed test's leftovers), and the node's network
        // namespace, go the way `skiff cluster down` takes them.
        let stopPods = Process()
        stopPods.executableURL = URL(fileURLWithPath: Checkout.skiffd)
        stopPods.arguments = ["stop-pods", "--data-dir", directory, "--cgroup-parent", cgroupParent]
        stopPods.standardOutput = FileHandle.nullDevice
        if (try? stopPods.run()) != nil { stopPods.waitUntilExit() }
        if let cgroups = try? Cgroups.detect(parent: cgroupParent) {
            for uid in (try? cgroups.listPods()) ?? [] { try? cgroups.pod(uid).kill() }
            try? cgroups.parent.remove()
        }
    }

    func podDirectories() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/pods")) ?? []).filter {
            !$0.hasPrefix(".")
        }
    }

    /// The CRI log of a container run, with the timestamp and stream columns removed.
    func logText(pod: JSON, container: String, restart: Int = 0) -> String {
        let ns = pod[path: ["metadata", "namespace"]]?.string ?? "default"
        let name = pod[path: ["metadata", "name"]]?.string ?? ""
        let uid = pod[path: ["metadata", "uid"]]?.string ?? ""
        let path = "\(directory)/logs/\(ns)_\(name)_\(uid)/\(container)/\(restart).log"
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            line.split(separator: " ", maxSplits: 3).dropFirst(3).joined()
        }.joined(separator: "\n")
    }
}

/// A master and one agent, both stopped afterwards; the test body gets a client too.
func withCluster<T>(
    backoffInitial: String = "1s", agentArguments: [String] = [], masterArguments: [String] = [],
    _ body: (MasterProcess, AgentProcess, APIClient) async throws -> T
) async throws -> T {
    try Privileged.requireRoot()
    let master = try await MasterProcess(arguments: masterArguments)
    defer { master.stop() }
    let client = try master.socketClient()
    let agent = try AgentProcess(master: master, backoffInitial: backoffInitial, extraArguments: agentArguments)
    do {
        let result = try await body(master, agent, client)
        await agent.stop(client: client)
        return result
    } catch {
        await agent.stop(client: client)
        throw error
    }
}

/// Waits (generously: suites start their clusters all at once) for a pod to be Running, and
/// records its status and the agent's log if it never is.
func waitForRunning(_ client: APIClient, _ agent: AgentProcess, _ name: String) async throws {
    do {
        try await eventually("\(name) Running", seconds: 90) {
            try await AgentPodTests.get(client, name)[path: ["status", "phase"]]?.string == "Running"
        }
    } catch {
        let pod = try? await AgentPodTests.get(client, name)
        Issue.record(
            "\(name): spec.nodeName \(pod?[path: ["spec", "nodeName"]]?.string ?? "-"), status \(pod?["status"]?.serializedString() ?? "-"); agent log: \(agent.log.suffix(2000))"
        )
        throw error
    }
}

/// Polls `condition` every 100 ms until it holds or `seconds` pass (a generous bound for a
/// loaded CI machine; the benchmarks measure speed).
func eventually(_ what: String, seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("timed out after \(seconds) s waiting for: \(what)")
    throw CancellationError()
}
