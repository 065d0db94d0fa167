import Foundation
import SkiffAPI
import Testing

@testable import SkiffControllers

/// The ReplicaSet controller's pure parts: selectors of both kinds, the pod made from a
/// template, the order replicas are deleted in, and expectations.
@Suite("replica set logic")
struct ReplicaSetLogicTests {
    @Test("selectors: a ReplicaSet's object, a ReplicationController's map (or its template's labels)")
    func selectors() {
        let rs: JSON = [
            "spec": ["selector": ["matchExpressions": [["key": "tier", "operator": "In", "values": ["a"]]]]]
        ]
        #expect(ReplicaKind.replicaSet.selector(rs).matches(["tier": "a"]))
        #expect(!ReplicaKind.replicaSet.selector(rs).matches(["tier": "b"]))
        // No selector, or an empty one, selects nothing: never every pod in the namespace.
        #expect(!ReplicaKind.replicaSet.selector(["spec": ["selector": [:]]]).matches(["any": "thing"]))
        let rc: JSON = ["spec": ["template": ["metadata": ["labels": ["app": "old"]]]]]
        #expect(ReplicaKind.replicationController.selector(rc).matches(["app": "old", "x": "y"]))
        #expect(!ReplicaKind.replicationController.selector(["spec": [:]]).matches([:]))
    }

    @Test("a pod from a template: labels, annotations, a generated name, the owner as controller")
    func podFromTemplate() {
        let owner = ControllerRef.Owner(apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "u1")
        let template: JSON = [
            "metadata": ["labels": ["app": "web"], "annotations": ["note": "x"], "name": "ignored"],
            "spec": ["containers": [["name": "c", "image": "busybox"]]],
        ]
        let pod = PodTemplate.pod(from: template, namePrefix: "web-", namespace: "prod", owner: owner)
        #expect(pod[path: ["metadata", "generateName"]] == "web-")
        #expect(pod[path: ["metadata", "name"]] == nil)
        #expect(pod[path: ["metadata", "namespace"]] == "prod")
        #expect(pod[path: ["metadata", "labels", "app"]] == "web")
        #expect(pod[path: ["metadata", "annotations", "note"]] == "x")
        #expect(ControllerRef.of(pod) == owner)
        #expect(pod[path: ["spec", "containers"]] == template[path: ["spec", "containers"]])
    }

    static func pod(
        _ name: String, node: String? = nil, phase: String = "Running", readySince: String? = nil, restarts: Int64 = 0,
        created: String = "2026-01-01T00:00:00Z"
    ) -> JSON {
        var pod: JSON = [
            "metadata": ["name": .string(name), "creationTimestamp": .string(created)],
            "spec": [:], "status": ["phase": .string(phase), "containerStatuses": [["restartCount": .int(restarts)]]],
        ]
        if let node { pod[path: ["spec", "nodeName"]] = .string(node) }
        if let readySince {
            pod[path: ["status", "conditions"]] = [
                ["type": "Ready", "status": "True", "lastTransitionTime": .string(readySince)]
            ]
        }
        return pod
    }

    @Test("extra replicas go unscheduled first, then pending, not ready, newly ready, restarted, newest")
    func deletionOrder() {
        let pods = [
            Self.pod("old-ready", node: "n", readySince: "2026-01-01T00:00:00Z"),
            Self.pod("new-ready", node: "n", readySince: "2026-01-02T00:00:00Z"),
            Self.pod("unscheduled", phase: "Pending"),
            Self.pod("pending", node: "n", phase: "Pending"),
            Self.pod("crashy", node: "n", restarts: 5),
            Self.pod("running-new", node: "n", created: "2026-01-03T00:00:00Z"),
            Self.pod("running-old", node: "n"),
        ]
        let order = PodRanking.deletionOrder(pods).compactMap { $0[path: ["metadata", "name"]]?.string }
        #expect(
            order == ["unscheduled", "pending", "crashy", "running-new", "running-old", "new-ready", "old-ready"])
    }

    @Test("expectations count creations until seen and deletions until confirmed, and expire")
    func expectations() {
        var expectations = ReplicaExpectations()
        expectations.created("ns/web", pod: "web-a")
        expectations.created("ns/web", pod: "web-b")
        expectations.deleted("ns/web", pod: "web-c")
        var state = expectations.settle("ns/web", seen: ["web-a", "web-c"], active: ["web-a", "web-c"])
        #expect(state.creating == 1)
        #expect(state.deleting == ["web-c"])
        state = expectations.settle("ns/web", seen: ["web-a", "web-b"], active: ["web-a", "web-b"])
        #expect(state.creating == 0)
        #expect(state.deleting.isEmpty)
        expectations.created("ns/web", pod: "web-d")
        let later = Date().addingTimeInterval(ReplicaExpectations.timeout + 1)
        #expect(expectations.settle("ns/web", seen: [], active: [], now: later).creating == 0)
    }
}
