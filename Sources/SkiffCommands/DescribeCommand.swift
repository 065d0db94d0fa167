import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient
import SkiffYAML

struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Show details of a resource, with its events.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE NAME or TYPE/NAME") var args: [String]

    func run() async throws {
        try await runReportingErrors {
            let client = try cluster.client()
            let (info, names) = try target(args)
            let namespace = info.namespaced ? cluster.effectiveNamespace : nil
            let objects: [JSON]
            if names.isEmpty {
                objects = try await client.list(info, namespace: namespace).items
            } else {
                var found: [JSON] = []
                for name in names { found.append(try await client.get(info, namespace: namespace, name: name)) }
                objects = found
            }
            for (n, object) in objects.enumerated() {
                if n > 0 { print("\n") }
                print(try await Self.describe(object, info: info, client: client))
            }
        }
    }

    static func describe(_ object: JSON, info: ResourceInfo, client: APIClient) async throws -> String {
        var lines: [(String, String)] = []
        let meta = object["metadata"] ?? [:]
        lines.append(("Name", meta["name"]?.string ?? ""))
        if info.namespaced { lines.append(("Namespace", meta["namespace"]?.string ?? "")) }
        lines.append(("Labels", mapText(object.stringMap(["metadata", "labels"]))))
        lines.append(("Annotations", mapText(object.stringMap(["metadata", "annotations"]))))
        lines.append(("CreationTimestamp", meta["creationTimestamp"]?.string ?? ""))
        if let deleting = meta["deletionTimestamp"]?.string { lines.append(("Terminating since", deleting)) }
        switch info.kind {
        case "Pod":
            lines.append(("Node", object[path: ["spec", "nodeName"]]?.string ?? "<none>"))
            lines.append(("Status", object[path: ["status", "phase"]]?.string ?? ""))
            lines.append(("IP", object[path: ["status", "podIP"]]?.string ?? ""))
            lines.append(("QoS Class", object[path: ["status", "qosClass"]]?.string ?? ""))
        case "Deployment", "ReplicaSet", "StatefulSet", "ReplicationController":
            let s = object["status"] ?? [:]
            lines.append(
                (
                    "Replicas",
                    "\(object[path: ["spec", "replicas"]]?.int ?? 0) desired | \(s["updatedReplicas"]?.int ?? 0) updated | \(s["replicas"]?.int ?? 0) total | \(s["availableReplicas"]?.int ?? 0) available"
                ))
        case "Service":
            lines.append(("Type", object[path: ["spec", "type"]]?.string ?? ""))
            lines.append(("IP", object[path: ["spec", "clusterIP"]]?.string ?? "<none>"))
            lines.append(("Selector", mapText(object.stringMap(["spec", "selector"]))))
        default: break
        }
        let width = (lines.map(\.0.count).max() ?? 0) + 2
        var text = lines.map { ($0.0 + ":").padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }
        for section in ["spec", "status", "data"] {
            guard let value = object[section], value != .emptyObject, !value.isNull else { continue }
            text.append(section.prefix(1).uppercased() + section.dropFirst() + ":")
            let body = section == "data" && info.kind == "Secret" ? redacted(value) : value
            text += YAML.render(body).split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        }
        text.append("Events:" + (try await events(for: object, client: client)))
        return text.joined(separator: "\n")
    }

    static func mapText(_ map: [String: String]) -> String {
        map.isEmpty
            ? "<none>"
            : map.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                separator: "\n" + String(repeating: " ", count: 19))
    }

    static func redacted(_ data: JSON) -> JSON {
        .object((data.object ?? [:]).mapValues { .string("\(($0.string ?? "").count) bytes (base64)") })
    }

    static func events(for object: JSON, client: APIClient) async throws -> String {
        let name = object[path: ["metadata", "name"]]?.string ?? ""
        let uid = object[path: ["metadata", "uid"]]?.string ?? ""
        let namespace = object[path: ["metadata", "namespace"]]?.string
        let events = try await client.list(
            try resource("events"), namespace: namespace ?? "default",
            fieldSelector: "involvedObject.name=\(name),involvedObject.uid=\(uid)"
        ).items
        guard !events.isEmpty else { return "  <none>" }
        var rows = [["Type", "Reason", "From", "Message"], ["----", "------", "----", "-------"]]
        for e in events {
            rows.append([
                e["type"]?.string ?? "", e["reason"]?.string ?? "", e[path: ["source", "component"]]?.string ?? "",
                e["message"]?.string ?? "",
            ])
        }
        return "\n" + TableText.align(rows).map { "  " + $0 }.joined(separator: "\n")
    }
}
