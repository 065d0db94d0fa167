import ArgumentParser
import Foundation

/// `make bench`: the API server's latency and memory against a release `skiffd master`, then the
/// node's: container start beside crun and runc, pod startup, and the agent's memory and idle
/// CPU against a release `skiffd agent`. One table; each row beside its target and its anchor.
///
/// Anchors: crun and runc are measured here, in the same run, on the same rootfs. Kubernetes'
/// figures are quoted, not measured: a real kube-apiserver and kubelet need etcd, a container
/// runtime and images this machine does not have.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skiff-bench", subcommands: [RunBenchmarks.self, StartTimer.self],
        defaultSubcommand: RunBenchmarks.self)
}

struct RunBenchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the benchmarks and print the table (the default).")

    @Option(help: "The skiffd executable to measure.") var skiffd: String
    @Option(help: "The skiff-init executable (default: beside skiffd).") var skiffInit: String?
    @Option(help: "Image directory holding busybox:latest (`make rootfs`).") var imageDir = "rootfs/images"
    @Option(help: "Requests per second for the GET and create runs.") var rate: Int = 200
    @Option(help: "Seconds per rate-limited run.") var seconds: Int = 5
    @Option(help: "Container starts per runtime.") var startRuns = 100
    @Option(help: "Pods started one after another on the node.") var pods = 100
    @Option(help: "Pods on the node at the end.") var totalPods = 500
    @Flag(help: "Skip the master benchmarks.") var noMaster = false
    @Flag(help: "Skip the node benchmarks (container start, pods, agent).") var noNode = false
    @Option(help: "Run only the sections whose name contains this (e.g. scheduler), to profile one.")
    var only: String?

    func validate() throws {
        guard startRuns > 0, pods > 0, totalPods >= pods else {
            throw ValidationError("--start-runs and --pods must be positive, --total-pods at least --pods")
        }
    }

    func run() async throws {
        // Absolute paths: the agent gets skiff-init's on its command line.
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        let skiffd = absolute(skiffd)
        var sections: [(name: String, run: () async throws -> [Row])] = []
        if !noMaster {
            let master = MasterBench(skiffd: skiffd, rate: rate, seconds: seconds)
            sections.append(("master benchmarks", master.rows))
            sections.append(("scheduler", SchedulerBench(skiffd: skiffd).rows))
        }
        if !noNode {
            let node = NodeBench(
                skiffd: skiffd,
                skiffInit: absolute(
                    skiffInit ?? URL(fileURLWithPath: skiffd).deletingLastPathComponent().path + "/skiff-init"),
                imageDir: absolute(imageDir), startRuns: startRuns,
                sequentialPods: pods, totalPods: totalPods)
            sections.append(("container start", node.startRows))
            sections.append(("pods on the node", node.podRows))
        }
        if let only { sections = sections.filter { $0.name.contains(only) } }
        // A failed section becomes a row (the whole error on stderr); the others still run.
        var rows: [Row] = []
        var failed = false
        for section in sections {
            do {
                rows += try await section.run()
            } catch {
                failed = true
                let partial = error as? PartialFailure
                rows += partial?.rows ?? []
                FileHandle.standardError.write(Data("skiff-bench: \(section.name) failed: \(error)\n".utf8))
                let summary = "\(error)".split(separator: "\n").first.map { String($0.prefix(200)) } ?? ""
                rows.append(
                    Row(
                        section.name, measured: "FAILED: " + summary.replacingOccurrences(of: "|", with: "/"),
                        target: "", anchor: ""))
                rows += partial?.trailer ?? []
            }
        }
        print(Report.render(rows))
        if failed { throw ExitCode.failure }
    }
}
