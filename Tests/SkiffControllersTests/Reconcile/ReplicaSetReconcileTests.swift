import Foundation
import SkiffAPI
import SkiffClient
import Synchronization
import Testing

/// The ReplicaSet controller's reconcile against scripted cluster states (`TestCluster`).
@Suite("reconcile: ReplicaSet")
struct ReplicaSetReconcileTests {
    static func replicaSet(_ name: String, replicas: Int64, labels: [String: String]) -> JSON {
        [
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": ["name": .string(name)],
            "spec": [
                "replicas": .int(replicas), "selector": ["matchLabels": .object(labels.mapValues { .string($0) })],
                "template": TestCluster.template(labels),
            ],
        ]
    }

    static func ownedBy(_ uid: String?) -> @Sendable (JSON) -> Bool {
        { pod in (pod[path: ["metadata", "ownerReferences"]]?.array ?? []).contains { $0["uid"]?.string == uid } }
    }

    @Test("replaces a deleted pod, adopts a matching orphan as one of its replicas, releases a relabelled pod")
    func replicas() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withNodes {
                try await cluster.create(
                    Resources.replicaSets, Self.replicaSet("web", replicas: 3, labels: ["app": "web"]))
                try await cluster.eventually("3 ready replicas and the generation observed") {
                    let status = try await cluster.get(Resources.replicaSets, "web")["status"]
                    return status?["readyReplicas"] == 3 && status?["observedGeneration"] == 1
                }
                let uid = try await cluster.get(Resources.replicaSets, "web")[path: ["metadata", "uid"]]?.string
                let owned = Self.ownedBy(uid)

                // Deleted → replaced.
                let first = try await cluster.livePods().filter(owned)[0].name
                _ = try await cluster.client.delete(Resources.pods, namespace: "default", name: first)
                try await cluster.eventually("the deleted pod replaced") {
                    let pods = try await cluster.livePods().filter(owned)
                    return pods.count == 3 && !pods.contains { $0.name == first }
                }

                // An orphan with the labels is adopted (spec untouched), and one replica goes (which
                // one is the ranking's choice: the orphan is the newest, so it may be the one).
                let revision = try await cluster.client.list(Resources.pods, namespace: "default").resourceVersion
                let events = cluster.client.watch(Resources.pods, namespace: "default", resourceVersion: revision)
                let adopted = Task { () -> JSON? in
                    for try await event in events where event.object.name == "orphan" && owned(event.object) {
                        return event.object
                    }
                    return nil
                }
                defer { adopted.cancel() }
                try await cluster.create(
                    Resources.pods,
                    [
                        "apiVersion": "v1", "kind": "Pod",
                        "metadata": ["name": "orphan", "labels": ["app": "web"]],
                        "spec": ["containers": [["name": "main", "image": "skiff-test"]]],
                    ])
                let adoptedOrphan = try await adopted.value
                #expect(adoptedOrphan?.image == "skiff-test", "adopted, with its spec left alone")
                try await cluster.eventually("the set back at 3 live pods, every live pod of the app owned") {
                    let pods = try await cluster.livePods().filter { $0[path: ["metadata", "labels", "app"]] == "web" }
                    return pods.count == 3 && pods.allSatisfy(owned)
                }

                // A pod whose labels stop matching is released and replaced.
                let released = try await cluster.livePods().filter(owned)[0].name
                _ = try await cluster.client.patch(
                    Resources.pods, namespace: "default", name: released,
                    patch: ["metadata": ["labels": ["app": "debug"]]])
                try await cluster.eventually("the relabelled pod released, a replacement made") {
                    let pods = try await cluster.livePods()
                    let stillOwned = pods.first { $0.name == released }.map(owned)
                    return stillOwned == false && pods.filter(owned).count == 3
                }
                try await cluster.eventually("the status back at 3 replicas") {
                    try await cluster.get(Resources.replicaSets, "web")[path: ["status", "replicas"]] == 3
                }
            }
        }
    }

    @Test("scale through /scale up and down; a scale-down removes unready pods before ready ones")
    func scale() async throws {
        try await TestCluster.with { cluster in
            let kubelet = Kubelet()
            try await cluster.withNodes(kubelet: kubelet) {
                try await cluster.create(
                    Resources.replicaSets, Self.replicaSet("web", replicas: 2, labels: ["app": "web"]))
                try await cluster.eventually("2 ready") {
                    try await cluster.get(Resources.replicaSets, "web")[path: ["status", "readyReplicas"]] == 2
                }
                let readyBefore = Set(try await cluster.livePods().map(\.name))
                // New pods stay unready: scaling back down must take them, not the ready ones.
                kubelet.setScript { pod in .running(ready: readyBefore.contains(pod.name)) }
                _ = try await cluster.client.patch(
                    Resources.replicaSets, namespace: "default", name: "web", patch: ["spec": ["replicas": 5]],
                    type: "application/merge-patch+json", subresource: "scale")
                try await cluster.eventually("5 pods") { try await cluster.livePods().count == 5 }
                _ = try await cluster.client.patch(
                    Resources.replicaSets, namespace: "default", name: "web", patch: ["spec": ["replicas": 2]],
                    type: "application/merge-patch+json", subresource: "scale")
                try await cluster.eventually("back to 2") { try await cluster.livePods().count == 2 }
                #expect(Set(try await cluster.livePods().map(\.name)) == readyBefore)
            }
        }
    }

    @Test("status writes that lose races to another writer are retried until they land")
    func conflictRetries() async throws {
        let racing = Mutex<RacingStore?>(nil)
        try await TestCluster.with(wrap: { base in
            let store = RacingStore(base, racing: [Resources.replicaSets.keyPrefix: 4, Resources.pods.keyPrefix: 4])
            racing.withLock { $0 = store }
            return store
        }) { cluster in
            try await cluster.withNodes {
                try await cluster.create(
                    Resources.replicaSets, Self.replicaSet("web", replicas: 3, labels: ["app": "web"]))
                try await cluster.eventually("3 ready replicas in status despite the lost races") {
                    let status = try await cluster.get(Resources.replicaSets, "web")["status"]
                    return status?["readyReplicas"] == 3 && status?["availableReplicas"] == 3
                }
                #expect(try await cluster.livePods().count == 3, "no extra pods from a retried reconcile")
            }
        }
        let raced = racing.withLock { $0?.raced ?? [] }
        #expect(
            raced.contains { $0.hasPrefix(Resources.replicaSets.keyPrefix) }, "a ReplicaSet write lost a race: \(raced)"
        )
    }
}
