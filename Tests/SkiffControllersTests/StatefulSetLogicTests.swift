import Foundation
import SkiffAPI
import Testing

@testable import SkiffControllers

/// The StatefulSet controller's pure parts: ordered creation and removal, replacement of
/// failed pods, the rolling update down to the partition, and each ordinal's pod and claims.
@Suite("stateful set logic")
struct StatefulSetLogicTests {
    static func set(replicas: Int, parallel: Bool = false, partition: Int? = 0) -> StatefulSetPlan.Spec {
        var spec: [String: JSON] = ["replicas": .int(Int64(replicas))]
        if parallel { spec["podManagementPolicy"] = "Parallel" }
        spec["updateStrategy"] =
            partition.map { ["type": "RollingUpdate", "rollingUpdate": ["partition": .int(Int64($0))]] }
            ?? ["type": "OnDelete"]
        return StatefulSetPlan.Spec(["metadata": ["name": "web"], "spec": .object(spec)])
    }

    static func pod(
        _ ordinal: Int, phase: String = "Running", ready: Bool = true, revision: String = "r1", deleting: Bool = false
    )
        -> JSON
    {
        var pod: JSON = [
            "metadata": ["name": .string("web-\(ordinal)"), "labels": JSON([DaemonSetPlan.hashLabel: revision])],
            "status": ["phase": .string(phase)],
        ]
        if ready { pod[path: ["status", "conditions"]] = [["type": "Ready", "status": "True"]] }
        if deleting { pod[path: ["metadata", "deletionTimestamp"]] = "2026-01-01T00:00:00Z" }
        return pod
    }

    static func plan(_ spec: StatefulSetPlan.Spec, _ pods: [JSON], update: String = "r1") -> StatefulSetPlan {
        var byOrdinal: [Int: JSON] = [:]
        for pod in pods { if let ordinal = spec.ordinal(of: pod) { byOrdinal[ordinal] = pod } }
        return StatefulSetPlan(
            spec, pods: byOrdinal, revision: StatefulSetController.revision(of:), updateRevision: update)
    }

    @Test("OrderedReady: one at a time, each after the one before is Running and Ready; Parallel: all at once")
    func ordered() {
        let spec = Self.set(replicas: 3)
        #expect(Self.plan(spec, []).create == [0])
        #expect(Self.plan(spec, [Self.pod(0, ready: false)]).create == [])
        #expect(Self.plan(spec, [Self.pod(0)]).create == [1])
        #expect(Self.plan(spec, [Self.pod(0), Self.pod(1)]).create == [2])
        #expect(Self.plan(Self.set(replicas: 3, parallel: true), []).create == [0, 1, 2])
        #expect(spec.ordinal(of: Self.pod(12)) == 12)
        #expect(spec.ordinal(of: ["metadata": ["name": "webby-1"]]) == nil)
    }

    @Test("a failed pod is deleted to be made again; scale down takes the highest first, one at a time")
    func replaceAndShrink() {
        let spec = Self.set(replicas: 2)
        #expect(Self.plan(spec, [Self.pod(0, phase: "Failed", ready: false), Self.pod(1)]).delete == ["web-0"])
        let shrink = Self.plan(spec, [Self.pod(0), Self.pod(1), Self.pod(2), Self.pod(3)])
        #expect(shrink.delete == ["web-3"])
        // The next goes only once the one before is gone.
        #expect(Self.plan(spec, [Self.pod(0), Self.pod(1), Self.pod(2), Self.pod(3, deleting: true)]).delete.isEmpty)
        let parallel = Self.plan(
            Self.set(replicas: 2, parallel: true), [Self.pod(0), Self.pod(1), Self.pod(2), Self.pod(3)])
        #expect(parallel.delete.sorted() == ["web-2", "web-3"])
    }

    @Test("rolling update: the highest old pod goes first, down to the partition; OnDelete waits")
    func rolling() {
        let pods = [Self.pod(0), Self.pod(1), Self.pod(2)]
        #expect(Self.plan(Self.set(replicas: 3), pods, update: "r2").delete == ["web-2"])
        let partly = [Self.pod(0), Self.pod(1), Self.pod(2, revision: "r2")]
        #expect(Self.plan(Self.set(replicas: 3), partly, update: "r2").delete == ["web-1"])
        #expect(Self.plan(Self.set(replicas: 3, partition: 2), partly, update: "r2").delete.isEmpty)
        #expect(Self.plan(Self.set(replicas: 3, partition: nil), pods, update: "r2").delete.isEmpty)
        // Not while a pod is unhealthy.
        let unready = [Self.pod(0), Self.pod(1, ready: false), Self.pod(2)]
        #expect(Self.plan(Self.set(replicas: 3), unready, update: "r2").delete.isEmpty)
    }

    @Test("an ordinal's pod: its name, hostname under the service, labels, and its claims as volumes")
    func podIdentity() {
        let set: JSON = [
            "metadata": ["name": "web", "namespace": "ns"],
            "spec": [
                "serviceName": "web-svc",
                "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "c"]]]],
                "volumeClaimTemplates": [["metadata": ["name": "data"], "spec": ["accessModes": ["ReadWriteOnce"]]]],
            ],
        ]
        let owner = ControllerRef.Owner(apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "u")
        let pod = StatefulSetController.pod(for: set, ordinal: 2, owner: owner, revision: "web-abc")
        #expect(pod[path: ["metadata", "name"]] == "web-2")
        #expect(pod[path: ["metadata", "generateName"]] == nil)
        #expect(pod[path: ["spec", "hostname"]] == "web-2")
        #expect(pod[path: ["spec", "subdomain"]] == "web-svc")
        #expect(pod[path: ["metadata", "labels", StatefulSetController.podIndexLabel]] == "2")
        #expect(pod[path: ["metadata", "labels", DaemonSetPlan.hashLabel]] == "web-abc")
        #expect(
            pod[path: ["spec", "volumes"]]?.array?.first?[path: ["persistentVolumeClaim", "claimName"]] == "data-web-2")
    }
}
