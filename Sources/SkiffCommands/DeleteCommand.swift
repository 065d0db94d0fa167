import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete resources by name, file or label.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE NAME... or TYPE/NAME...") var args: [String] = []
    @Option(name: .shortAndLong, help: "File, directory or - (repeatable).") var filename: [String] = []
    @Option(name: [.customShort("l"), .long], help: "Label selector.") var selector: String?
    @Option(help: "Seconds to let a pod stop; 0 deletes at once (with --force).") var gracePeriod: Int?
    @Flag(help: "Delete at once, without waiting for the agent to confirm.") var force = false

    func run() async throws {
        try await runReportingErrors {
            let client = try cluster.client()
            var targets: [(ResourceInfo, String?, String)] = []
            for target in try Manifests.targets(filename, defaultNamespace: cluster.effectiveNamespace) {
                targets.append(
                    (target.info, target.namespace, target.object[path: ["metadata", "name"]]?.string ?? ""))
            }
            if !args.isEmpty {
                let (info, names) = try target(args)
                let ns = info.namespaced ? cluster.effectiveNamespace : nil
                if let selector {
                    for item in try await client.list(info, namespace: ns, labelSelector: selector).items {
                        targets.append((info, ns, item[path: ["metadata", "name"]]?.string ?? ""))
                    }
                    if targets.isEmpty { print("No resources found") }
                } else {
                    guard !names.isEmpty else { throw CLIError("resource(s) were provided, but no name was specified") }
                    targets += names.map { (info, ns, $0) }
                }
            }
            guard !targets.isEmpty || selector != nil else {
                throw CLIError("You must provide one or more resources by argument or filename.")
            }
            var options: JSON = ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"]
            if let gracePeriod { options["gracePeriodSeconds"] = .int(Int64(gracePeriod)) }
            if force && gracePeriod == nil { options["gracePeriodSeconds"] = 0 }
            var failed = false
            for (info, ns, name) in targets {
                do {
                    try await client.delete(info, namespace: ns, name: name, options: options)
                    print("\(info.kind.lowercased())\(info.group.isEmpty ? "" : "." + info.group) \"\(name)\" deleted")
                } catch let error as SkiffError {
                    FileHandle.standardError.write(Data((describe(error) + "\n").utf8))
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
