import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

/// `skiff apply -f`: client-side apply with the `last-applied-configuration` annotation, as
/// kubectl does it: create what is missing; otherwise send a merge patch that sets what the
/// file says and removes what an earlier apply set and the file no longer has.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Apply a configuration from files or stdin.")
    static let lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

    @OptionGroup var cluster: ClusterOptions
    @Option(name: .shortAndLong, help: "File, directory or - for stdin (repeatable).") var filename: [String] = []

    func run() async throws {
        try await runReportingErrors {
            guard !filename.isEmpty else { throw CLIError("must specify one of -f and -k") }
            let client = try cluster.client()
            for target in try Manifests.targets(filename, defaultNamespace: cluster.effectiveNamespace) {
                let (object, info, namespace) = (target.object, target.info, target.namespace)
                let name = object[path: ["metadata", "name"]]?.string ?? ""
                guard !name.isEmpty else {
                    throw CLIError("error validating \"\(target.source)\": metadata.name is required for apply")
                }
                var desired = object
                var annotations = desired.stringMap(["metadata", "annotations"])
                annotations[Self.lastApplied] = nil
                desired[path: ["metadata", "annotations"]] = annotations.isEmpty ? nil : JSON(annotations)
                let applied = desired.serializedString()
                desired[path: ["metadata", "annotations", Self.lastApplied]] = .string(applied)
                let display = Manifests.displayName(info, name)
                let live: JSON
                do {
                    live = try await client.get(info, namespace: namespace, name: name)
                } catch let error as SkiffError where error.code == .notFound {
                    _ = try await client.create(info, namespace: namespace, object: desired)
                    print("\(display) created")
                    continue
                }
                let previous =
                    (live[path: ["metadata", "annotations", Self.lastApplied]]?.string)
                    .flatMap { try? JSON.parse($0) } ?? .emptyObject
                let patch = Self.threeWayPatch(previous: previous, desired: desired)
                let after = try await client.patch(info, namespace: namespace, name: name, patch: patch)
                let changed =
                    after[path: ["metadata", "resourceVersion"]] != live[path: ["metadata", "resourceVersion"]]
                print("\(display) \(changed ? "configured" : "unchanged")")
            }
        }
    }

    /// The desired object, plus a `null` for every field the previous apply set that is gone now.
    static func threeWayPatch(previous: JSON, desired: JSON) -> JSON {
        guard case .object(let old) = previous, case .object(var new) = desired else { return desired }
        for (key, value) in old {
            if let next = new[key] {
                if value.object != nil, next.object != nil { new[key] = threeWayPatch(previous: value, desired: next) }
            } else {
                new[key] = .null
            }
        }
        return .object(new)
    }
}
