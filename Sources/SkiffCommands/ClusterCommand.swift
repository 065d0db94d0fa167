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
        commandName: "up", abstract: "Start skiffd master in the background and wait until it is ready.")

    @Option(help: "Directory for the cluster's state, logs and kubeconfig.") var dataDir: String
    @Option(help: "HTTPS listen address for kubectl.") var listen: String = "127.0.0.1:6443"
    @Option(help: "Extra argument for skiffd master (repeatable).") var masterArg: [String] = []
    @Option(help: "Seconds to wait for readiness.") var timeout: Int = 60

    func run() async throws {
        try await runReportingErrors {
            let dir = URL(fileURLWithPath: dataDir).standardizedFileURL.path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let pidFile = dir + "/master.pid"
            if let pid = ClusterProcesses.runningPid(pidFile, dataDir: dir) {
                print("skiffd master is already running in \(dir) (pid \(pid))")
                return
            }
            let skiffd = try ClusterProcesses.siblingExecutable("skiffd")
            // The kubeconfig is rewritten once the port is bound; a stale one must not be mistaken for it.
            try? FileManager.default.removeItem(atPath: dir + "/kubeconfig")
            let args = ["master", "--data-dir", dir, "--listen", listen] + masterArg
            let pid = try ClusterProcesses.spawnDetached(skiffd, args, log: dir + "/master.log")
            try "\(pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
            try await waitReady(dir: dir, pid: pid)
            print(
                """
                skiffd master is running (pid \(pid)); logs: \(dir)/master.log
                No node agent yet: pods are accepted and stay Pending until the node runtime lands.

                Use it with skiff:     skiff --server unix://\(dir)/api.sock get pods
                Use it with kubectl:   kubectl --kubeconfig \(dir)/kubeconfig get pods
                Stop it:               skiff cluster down --data-dir \(dataDir)
                """)
        }
    }

    private func waitReady(dir: String, pid: Int32) async throws {
        let client = try APIClient(endpoint: .unixSocket(path: dir + "/api.sock"), timeout: .seconds(2))
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while Date() < deadline {
            if kill(pid, 0) != 0 {
                let log = (try? String(contentsOfFile: dir + "/master.log", encoding: .utf8)) ?? ""
                throw CLIError(
                    "skiffd master exited during start-up; last log lines:\n"
                        + log.split(separator: "\n").suffix(10).joined(separator: "\n"))
            }
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
        commandName: "down", abstract: "Stop every process of the cluster in a data directory.")

    @Option(help: "The cluster's data directory.") var dataDir: String

    func run() async throws {
        try await runReportingErrors {
            let dir = URL(fileURLWithPath: dataDir).standardizedFileURL.path
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
