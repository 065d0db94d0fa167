import Foundation
import SkiffAPI
import Testing

@testable import SkiffControllers

/// The DaemonSet controller's pure parts: which nodes should run a daemon pod, the pod's node,
/// and one pass of creates, deletes and rolling replacements.
@Suite("daemon set logic")
struct DaemonSetLogicTests {
    static func node(_ name: String, labels: [String: String] = [:], taints: [JSON] = [], ready: String = "True")
        -> NodeSchedulingProfile
    {
        NodeSchedulingProfile([
            "metadata": ["name": .string(name), "labels": JSON(labels)],
            "spec": ["taints": .array(taints)],
            "status": ["conditions": [["type": "Ready", "status": .string(ready)]]],
        ])
    }

    static func pod(_ name: String, node: String, hash: String = "h1", phase: String = "Running", ready: Bool = true)
        -> JSON
    {
        var pod: JSON = [
            "metadata": [
                "name": .string(name), "labels": JSON([DaemonSetPlan.hashLabel: hash]),
                "creationTimestamp": .string("2026-01-01T00:00:0\(name.last ?? "0")Z"),
            ],
            "spec": ["nodeName": .string(node)],
            "status": ["phase": .string(phase)],
        ]
        if ready { pod[path: ["status", "conditions"]] = [["type": "Ready", "status": "True"]] }
        return pod
    }

    static let daemonSet: JSON = ["spec": ["template": ["spec": ["containers": [["name": "c"]]]]]]
    static var profile: PodSchedulingProfile { PodSchedulingProfile(["spec": DaemonNodes.podSpec(daemonSet)]) }

    @Test(
        "eligibility: selector, NoSchedule keeps new pods out, NoExecute stops running ones; cordons and node trouble do not"
    )
    func eligibility() {
        let selective = PodSchedulingProfile(["spec": ["nodeSelector": ["zone": "a"]]])
        #expect(DaemonNodes.fit(selective, on: Self.node("n", labels: ["zone": "a"])).shouldRun)
        #expect(!DaemonNodes.fit(selective, on: Self.node("n", labels: ["zone": "b"])).shouldContinue)
        let noSchedule = DaemonNodes.fit(
            Self.profile, on: Self.node("n", taints: [["key": "k", "effect": "NoSchedule"]]))
        #expect(noSchedule == .init(shouldRun: false, shouldContinue: true))
        let noExecute = DaemonNodes.fit(
            Self.profile, on: Self.node("n", taints: [["key": "k", "effect": "NoExecute"]]))
        #expect(noExecute == .init(shouldRun: false, shouldContinue: false))
        let cordoned = NodeSchedulingProfile([
            "metadata": ["name": "n"], "spec": ["unschedulable": true],
            "status": ["conditions": [["type": "Ready", "status": "True"]]],
        ])
        #expect(DaemonNodes.fit(Self.profile, on: cordoned).shouldRun)
        let unreachable = Self.node("n", taints: [["key": .string(Taint.unreachable), "effect": "NoExecute"]])
        #expect(DaemonNodes.fit(Self.profile, on: unreachable).shouldContinue)
    }

    @Test("a pod's node: bound, or pinned by required affinity")
    func target() {
        var pod: JSON = ["spec": [:]]
        #expect(DaemonNodes.target(of: pod) == nil)
        DaemonNodes.pin(&pod, to: "n7")
        #expect(DaemonNodes.target(of: pod) == "n7")
        pod[path: ["spec", "nodeName"]] = "n8"
        #expect(DaemonNodes.target(of: pod) == "n8")
    }

    @Test("a pass: create where missing, delete failed, extra, misplaced and orphaned pods")
    func pass() {
        let nodes = [
            Self.node("n1"), Self.node("n2"), Self.node("n3"),
            Self.node("n4", taints: [["key": "k", "effect": "NoExecute"]]),
        ]
        let pods = [
            Self.pod("a1", node: "n1"), Self.pod("a2", node: "n1"),  // one too many
            Self.pod("b1", node: "n2", phase: "Failed"),  // failed: deleted, replaced on a later pass
            Self.pod("d1", node: "n4"),  // NoExecute: must go
            Self.pod("g1", node: "gone"),  // its node is gone
        ]
        let plan = DaemonSetPlan(nodes: nodes, profile: Self.profile, pods: pods, hash: "h1", rolling: nil, now: Date())
        #expect(plan.create == ["n3"])
        #expect(Set(plan.delete.compactMap { $0[path: ["metadata", "name"]]?.string }) == ["a2", "b1", "d1", "g1"])
        #expect(plan.failed.map(\.node) == ["n2"])
        #expect(plan.desired == 3)
        #expect(plan.misscheduled == 1)
        #expect(plan.kept["n1"]?[path: ["metadata", "name"]] == "a1")
    }

    @Test("rolling update: unavailable old pods go at once, available ones within maxUnavailable")
    func rolling() {
        let nodes = [Self.node("n1"), Self.node("n2"), Self.node("n3")]
        let pods = [
            Self.pod("a1", node: "n1", hash: "old"), Self.pod("b1", node: "n2", hash: "old"),
            Self.pod("c1", node: "n3", hash: "old", ready: false),
        ]
        let rolling = DaemonSetPlan.Rolling(maxUnavailable: 1, minReadySeconds: 0)
        let plan = DaemonSetPlan(
            nodes: nodes, profile: Self.profile, pods: pods, hash: "new", rolling: rolling, now: Date())
        // n3 is short already (its pod is not ready): it goes, and no available one may follow.
        #expect(plan.delete.compactMap { $0[path: ["metadata", "name"]]?.string } == ["c1"])
        let allReady = [Self.pod("a1", node: "n1", hash: "old"), Self.pod("b1", node: "n2", hash: "new")]
        let next = DaemonSetPlan(
            nodes: Array(nodes.prefix(2)), profile: Self.profile, pods: allReady, hash: "new", rolling: rolling,
            now: Date())
        #expect(next.delete.compactMap { $0[path: ["metadata", "name"]]?.string } == ["a1"])
    }
}
