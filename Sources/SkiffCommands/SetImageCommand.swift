import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

/// `skiff set image TYPE/NAME CONTAINER=IMAGE…`, as `kubectl set image`: the named containers
/// (init containers too; `*` for all) of a pod or a workload's template take the new image.
struct SetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Change one aspect of an object.", subcommands: [SetImageCommand.self])
}

struct SetImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image", abstract: "Set the image of containers in a pod or a workload's template.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE/NAME (or TYPE NAME), then CONTAINER=IMAGE pairs") var args: [String]

    /// Where each kind keeps its pod spec.
    static func podSpecPath(_ kind: String) -> [String]? {
        switch kind {
        case "Pod": ["spec"]
        case "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"]
        case "Deployment", "ReplicaSet", "ReplicationController", "DaemonSet", "StatefulSet", "Job":
            ["spec", "template", "spec"]
        default: nil
        }
    }

    /// Sets the images; throws for a container the spec does not have.
    static func apply(_ images: [String: String], to spec: inout JSON) throws {
        var found = Set<String>()
        for list in ["initContainers", "containers"] {
            guard var containers = spec[list]?.array else { continue }
            for index in containers.indices {
                let name = containers[index]["name"]?.string ?? ""
                guard let image = images[name] ?? images["*"] else { continue }
                containers[index]["image"] = .string(image)
                found.insert(name)
            }
            spec[list] = .array(containers)
        }
        for name in images.keys.sorted() where name != "*" && !found.contains(name) {
            throw CLIError("unable to find container named \"\(name)\"")
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let pairs = args.filter { $0.contains("=") }
            let (info, names) = try target(args.filter { !$0.contains("=") })
            guard let path = Self.podSpecPath(info.kind) else {
                throw CLIError("\(info.resource) have no containers to set")
            }
            guard !names.isEmpty else { throw CLIError("name what to change, as TYPE/NAME") }
            guard !pairs.isEmpty else { throw CLIError("at least one image update is required: CONTAINER=IMAGE") }
            var images: [String: String] = [:]
            for pair in pairs {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw CLIError("\(pair) is not CONTAINER=IMAGE")
                }
                images[parts[0]] = parts[1]
            }
            let client = try cluster.client()
            for name in names {
                // Read, change, write back guarded by resourceVersion; a concurrent change retries.
                for attempt in 1...5 {
                    var object = try await client.get(info, namespace: cluster.effectiveNamespace, name: name)
                    var spec = object[path: path] ?? [:]
                    try Self.apply(images, to: &spec)
                    object[path: path] = spec
                    do {
                        _ = try await client.update(info, namespace: cluster.effectiveNamespace, object: object)
                        break
                    } catch let error as SkiffError where error.code == .conflict && attempt < 5 {
                        continue
                    }
                }
                print("\(Manifests.displayName(info, name)) image updated")
            }
        }
    }
}
