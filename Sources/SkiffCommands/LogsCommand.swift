import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

/// `skiff logs POD`: the container's output through the API server (kubectl logs' flags).
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print the logs of a container in a pod.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "The pod (NAME or pod/NAME).") var pod: String
    @Option(name: [.short, .customLong("container")], help: "The container (needed when the pod has several).")
    var container: String?
    @Flag(name: [.short, .customLong("follow")], help: "Keep printing output until the container exits.")
    var follow = false
    @Flag(name: [.short, .customLong("previous")], help: "The previous run of the container.") var previous = false
    @Flag(help: "Prefix each line with its RFC 3339 timestamp.") var timestamps = false
    @Option(help: "Only the last N lines.") var tail: Int?
    @Option(help: "Only output newer than this duration (5s, 2m, 3h).") var since: String?
    @Option(help: "At most this many bytes.") var limitBytes: Int?

    func validate() throws {
        if let tail, tail < 0 { throw ValidationError("--tail must be 0 or more (got \(tail))") }
        if let since, Self.seconds(since) == nil {
            throw ValidationError("--since must be a duration such as 30s, 5m or 2h (got \(since))")
        }
    }

    /// `--since` in whole seconds (at least 1, as sinceSeconds must be).
    static func seconds(_ text: String) -> Int? {
        guard let duration = Duration(flag: text), duration > .zero else { return nil }
        let (whole, fraction) = duration.components
        return Int(max(1, fraction > 0 ? whole + 1 : whole))
    }

    func run() async throws {
        try await runReportingErrors {
            let client = try cluster.client()
            let name = pod.hasPrefix("pod/") ? String(pod.dropFirst(4)) : pod
            var query: [(String, String)] = []
            if let container { query.append(("container", container)) }
            if follow { query.append(("follow", "true")) }
            if previous { query.append(("previous", "true")) }
            if timestamps { query.append(("timestamps", "true")) }
            if let tail { query.append(("tailLines", String(tail))) }
            if let since, let seconds = Self.seconds(since) { query.append(("sinceSeconds", String(seconds))) }
            if let limitBytes { query.append(("limitBytes", String(limitBytes))) }
            let path = "/api/v1/namespaces/\(cluster.effectiveNamespace)/pods/\(name)/log"
            do {
                for try await chunk in client.stream(path, query: query) {
                    FileHandle.standardOutput.write(Data(chunk))
                }
            } catch let error as SkiffError {
                throw error
            } catch {
                throw CLIError("cannot read the logs of pod \(name): \(error)")
            }
        }
    }
}
