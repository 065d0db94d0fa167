import Foundation
import Glibc
import SkiffAPI
import SkiffClient
import SkiffLinux

/// The node under test: a release `skiffd agent` for a BenchMaster, with a node name, data
/// directory, cgroup parent (`/skiff/bench-ID`) and node network namespace (`skiff-NODE`, made
/// by the agent) that only this benchmark uses. `tearDown` leaves nothing of it behind, even
/// after a failure: pods deleted through the API, the agent stopped by PID, then whatever is
/// left removed the way `skiff cluster down` does, and checked.
final class BenchAgent {
    let skiffd: String
    let nodeName: String
    let directory: String
    let cgroupParent: String
    let process = Process()
    /// Taken before the agent makes its parent, so `/skiff` goes too if the benchmark made it.
    let tree: CgroupTree

    init(skiffd: String, skiffInit: String, imageDir: String, master: BenchMaster, maxPods: Int) throws {
        let id = String(UUID().uuidString.prefix(6)).lowercased()
        self.skiffd = skiffd
        nodeName = "bench-" + id
        directory = master.directory + "/node"
        cgroupParent = "/skiff/bench-" + id
        tree = CgroupTree(parent: cgroupParent)
        _ = FileManager.default.createFile(atPath: log, contents: Data())
        let output = FileHandle(forWritingAtPath: log)
        process.executableURL = URL(fileURLWithPath: skiffd)
        process.arguments = [
            "agent", "--server", "unix://" + master.socket, "--data-dir", directory, "--node-name", nodeName,
            "--cgroup-parent", cgroupParent, "--image-dir", imageDir, "--init-path", skiffInit,
            "--max-pods", String(maxPods),
            // 500 pods need more addresses than the default /24 has; the bridge lives in the
            // agent's own node namespace, so this range is seen nowhere else.
            "--pod-cidr", "10.88.0.0/22", "--log-level", "warning",
        ]
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }
    var log: String { directory + ".log" }
    var netns: String { "/run/netns/skiff-" + nodeName }

    func logTail() -> String {
        String(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").suffix(1500))
    }

    /// Until the node is registered and Ready.
    func waitReady(_ client: APIClient) async throws {
        for _ in 0..<600 {
            guard process.isRunning else { throw BenchFailure("skiffd agent exited: \(logTail())") }
            let node = try? await client.get(Resources.lookup("nodes")!, namespace: nil, name: nodeName)
            let conditions = node?[path: ["status", "conditions"]]?.array ?? []
            if conditions.contains(where: { $0["type"]?.string == "Ready" && $0["status"]?.string == "True" }) {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchFailure("node \(nodeName) not Ready after 60 s: \(logTail())")
    }

    /// Pods the agent still holds on disk.
    func podDirectories() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/pods")) ?? []).filter {
            !$0.hasPrefix(".")
        }
    }

    /// Deletes what is left of the benchmark's pods through the API and gives the agent a minute
    /// to remove them, stops it, then removes and checks the rest. Returns what was left.
    func tearDown(_ client: APIClient) async -> [String] {
        if process.isRunning {
            let pods = Resources.lookup("pods")!
            if let left = try? await client.list(pods, namespace: "default").items {
                for pod in left {
                    let name = pod[path: ["metadata", "name"]]?.string ?? ""
                    _ = try? await client.delete(
                        pods, namespace: "default", name: name, options: ["gracePeriodSeconds": 0])
                }
                for _ in 0..<600 where !podDirectories().isEmpty { try? await Task.sleep(for: .milliseconds(100)) }
            }
            await stopAgent()
        }
        // Pods outlive their agent by design: what the agent did not remove goes the way
        // `skiff cluster down` takes it, the node namespace included.
        Shell.run(skiffd, ["stop-pods", "--data-dir", directory, "--cgroup-parent", cgroupParent])
        if let cgroups = try? Cgroups.detect(parent: cgroupParent) {
            for uid in (try? cgroups.listPods()) ?? [] { try? cgroups.pod(uid).kill() }
            try? cgroups.parent.remove()
        }
        tree.removeBenchTree()
        if FileManager.default.fileExists(atPath: netns) {
            Shell.run("/usr/bin/ip", ["netns", "delete", "skiff-" + nodeName])
        }
        return leftovers()
    }

    /// SIGTERM by PID, SIGKILL if it has not exited 20 s later.
    func stopAgent() async {
        process.terminate()
        for _ in 0..<200 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// After stop-pods: the node namespace, any cgroup below the parent in any hierarchy, any
    /// mount below the data directory (pods' /dev/shm; detached here), any process still
    /// naming the data directory (killed here).
    func leftovers() -> [String] {
        var left: [String] = []
        for pid in ProcStats.processes(mentioning: directory + "/") {
            left.append("process \(pid) (killed)")
            kill(pid, SIGKILL)
        }
        for mount in Self.mountPoints(below: directory + "/") {
            left.append("mount \(mount) (detached)")
            umount2(mount, Int32(MNT_DETACH))
        }
        if FileManager.default.fileExists(atPath: netns) { left.append(netns) }
        for mount in CgroupTree.mountPoints() where FileManager.default.fileExists(atPath: mount + cgroupParent) {
            left.append(mount + cgroupParent)
        }
        return left
    }

    /// Foundation reads a /proc file only up to 4 KiB; Syscalls.readFile reads it whole.
    static func mountPoints(below prefix: String) -> [String] {
        (Syscalls.readFile("/proc/self/mountinfo") ?? "").split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            return fields.count > 4 && fields[4].hasPrefix(prefix) ? String(fields[4]) : nil
        }
    }
}
