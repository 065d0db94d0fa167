import Foundation
import SkiffAPI
import Testing

@testable import SkiffControllers

/// The node lifecycle controller's pure parts: a silent node's conditions, the taints that
/// mirror Ready, and when a pod's tolerations of NoExecute taints run out.
@Suite("node health logic")
struct NodeHealthTests {
    static let now = RFC3339.parse("2026-11-22T10:00:00Z")!

    static func node(ready: String, taints: [JSON] = []) -> JSON {
        [
            "metadata": ["name": "n"], "spec": ["taints": .array(taints)],
            "status": [
                "conditions": [
                    ["type": "Ready", "status": .string(ready), "lastHeartbeatTime": "2026-11-22T09:00:00Z"],
                    ["type": "MemoryPressure", "status": "False"],
                ]
            ],
        ]
    }

    @Test("a silent node's conditions all go Unknown, once; the heartbeat is kept")
    func unknown() throws {
        let conditions = try #require(NodeHealth.unknownConditions(Self.node(ready: "True"), now: Self.now))
        #expect(conditions.count == 4)
        #expect(conditions.allSatisfy { $0["status"] == "Unknown" && $0["reason"] == "NodeStatusUnknown" })
        #expect(conditions.first?["lastHeartbeatTime"] == "2026-11-22T09:00:00Z")
        var marked = Self.node(ready: "True")
        marked[path: ["status", "conditions"]] = .array(conditions)
        #expect(NodeHealth.unknownConditions(marked, now: Self.now) == nil)
    }

    @Test("Ready's taints: unreachable for Unknown, not-ready for False, none for True; others kept")
    func taints() throws {
        let other: JSON = ["key": "dedicated", "value": "gpu", "effect": "NoSchedule"]
        let unknown = try #require(NodeHealth.taints(Self.node(ready: "Unknown", taints: [other]), now: Self.now))
        #expect(unknown.count == 3)
        #expect(
            unknown.contains {
                $0["key"] == .string(Taint.unreachable) && $0["effect"] == "NoExecute"
                    && $0["timeAdded"] == "2026-11-22T10:00:00Z"
            })
        #expect(unknown.contains { $0["key"] == .string(Taint.unreachable) && $0["effect"] == "NoSchedule" })
        // Unchanged once there; swapped when Ready turns False; gone when it is True again.
        #expect(NodeHealth.taints(Self.node(ready: "Unknown", taints: unknown), now: Self.now) == nil)
        let notReady = try #require(NodeHealth.taints(Self.node(ready: "False", taints: unknown), now: Self.now))
        #expect(Set(notReady.compactMap { $0["key"]?.string }) == [Taint.notReady, "dedicated"])
        #expect(NodeHealth.taints(Self.node(ready: "True", taints: unknown), now: Self.now) == [other])
        #expect(NodeHealth.taints(Self.node(ready: "True", taints: [other]), now: Self.now) == nil)
    }

    @Test("eviction: now when untolerated, after the shortest limit, never without one")
    func eviction() {
        let taint: JSON = [
            "key": .string(Taint.unreachable), "effect": "NoExecute", "timeAdded": "2026-11-22T09:59:00Z",
        ]
        let pod = { (tolerations: [JSON]) -> JSON in ["spec": ["tolerations": .array(tolerations)]] }
        #expect(NodeHealth.evictionTime(pod([]), nodeTaints: [taint], now: Self.now) == Self.now)
        let limited: JSON = [
            "key": .string(Taint.unreachable), "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300,
        ]
        #expect(
            NodeHealth.evictionTime(pod([limited]), nodeTaints: [taint], now: Self.now)
                == RFC3339.parse("2026-11-22T10:04:00Z"))
        let forever: JSON = ["operator": "Exists"]
        #expect(NodeHealth.evictionTime(pod([forever]), nodeTaints: [taint], now: Self.now) == nil)
        // NoSchedule taints never evict.
        let noSchedule: JSON = ["key": "x", "effect": "NoSchedule"]
        #expect(NodeHealth.evictionTime(pod([]), nodeTaints: [noSchedule], now: Self.now) == nil)
        // A user's NoExecute taint has no timeAdded: the clock runs from when it was first seen.
        let userTaint: JSON = ["key": .string(Taint.unreachable), "effect": "NoExecute"]
        #expect(
            NodeHealth.evictionTime(
                pod([limited]), nodeTaints: [userTaint], now: Self.now, firstSeen: RFC3339.parse("2026-11-22T09:55:00Z")
            )
                == RFC3339.parse("2026-11-22T10:00:00Z"))
    }
}
