import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// Owner references in a real master: `kubectl delete` with each cascade mode, on a
/// ReplicaSet whose pods (no node, so deleted at once) are its dependents.
@Suite("garbage collection in the master")
struct GarbageCollectorTests {
    static func withReplicaSet(
        _ master: MasterProcess, _ client: APIClient, _ name: String, replicas: Int = 2
    ) async throws -> (uid: String, pods: Set<String>) {
        let rs = try await client.create(
            Resources.replicaSets, namespace: "default",
            object: ReplicaSetTests.replicaSet(name, replicas: replicas, labels: ["app": .init(name)]))
        let uid = rs[path: ["metadata", "uid"]]?.string ?? ""
        try await eventually("\(name) has its pods") {
            try await ReplicaSetTests.owned(client, by: uid).count == replicas
        }
        return (uid, ReplicaSetTests.names(try await ReplicaSetTests.owned(client, by: uid)))
    }

    static func kubectl(_ master: MasterProcess, _ args: [String]) async throws -> CommandResult {
        try await runProgram(ReplicaSetTests.kubectl, ["--kubeconfig", master.kubeconfigPath] + args)
    }

    static func podNames(_ client: APIClient) async throws -> Set<String> {
        ReplicaSetTests.names(try await client.list(Resources.pods, namespace: "default").items)
    }

    static func exists(_ client: APIClient, _ info: ResourceInfo, _ name: String) async throws -> Bool {
        do {
            _ = try await client.get(info, namespace: "default", name: name)
            return true
        } catch let error as SkiffError where error.code == .notFound {
            return false
        }
    }

    @Test("cascade background deletes the pods after their ReplicaSet; orphan keeps them, without the reference")
    func backgroundAndOrphan() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let doomed = try await Self.withReplicaSet(master, client, "doomed")
            let deleted = try await Self.kubectl(master, ["delete", "rs", "doomed"])
            #expect(deleted.status == 0, "\(deleted.output)")
            try await eventually("the pods are collected") {
                try await Self.podNames(client).isDisjoint(with: doomed.pods)
            }

            let kept = try await Self.withReplicaSet(master, client, "kept")
            let orphaned = try await Self.kubectl(master, ["delete", "rs", "kept", "--cascade=orphan"])
            #expect(orphaned.status == 0, "\(orphaned.output)")
            try await eventually("the ReplicaSet is gone") {
                try await !Self.exists(client, Resources.replicaSets, "kept")
            }
            for pod in kept.pods {
                let object = try await client.get(Resources.pods, namespace: "default", name: pod)
                #expect(
                    (object[path: ["metadata", "ownerReferences"]]?.array ?? []).isEmpty, "\(pod) is an orphan now")
            }
            // They stay: nothing collects an orphan.
            try await Task.sleep(for: .seconds(1))
            #expect(try await Self.podNames(client).isSuperset(of: kept.pods))
        }
    }

    @Test("cascade foreground: the ReplicaSet stays, marked, until its pods are gone")
    func foreground() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let owner = try await Self.withReplicaSet(master, client, "front", replicas: 3)
            let deleted = try await Self.kubectl(
                master, ["delete", "rs", "front", "--cascade=foreground", "--wait=false"])
            #expect(deleted.status == 0, "\(deleted.output)")
            try await eventually("pods and then the owner are gone") {
                // The owner first: pods seen after it was seen gone were there while it was gone.
                let ownerLeft = try await Self.exists(client, Resources.replicaSets, "front")
                let podsLeft = try await !Self.podNames(client).isDisjoint(with: owner.pods)
                // Never the owner gone while a pod that blocks it is left.
                if podsLeft && !ownerLeft { Issue.record("the owner went before its pods") }
                return !podsLeft && !ownerLeft
            }
        }
    }

    @Test(
        "a pod whose owner never existed is collected; one with a live owner among dead ones keeps only the live reference"
    )
    func danglingReferences() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let live = try await Self.withReplicaSet(master, client, "live", replicas: 0)
            func reference(_ name: String, _ uid: String) -> JSON {
                ["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": .string(name), "uid": .string(uid)]
            }
            var ghost = podManifest("ghost")
            ghost[path: ["metadata", "ownerReferences"]] = [reference("never", "0000-never")]
            _ = try await client.create(Resources.pods, namespace: "default", object: ghost)
            var shared = podManifest("shared")
            shared[path: ["metadata", "ownerReferences"]] = [
                reference("never", "0000-never"), reference("live", live.uid),
            ]
            _ = try await client.create(Resources.pods, namespace: "default", object: shared)
            try await eventually("ghost collected, shared keeps its live owner") {
                let ghostLeft = try await Self.exists(client, Resources.pods, "ghost")
                let references =
                    try await client.get(Resources.pods, namespace: "default", name: "shared")[
                        path: ["metadata", "ownerReferences"]]?.array ?? []
                return !ghostLeft && references.compactMap { $0["uid"]?.string } == [live.uid]
            }
        }
    }
}
