import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

/// `skiff rollout status|history|undo|restart|pause|resume`, as kubectl's.
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout", abstract: "Manage the rollout of a Deployment, DaemonSet or StatefulSet.",
        subcommands: [
            RolloutStatusCommand.self, RolloutHistoryCommand.self, RolloutUndoCommand.self, RolloutRestartCommand.self,
            RolloutPauseCommand.self, RolloutResumeCommand.self,
        ])

    static let rollable = ["Deployment", "DaemonSet", "StatefulSet"]

    /// The one workload named, of a kind that rolls out.
    static func workload(_ args: [String], kinds: [String] = rollable) throws -> (ResourceInfo, String) {
        let (info, names) = try target(args)
        guard kinds.contains(info.kind) else {
            throw CLIError("\(info.resource) cannot be rolled out here: use one of \(kinds.joined(separator: ", "))")
        }
        guard names.count == 1 else { throw CLIError("name one \(info.kind), as TYPE NAME or TYPE/NAME") }
        return (info, names[0])
    }
}

struct RolloutStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Wait until a rollout is done, saying how far it is.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE NAME or TYPE/NAME") var args: [String]
    @Option(help: "Give up after this long (e.g. 90s, 5m); 0s waits for ever.") var timeout: String = "0s"
    @Flag(inversion: .prefixedNo, help: "Wait for the rollout; --no-watch reports once.") var watch = true

    func run() async throws {
        try await runReportingErrors {
            guard let limit = Duration(flag: timeout) else {
                throw CLIError("--timeout must be a duration such as 90s or 5m (got \(timeout))")
            }
            let (info, name) = try RolloutCommand.workload(args)
            let client = try cluster.client()
            let deadline = ContinuousClock.now + limit
            var last = ""
            while true {
                let object = try await client.get(info, namespace: cluster.effectiveNamespace, name: name)
                let verdict: RolloutStatus.Verdict
                do throws(RolloutStatus.Failure) {
                    verdict = try RolloutStatus.of(object, kind: info.kind)
                } catch {
                    throw CLIError(error.description)
                }
                if verdict.message != last { print(verdict.message) }
                last = verdict.message
                if verdict.done || !watch { return }
                if limit > .zero, ContinuousClock.now >= deadline {
                    throw CLIError("timed out waiting for the condition")
                }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}

struct RolloutRestartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart", abstract: "Replace every pod of a workload, by changing its template.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE NAME or TYPE/NAME") var args: [String]

    func run() async throws {
        try await runReportingErrors {
            let (info, name) = try RolloutCommand.workload(args)
            // What kubectl writes: a template annotation with the time, so the template changes.
            let stamp = RFC3339.format(Date())
            _ = try await cluster.client().patch(
                info, namespace: cluster.effectiveNamespace, name: name,
                patch: [
                    "spec": [
                        "template": ["metadata": ["annotations": ["kubectl.kubernetes.io/restartedAt": .string(stamp)]]]
                    ]
                ])
            print("\(Manifests.displayName(info, name)) restarted")
        }
    }
}

struct RolloutPauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop a Deployment's rollout where it is (template changes wait).")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE NAME or TYPE/NAME") var args: [String]

    func run() async throws {
        try await runReportingErrors { try await setPaused(true, cluster: cluster, args: args) }
    }
}

struct RolloutResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused Deployment.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE NAME or TYPE/NAME") var args: [String]

    func run() async throws {
        try await runReportingErrors { try await setPaused(false, cluster: cluster, args: args) }
    }
}

func setPaused(_ paused: Bool, cluster: ClusterOptions, args: [String]) async throws {
    let (info, name) = try RolloutCommand.workload(args, kinds: ["Deployment"])
    let client = try cluster.client()
    let object = try await client.get(info, namespace: cluster.effectiveNamespace, name: name)
    let word = paused ? "paused" : "resumed"
    guard (object[path: ["spec", "paused"]]?.bool ?? false) != paused else {
        throw CLIError("\(info.qualifiedResource) \"\(name)\" is \(paused ? "already paused" : "not paused")")
    }
    _ = try await client.patch(
        info, namespace: cluster.effectiveNamespace, name: name, patch: ["spec": ["paused": .bool(paused)]])
    print("\(Manifests.displayName(info, name)) \(word)")
}
