import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a pod from an image.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "Pod name.") var name: String
    @Option(help: "Container image.") var image: String
    @Option(help: "Labels, e.g. app=web,env=dev (default run=NAME).") var labels: String?
    @Option(help: "Container port.") var port: Int?
    @Option(help: "Environment variable NAME=VALUE (repeatable).") var env: [String] = []
    @Option(help: "Pod restartPolicy: Always, OnFailure or Never.") var restart: String = "Always"
    @Flag(help: "Treat the arguments after -- as the command, not as args.") var command = false
    @Argument(parsing: .postTerminator, help: "Arguments (or the command with --command).") var rest: [String] = []

    func run() async throws {
        try await runReportingErrors {
            var labelMap: [String: String] = ["run": name]
            if let labels {
                labelMap = [:]
                for pair in labels.split(separator: ",") {
                    let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard kv.count == 2 else { throw CLIError("invalid label \(pair): use key=value") }
                    labelMap[kv[0]] = kv[1]
                }
            }
            var container: JSON = ["name": .string(name), "image": .string(image)]
            if !rest.isEmpty { container[command ? "command" : "args"] = .array(rest.map { .string($0) }) }
            if let port { container["ports"] = [["containerPort": .int(Int64(port))]] }
            if !env.isEmpty {
                container["env"] = .array(
                    try env.map { item in
                        let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
                        guard kv.count == 2 else { throw CLIError("invalid env: \(item): use NAME=VALUE") }
                        return ["name": .string(kv[0]), "value": .string(kv[1])]
                    })
            }
            let pod: JSON = [
                "apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "labels": JSON(labelMap)],
                "spec": ["containers": [container], "restartPolicy": .string(restart)],
            ]
            _ = try await cluster.client().create(
                try resource("pods"), namespace: cluster.effectiveNamespace, object: pod)
            print("pod/\(name) created")
        }
    }
}
