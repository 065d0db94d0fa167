import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

struct ExposeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expose", abstract: "Expose a deployment, replica set, controller, pod or service as a Service.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE NAME or TYPE/NAME") var args: [String]
    @Option(help: "Service port.") var port: Int
    @Option(help: "Container port to send to (default: --port).") var targetPort: String?
    @Option(help: "Service name (default: the object's).") var name: String?
    @Option(help: "Service type: ClusterIP, NodePort, LoadBalancer.") var type: String?
    @Option(help: "Protocol: TCP, UDP or SCTP.") var `protocol`: String = "TCP"

    func run() async throws {
        try await runReportingErrors {
            let client = try cluster.client()
            let (info, names) = try target(args)
            guard let objectName = names.first else {
                throw CLIError("you must specify the name of the resource to expose")
            }
            let object = try await client.get(info, namespace: cluster.effectiveNamespace, name: objectName)
            let selector: [String: String]
            switch info.kind {
            case "Pod": selector = object.stringMap(["metadata", "labels"])
            case "Service", "ReplicationController": selector = object.stringMap(["spec", "selector"])
            default:
                if object[path: ["spec", "selector", "matchExpressions"]] != nil {
                    throw CLIError("cannot expose a \(info.kind) with matchExpressions in its selector")
                }
                selector = object.stringMap(["spec", "selector", "matchLabels"])
            }
            guard !selector.isEmpty else {
                throw CLIError("couldn't find a selector for \(info.kind.lowercased())/\(objectName)")
            }
            let target: JSON = targetPort.map { Int64($0).map(JSON.int) ?? .string($0) } ?? .int(Int64(port))
            var spec: JSON = [
                "ports": [["port": .int(Int64(port)), "protocol": .string(`protocol`), "targetPort": target]],
                "selector": JSON(selector),
            ]
            if let type { spec["type"] = .string(type) }
            let serviceName = name ?? objectName
            let service: JSON = [
                "apiVersion": "v1", "kind": "Service",
                "metadata": ["name": .string(serviceName), "labels": object[path: ["metadata", "labels"]] ?? [:]],
                "spec": spec,
            ]
            _ = try await client.create(
                try resource("services"), namespace: cluster.effectiveNamespace, object: service)
            print("service/\(serviceName) exposed")
        }
    }
}
