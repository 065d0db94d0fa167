import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

struct CreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create resources from files, or a deployment from an image.",
        subcommands: [CreateDeploymentCommand.self])

    @OptionGroup var cluster: ClusterOptions
    @Option(name: .shortAndLong, help: "File, directory or - for stdin (repeatable).") var filename: [String] = []

    func run() async throws {
        try await runReportingErrors {
            guard !filename.isEmpty else { throw CLIError("must specify one of -f and -k") }
            let client = try cluster.client()
            for target in try Manifests.targets(filename, defaultNamespace: cluster.effectiveNamespace) {
                let info = target.info
                let created = try await client.create(info, namespace: target.namespace, object: target.object)
                print("\(Manifests.displayName(info, created[path: ["metadata", "name"]]?.string ?? "")) created")
            }
        }
    }
}

struct CreateDeploymentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deployment", abstract: "Create a deployment.")

    @OptionGroup var cluster: ClusterOptions
    @Argument var name: String
    @Option(help: "Container image (repeatable: one container each).") var image: [String] = []
    @Option(help: "Number of replicas.") var replicas: Int = 1
    @Option(help: "Container port to expose.") var port: Int?

    func run() async throws {
        try await runReportingErrors {
            guard !image.isEmpty else { throw CLIError("required flag(s) \"image\" not set") }
            let labels: JSON = ["app": .string(name)]
            let containers: [JSON] = image.map { img in
                var c: JSON = ["name": .string(Self.containerName(img)), "image": .string(img)]
                if let port { c["ports"] = [["containerPort": .int(Int64(port))]] }
                return c
            }
            let deployment: JSON = [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string(name), "labels": labels],
                "spec": [
                    "replicas": .int(Int64(replicas)), "selector": ["matchLabels": labels],
                    "template": ["metadata": ["labels": labels], "spec": ["containers": .array(containers)]],
                ],
            ]
            let info = try resource("deployments")
            _ = try await cluster.client().create(info, namespace: cluster.effectiveNamespace, object: deployment)
            print("deployment.apps/\(name) created")
        }
    }

    /// kubectl names the container after the image: `busybox:1.36` → `busybox`.
    static func containerName(_ image: String) -> String {
        let last = image.split(separator: "/").last.map(String.init) ?? image
        return String(last.split(separator: ":").first ?? Substring(last)).replacingOccurrences(of: ".", with: "-")
    }
}
