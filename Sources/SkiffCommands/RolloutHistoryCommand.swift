import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient
import SkiffYAML

/// A Deployment's revisions are its ReplicaSets, numbered by the controller
/// (`deployment.kubernetes.io/revision`); `history` lists them and `undo` puts one's template
/// back, as kubectl does. (DaemonSets and StatefulSets keep their history in
/// ControllerRevisions, which Skiff's controllers do not write yet.)
enum DeploymentRevisions {
    static let revision = "deployment.kubernetes.io/revision"
    static let changeCause = "kubernetes.io/change-cause"

    /// Revision number → ReplicaSet, for the Deployment named.
    static func all(_ client: APIClient, namespace: String, name: String) async throws -> (JSON, [Int: JSON]) {
        let deployment = try await client.get(Resources.deployments, namespace: namespace, name: name)
        let uid = deployment[path: ["metadata", "uid"]]?.string
        var revisions: [Int: JSON] = [:]
        for set in try await client.list(Resources.replicaSets, namespace: namespace).items {
            let owned = (set[path: ["metadata", "ownerReferences"]]?.array ?? []).contains {
                $0["controller"]?.bool == true && $0["uid"]?.string == uid
            }
            guard owned, let number = set[path: ["metadata", "annotations", revision]]?.string.flatMap({ Int($0) })
            else { continue }
            revisions[number] = set
        }
        return (deployment, revisions)
    }

    /// The template as the Deployment had it: the ReplicaSet's, without its hash label.
    static func template(of replicaSet: JSON) -> JSON {
        var template = replicaSet[path: ["spec", "template"]] ?? [:]
        template[path: ["metadata", "labels", "pod-template-hash"]] = nil
        return template
    }
}

struct RolloutHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "List a Deployment's revisions.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE NAME or TYPE/NAME") var args: [String]
    @Option(help: "Show the pod template of this revision.") var revision: Int = 0

    func run() async throws {
        try await runReportingErrors {
            let (info, name) = try RolloutCommand.workload(args, kinds: ["Deployment"])
            let (_, revisions) = try await DeploymentRevisions.all(
                try cluster.client(), namespace: cluster.effectiveNamespace, name: name)
            if revision > 0 {
                guard let set = revisions[revision] else { throw CLIError("unable to find the specified revision") }
                print("\(Manifests.displayName(info, name)) with revision #\(revision)")
                print(YAML.render(DeploymentRevisions.template(of: set)), terminator: "")
                return
            }
            print(Manifests.displayName(info, name))
            var rows = [["REVISION", "CHANGE-CAUSE"]]
            for (number, set) in revisions.sorted(by: { $0.key < $1.key }) {
                rows.append([
                    String(number),
                    set[path: ["metadata", "annotations", DeploymentRevisions.changeCause]]?.string ?? "<none>",
                ])
            }
            TableText.align(rows).forEach { print($0) }
        }
    }
}

struct RolloutUndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo", abstract: "Roll a Deployment back to an earlier revision (the previous one by default).")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "TYPE NAME or TYPE/NAME") var args: [String]
    @Option(help: "The revision to go back to; 0 for the previous one.") var toRevision: Int = 0

    func run() async throws {
        try await runReportingErrors {
            let (info, name) = try RolloutCommand.workload(args, kinds: ["Deployment"])
            let client = try cluster.client()
            let (deployment, revisions) = try await DeploymentRevisions.all(
                client, namespace: cluster.effectiveNamespace, name: name)
            let current =
                deployment[path: ["metadata", "annotations", DeploymentRevisions.revision]]?.string
                .flatMap { Int($0) } ?? revisions.keys.max() ?? 0
            let wanted = toRevision > 0 ? toRevision : revisions.keys.filter { $0 < current }.max()
            guard let wanted, let set = revisions[wanted] else {
                throw CLIError(
                    toRevision > 0
                        ? "unable to find specified revision \(toRevision) in history"
                        : "no rollout history found for \(Manifests.displayName(info, name))")
            }
            let template = DeploymentRevisions.template(of: set)
            // As kubectl: the same template (server-side nulls and empties aside) is no rollback.
            guard template.pruned != deployment[path: ["spec", "template"]]?.pruned else {
                print(
                    "\(Manifests.displayName(info, name)) skipped rollback (current template already matches revision \(wanted))"
                )
                return
            }
            // The whole template replaced, as kubectl's JSON patch does: a merge would keep fields
            // the old revision did not have.
            let patch: JSON = [["op": "replace", "path": "/spec/template", "value": template]]
            _ = try await client.patch(
                info, namespace: cluster.effectiveNamespace, name: name, patch: patch,
                type: "application/json-patch+json")
            print("\(Manifests.displayName(info, name)) rolled back")
        }
    }
}
