import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Start or stop a local cluster in a data directory.",
        subcommands: [ClusterUpCommand.self, ClusterDownCommand.self])
}

struct ClusterUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start skiffd master and one node agent in the background and wait until both are ready.")

    @Option(help: "Directory for the cluster's state, logs and kubeconfig.") var dataDir: String
    @Option(help: "HTTPS listen address for kubectl.") var listen: String = "127.0.0.1:6443"
    @Option(help: "Extra argument for skiffd master (repeatable).") var masterArg: [String] = []
    @Option(help: "Extra argument for skiffd agent (repeatable).") var agentArg: [String] = []
    @Option(help: "The node agent's node name.") var nodeName: String = "node-1"
    @Option(help: "Seconds to wait for readiness.") var timeout: Int = 60

    func run() async throws {
        try await runReportingErrors {
            let dir = URL(fileURLWithPath: dataDir).standardizedFileURL.path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let skiffd = try ClusterProcesses.siblingExecutable("skiffd")
            let pidFile = dir + "/master.pid"
            var pid: Int32
            if let running = ClusterProcesses.runningPid(pidFile, dataDir: dir) {
                print("skiffd master is already running in \(dir) (pid \(running))")
                pid = running
            } else {
                // The kubeconfig is rewritten once the port is bound; a stale one must not be mistaken for it.
                try? FileManager.default.removeItem(atPath: dir + "/kubeconfig")
                let args = ["master", "--data-dir", dir, "--listen", listen] + masterArg
                pid = try ClusterProcesses.spawnDetached(skiffd, args, log: dir + "/master.log")
                try "\(pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
                try await waitReady(dir: dir, pid: pid)
            }
            let agentPid = try await startAgent(skiffd: skiffd, dir: dir)
            print(
                """
                skiffd master is running (pid \(pid)); logs: \(dir)/master.log
                skiffd agent for node \(nodeName) is running (pid \(agentPid)); logs: \(dir)/nodes/\(nodeName)/agent.log

                Use it with skiff:     skiff --server unix://\(dir)/api.sock get pods
                Use it with kubectl:   kubectl --kubeconfig \(dir)/kubeconfig get pods
                Stop it:               skiff cluster down --data-dir \(dataDir)
                """)
        }
    }

    /// One agent per node in DIR/nodes/NODE; it needs root (namespaces, cgroups, mounts).
    private func startAgent(skiffd: String, dir: String) async throws -> Int32 {
        let nodeDir = dir + "/nodes/" + nodeName
        try FileManager.default.createDirectory(atPath: nodeDir, withIntermediateDirectories: true)
        let pidFile = nodeDir + "/agent.pid"
        if let running = ClusterProcesses.runningPid(pidFile, dataDir: nodeDir) { return running }
        guard getuid() == 0 else {
            throw CLIError("the node agent runs pods with namespaces, cgroups and mounts and needs root: run as root")
        }
        let args =
            ["agent", "--server", "unix://\(dir)/api.sock", "--data-dir", nodeDir, "--node-name", nodeName] + agentArg
        let pid = try ClusterProcesses.spawnDetached(skiffd, args, log: nodeDir + "/agent.log")
        try "\(pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        let client = try APIClient(endpoint: .unixSocket(path: dir + "/api.sock"), timeout: .seconds(2))
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while Date() < deadline {
            try Self.checkAlive(pid, "skiffd agent", log: nodeDir + "/agent.log")
            if let node = try? await client.get(Resources.nodes, namespace: nil, name: nodeName),
                (node[path: ["status", "conditions"]]?.array ?? []).contains(where: {
                    $0["type"]?.string == "Ready" && $0["status"]?.string == "True"
                })
            {
                return pid
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("node \(nodeName) did not become Ready within \(timeout) s; see \(nodeDir)/agent.log")
    }

    /// A daemon that died while we wait for it: say so with the end of its log.
    static func checkAlive(_ pid: Int32, _ name: String, log path: String) throws {
        guard !ClusterProcesses.isRunning(pid) else { return }
        let log = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        throw CLIError(
            "\(name) exited during start-up; last log lines:\n"
                + log.split(separator: "\n").suffix(10).joined(separator: "\n"))
    }

    private func waitReady(dir: String, pid: Int32) async throws {
        let client = try APIClient(endpoint: .unixSocket(path: dir + "/api.sock"), timeout: .seconds(2))
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while Date() < deadline {
            try Self.checkAlive(pid, "skiffd master", log: dir + "/master.log")
            if (try? await client.send("GET", "/readyz", accept: "*/*")) != nil,
                FileManager.default.fileExists(atPath: dir + "/kubeconfig")
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("skiffd master did not become ready within \(timeout) s; see \(dir)/master.log")
    }
}

struct ClusterDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop every process of the cluster in a data directory: agents, their pods, the master.",
        discussion: """
            Pods keep their objects in the store: the next `cluster up` starts them again, as a
            node does after a reboot.
            """)

    @Option(help: "The cluster's data directory.") var dataDir: String

    func run() async throws {
        try await runReportingErrors {
            let dir = URL(fileURLWithPath: dataDir).standardizedFileURL.path
            try await stopAgents(dir: dir)
            let pidFile = dir + "/master.pid"
            guard let pid = ClusterProcesses.runningPid(pidFile, dataDir: dir) else {
                try? FileManager.default.removeItem(atPath: pidFile)
                print("no skiffd master is running in \(dir)")
                return
            }
            try await ClusterProcesses.stop(pid)
            try? FileManager.default.removeItem(atPath: pidFile)
            print("skiffd master (pid \(pid)) stopped")
        }
    }
}

extension ClusterDownCommand {
    /// Each agent is stopped, then its pods (which outlive agents by design) with
    /// `skiffd stop-pods`, which also removes their cgroups and directories.
    func stopAgents(dir: String) async throws {
        let nodesDir = dir + "/nodes"
        let nodes = (try? FileManager.default.contentsOfDirectory(atPath: nodesDir)) ?? []
        guard !nodes.isEmpty else { return }
        let skiffd = try ClusterProcesses.siblingExecutable("skiffd")
        for node in nodes.sorted() {
            let nodeDir = nodesDir + "/" + node
            if let pid = ClusterProcesses.runningPid(nodeDir + "/agent.pid", dataDir: nodeDir) {
                try await ClusterProcesses.stop(pid)
                print("skiffd agent for node \(node) (pid \(pid)) stopped")
            }
            try? FileManager.default.removeItem(atPath: nodeDir + "/agent.pid")
            // Always: besides pods, it removes the node's network namespace.
            let result = try ClusterProcesses.runToCompletion(skiffd, ["stop-pods", "--data-dir", nodeDir])
            print(result)
        }
    }
}
