import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

struct LabelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label", abstract: "Add (key=value), change (--overwrite) or remove (key-) labels.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE NAME key=value... key-...") var args: [String]
    @Flag(help: "Allow changing an existing label's value.") var overwrite = false

    func run() async throws {
        try await runReportingErrors {
            let client = try cluster.client()
            let changes = args.filter { $0.contains("=") || $0.hasSuffix("-") }
            let (info, names) = try target(args.filter { !changes.contains($0) })
            guard let name = names.first else { throw CLIError("you must specify a resource name") }
            guard !changes.isEmpty else { throw CLIError("at least one label update is required") }
            let namespace = info.namespaced ? cluster.effectiveNamespace : nil
            let live = try await client.get(info, namespace: namespace, name: name).stringMap(["metadata", "labels"])
            var patch: [String: JSON] = [:]
            for change in changes {
                if change.hasSuffix("-") && !change.contains("=") {
                    patch[String(change.dropLast())] = .null
                    continue
                }
                let kv = change.split(separator: "=", maxSplits: 1).map(String.init)
                let value = kv.count > 1 ? kv[1] : ""
                if let existing = live[kv[0]], existing != value, !overwrite {
                    throw CLIError("'\(kv[0])' already has a value (\(existing)), and --overwrite is false")
                }
                patch[kv[0]] = .string(value)
            }
            _ = try await client.patch(
                info, namespace: namespace, name: name, patch: ["metadata": ["labels": .object(patch)]])
            print("\(Manifests.displayName(info, name)) labeled")
        }
    }
}

struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print client and server versions.")
    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        print("Client Version: skiff v0.1.0")
        try await runReportingErrors {
            let version = try await cluster.client().send("GET", "/version").json
            print("Server Version: \(version["gitVersion"]?.string ?? "unknown")")
        }
    }
}
