import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Display one or many resources.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE [NAME...] or TYPE/NAME...") var args: [String]
    @Option(name: .shortAndLong, help: "Output format: wide, yaml, json, name.") var output: String?
    @Option(name: [.customShort("l"), .long], help: "Label selector, e.g. 'env in (prod,qa),tier!=web'.") var selector:
        String?
    @Option(help: "Field selector, e.g. status.phase=Running.") var fieldSelector: String?
    @Flag(name: [.customShort("A"), .long], help: "List across all namespaces.") var allNamespaces = false
    @Flag(name: .shortAndLong, help: "After listing, watch for changes.") var watch = false

    func run() async throws {
        try await runReportingErrors {
            let client = try cluster.client()
            let (info, names) = try target(args)
            let format = try OutputFormat(output)
            let namespace: String? = info.namespaced && !allNamespaces ? cluster.effectiveNamespace : nil
            let withNamespace = info.namespaced && allNamespaces
            var query: [(String, String)] = []
            if let selector { query.append(("labelSelector", selector)) }
            if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }

            if format.mode == .table || format.mode == .wide {
                let wide = format.mode == .wide
                var lines: [String] = []
                var revision = ""
                if names.isEmpty {
                    let table = try await client.send(
                        "GET", APIClient.path(info, namespace: namespace), query: query, accept: TableText.tableAccept
                    ).json
                    revision = table[path: ["metadata", "resourceVersion"]]?.string ?? ""
                    if (table["rows"]?.array ?? []).isEmpty && !watch {
                        let scope = namespace.map { " in \($0) namespace" } ?? ""
                        FileHandle.standardError.write(Data("No resources found\(scope).\n".utf8))
                        return
                    }
                    lines = TableText.render(table, wide: wide, withNamespace: withNamespace)
                } else {
                    var merged: JSON?
                    for name in names {
                        let table = try await client.send(
                            "GET", APIClient.path(info, namespace: namespace, name: name), accept: TableText.tableAccept
                        ).json
                        if var existing = merged {
                            existing["rows"] = .array((existing["rows"]?.array ?? []) + (table["rows"]?.array ?? []))
                            merged = existing
                        } else {
                            merged = table
                        }
                    }
                    if let merged { lines = TableText.render(merged, wide: wide, withNamespace: withNamespace) }
                }
                lines.forEach { print($0) }
                if watch { try await watchRows(client, info, namespace, query, revision, wide, withNamespace) }
                return
            }
            var objects: [JSON] = []
            if names.isEmpty {
                objects =
                    try await client.send("GET", APIClient.path(info, namespace: namespace), query: query).json[
                        "items"]?
                    .array ?? []
            } else {
                for name in names { objects.append(try await client.get(info, namespace: namespace, name: name)) }
            }
            TableText.printObjects(objects, info: info, format: format, single: !names.isEmpty)
        }
    }

    /// Prints one table row per change, as `kubectl get -w` does.
    private func watchRows(
        _ client: APIClient, _ info: ResourceInfo, _ namespace: String?, _ query: [(String, String)],
        _ revision: String,
        _ wide: Bool, _ withNamespace: Bool
    ) async throws {
        let events = client.watch(
            info, namespace: namespace, resourceVersion: revision.isEmpty ? nil : revision,
            labelSelector: selector, fieldSelector: fieldSelector)
        for try await event in events {
            guard let name = event.object[path: ["metadata", "name"]]?.string else { continue }
            if event.type == "DELETED" {
                print(name + " deleted")
                continue
            }
            let ns = event.object[path: ["metadata", "namespace"]]?.string
            guard
                let table = try? await client.send(
                    "GET", APIClient.path(info, namespace: ns, name: name), accept: TableText.tableAccept
                ).json
            else { continue }
            TableText.render(table, wide: wide, withNamespace: withNamespace, header: false).forEach { print($0) }
            fflush(nil)
        }
    }
}
