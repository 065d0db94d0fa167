import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

struct ScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scale", abstract: "Set the replicas of a workload.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE NAME or TYPE/NAME") var args: [String]
    @Option(help: "New number of replicas.") var replicas: Int

    func run() async throws {
        try await runReportingErrors {
            let client = try cluster.client()
            let (info, names) = try target(args)
            guard info.subresources.contains("scale") else {
                throw CLIError("cannot scale \(info.resource): it has no scale subresource")
            }
            guard !names.isEmpty else { throw CLIError("you must specify the name of the resource to scale") }
            for name in names {
                _ = try await client.patch(
                    info, namespace: cluster.effectiveNamespace, name: name,
                    patch: ["spec": ["replicas": .int(Int64(replicas))]],
                    subresource: "scale")
                print("\(Manifests.displayName(info, name)) scaled")
            }
        }
    }
}
