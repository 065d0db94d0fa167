import Foundation
import SkiffAPI

/// Container start, `/bin/true` to exit, on the busybox image: `skiff-init run` beside crun and
/// runc measured in the same run, with a matching config (OCIConfig), timed by one helper loop
/// (StartTimer).
///
/// crun and runc get absolute cgroup paths under Skiff's own tree, `/skiff/bench-ID/<runtime>`
/// in each hierarchy (they create one in every v1 hierarchy, not only Skiff's), never the
/// caller's cgroup; `CgroupTree.removeBenchTree` takes all of it away again. crun is also run with
/// `--cgroup-manager=disabled`, the like-for-like anchor: `skiff-init run` makes no cgroup.
struct StartLatency {
    let skiffInit: String
    let image: String
    let runs: Int
    let id = String(UUID().uuidString.prefix(8)).lowercased()

    var directory: String { "/tmp/skb-start-" + id }
    var cgroupParent: String { "/skiff/bench-" + id }

    struct Runtime {
        var path: String
        var version: String
    }

    func rows() async throws -> [Row] {
        let crun = Self.runtime("crun")
        let runc = Self.runtime("runc")
        let tree = CgroupTree(parent: cgroupParent)
        defer {
            tree.removeBenchTree()
            try? FileManager.default.removeItem(atPath: directory)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var variants = [
            StartPlan.Variant(
                name: "skiff-init",
                arguments: [
                    skiffInit, "run", "--image", image, "--state", directory + "/init/{n}", "--hostname", "bench", "--",
                    "/bin/true",
                ], log: directory + "/skiff-init.log")
        ]
        if let crun {
            variants.append(try bundle("crun", crun, globalOptions: ["--cgroup-manager=cgroupfs"], cgroups: true))
            variants.append(try bundle("crun-nocg", crun, globalOptions: ["--cgroup-manager=disabled"], cgroups: false))
        }
        if let runc { variants.append(try bundle("runc", runc, globalOptions: [], cgroups: true)) }
        let results = try await runHelper(StartPlan(variants: variants, runs: runs, warmup: 5))
        if let failure = results.failure { throw BenchFailure("container start: \(failure)") }
        let samples = results.samples.mapValues { Latencies(samples: $0) }
        return Self.rows(samples, runs: runs, crun: crun, runc: runc, cgroupParent: cgroupParent)
    }

    /// A bundle for `runtime` running /bin/true: config.json and the argv that runs it.
    func bundle(_ name: String, _ runtime: Runtime, globalOptions: [String], cgroups: Bool) throws -> StartPlan.Variant
    {
        let bundle = directory + "/" + name
        try FileManager.default.createDirectory(atPath: bundle, withIntermediateDirectories: true)
        let config = try OCIConfig.make(
            rootfs: image, arguments: ["/bin/true"], hostname: "bench",
            cgroupsPath: cgroups ? cgroupParent + "/" + name : nil)
        try config.serializedString().write(toFile: bundle + "/config.json", atomically: true, encoding: .utf8)
        // The runtime's state under our directory, not /run/crun or /run/runc; `run` deletes the
        // container when it exits, so the id is reused run after run.
        let arguments =
            [runtime.path, "--root", directory + "/" + name + "-state"] + globalOptions
            + ["run", "--bundle", bundle, "skb-\(id)-\(name)"]
        return StartPlan.Variant(name: name, arguments: arguments, log: directory + "/" + name + ".log")
    }

    /// Runs the timing helper (this executable, `time-starts`). On a hybrid host crun 1.8.1
    /// refuses to start while cgroup2's `cgroup.controllers` lists any controller (here:
    /// hugetlb), even with cgroups disabled (LINUX-NOTES §6); the helper therefore runs in a
    /// private mount namespace where an empty file is bound over that one file. Nothing of it
    /// reaches the host's mounts, and it goes away with the helper.
    func runHelper(_ plan: StartPlan) async throws -> StartResults {
        let planPath = directory + "/plan.json"
        let outPath = directory + "/results.json"
        try JSONEncoder().encode(plan).write(to: URL(fileURLWithPath: planPath))
        let me = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let helper = [me, "time-starts", "--plan", planPath, "--out", outPath]
        let process = Process()
        if let controllers = CgroupTree.nonEmptyUnifiedControllersFile() {
            let empty = directory + "/empty"
            _ = FileManager.default.createFile(atPath: empty, contents: Data())
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            process.arguments =
                [
                    "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                    "mount --bind \"$1\" \"$2\" && shift 2 && exec \"$@\"", "sh", empty, controllers,
                ] + helper
        } else {
            process.executableURL = URL(fileURLWithPath: me)
            process.arguments = Array(helper.dropFirst())
        }
        try process.run()
        // Polled rather than waitUntilExit, which would hold a thread of the async pool for a minute.
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: outPath) else {
            throw BenchFailure("the start-timing helper exited \(process.terminationStatus)")
        }
        return try JSONDecoder().decode(StartResults.self, from: data)
    }

    static func runtime(_ name: String) -> Runtime? {
        let path = ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin", "/sbin"].map { $0 + "/" + name }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let path else { return nil }
        let version = Shell.output(path, ["--version"]).split(separator: "\n").first.map(String.init) ?? name
        return Runtime(path: path, version: version.replacingOccurrences(of: " version", with: ""))
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
