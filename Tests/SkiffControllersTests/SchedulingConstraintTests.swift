import SkiffAPI
import Testing

@testable import SkiffControllers

/// Node affinity, taints and tolerations, pod (anti-)affinity, and the scores.
@Suite("scheduler constraints and scores")
struct SchedulingConstraintTests {
    typealias F = Fixtures

    static let zoned = [
        F.node("n1", labels: ["zone": "a", "gen": "3"]), F.node("n2", labels: ["zone": "b", "gen": "5"]),
        F.node("n3", labels: ["gen": "x"]),
    ]

    func placed(_ terms: [JSON]) -> Placement {
        F.cache(Self.zoned).place(PodSchedulingProfile(F.pod("p", spec: F.requiredNodeAffinity(terms))))
    }

    @Test("required node affinity: each operator, matchFields, and any of the terms")
    func nodeAffinity() {
        #expect(placed([["matchExpressions": [F.expression("zone", "In", ["b"])]]]) == .node("n2"))
        #expect(placed([["matchExpressions": [F.expression("zone", "NotIn", ["a", "b"])]]]) == .node("n3"))
        #expect(placed([["matchExpressions": [F.expression("zone", "DoesNotExist")]]]) == .node("n3"))
        #expect(placed([["matchExpressions": [F.expression("gen", "Gt", ["4"])]]]) == .node("n2"))
        #expect(placed([["matchExpressions": [F.expression("gen", "Lt", ["4"])]]]) == .node("n1"))
        #expect(placed([["matchFields": [F.expression("metadata.name", "In", ["n3"])]]]) == .node("n3"))
        // Terms are alternatives; the expressions of one term must all hold.
        #expect(
            placed([
                ["matchExpressions": [F.expression("zone", "Exists"), F.expression("gen", "Lt", ["4"])]],
                ["matchFields": [F.expression("metadata.name", "In", ["nowhere"])]],
            ]) == .node("n1"))
        #expect(
            placed([["matchExpressions": [F.expression("zone", "Exists"), F.expression("gen", "Gt", ["9"])]]])
                == .unschedulable("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."))
        // An empty term, or one with an unknown operator, matches nothing.
        #expect(
            placed([[:]])
                == .unschedulable("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."))
        #expect(
            placed([["matchExpressions": [F.expression("zone", "Near", ["a"])]]])
                == .unschedulable("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."))
    }

    @Test("NoSchedule taints keep pods off unless tolerated; an unready node counts as tainted")
    func taints() {
        let gpu: JSON = ["key": "gpu", "value": "true", "effect": "NoSchedule"]
        let cache = F.cache([F.node("tainted", taints: [gpu]), F.node("down", ready: "False")])
        #expect(
            cache.place(PodSchedulingProfile(F.pod("p")))
                == .unschedulable(
                    "0/2 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }."
                ))
        let equal = F.pod("t", spec: ["tolerations": [["key": "gpu", "operator": "Equal", "value": "true"]]])
        #expect(cache.place(PodSchedulingProfile(equal)) == .node("tainted"))
        let wrongValue = F.pod("w", spec: ["tolerations": [["key": "gpu", "value": "false"]]])
        #expect(cache.place(PodSchedulingProfile(wrongValue)) != .node("tainted"))
        let everything = F.pod("e", spec: ["tolerations": [["operator": "Exists"]]])
        #expect(cache.place(PodSchedulingProfile(everything)) != .unschedulable(""))
        let notReady = F.pod(
            "d", spec: ["tolerations": [["key": "node.kubernetes.io/not-ready", "operator": "Exists"]]])
        #expect(cache.place(PodSchedulingProfile(notReady)) == .node("down"))
        let noStatus = F.cache([F.node("silent", ready: nil)])
        #expect(
            noStatus.place(PodSchedulingProfile(F.pod("p")))
                == .unschedulable(
                    "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }."))
    }

    @Test("a cordoned node takes only pods that tolerate node.kubernetes.io/unschedulable")
    func cordoned() {
        let cache = F.cache([F.node("cordoned", unschedulable: true)])
        #expect(
            cache.place(PodSchedulingProfile(F.pod("p")))
                == .unschedulable("0/1 nodes are available: 1 node(s) were unschedulable."))
        let tolerant = F.pod(
            "d", spec: ["tolerations": [["key": "node.kubernetes.io/unschedulable", "operator": "Exists"]]])
        #expect(cache.place(PodSchedulingProfile(tolerant)) == .node("cordoned"))
    }

    @Test("PreferNoSchedule and preferred node affinity steer without forbidding")
    func preferences() {
        let soft: JSON = ["key": "old", "value": "", "effect": "PreferNoSchedule"]
        let cache = F.cache([F.node("a", taints: [soft]), F.node("b", labels: ["fast": "yes"]), F.node("c")])
        #expect(cache.place(PodSchedulingProfile(F.pod("p"))) == .node("b"))
        let prefers = F.pod(
            "q",
            spec: [
                "affinity": [
                    "nodeAffinity": [
                        "preferredDuringSchedulingIgnoredDuringExecution": [
                            ["weight": 50, "preference": ["matchExpressions": [F.expression("fast", "In", ["yes"])]]]
                        ]
                    ]
                ]
            ])
        let plain = F.cache([F.node("c"), F.node("b", labels: ["fast": "yes"])])
        #expect(plain.place(PodSchedulingProfile(prefers)) == .node("b"))
    }

    @Test("replicas with anti-affinity by hostname go one per node; the next one waits, saying why")
    func antiAffinity() {
        var cache = F.cache([F.node("a"), F.node("b"), F.node("c")])
        let replicas = (0..<4).map {
            F.pod("web-\($0)", labels: ["app": "web"], spec: F.antiAffinity(["app": "web"]))
        }
        let placements = F.placeAll(replicas, in: &cache)
        #expect(Set(placements.prefix(3)) == [.node("a"), .node("b"), .node("c")])
        #expect(
            placements[3]
                == .unschedulable("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."))
        // A pod the placed ones repel, though it has no rule of its own.
        #expect(
            cache.place(PodSchedulingProfile(F.pod("plain", labels: ["app": "web"])))
                == .unschedulable(
                    "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules."))
        // Other namespaces are not counted unless the term names them.
        #expect(
            cache.place(PodSchedulingProfile(F.pod("elsewhere", namespace: "other", labels: ["app": "web"])))
                != .unschedulable(""))
    }

    @Test("required pod affinity follows the pods it names; the first of a group may go anywhere")
    func podAffinity() {
        func follower(_ name: String, labels: [String: String] = [:]) -> JSON {
            F.pod(
                name, labels: labels,
                spec: [
                    "affinity": [
                        "podAffinity": [
                            "requiredDuringSchedulingIgnoredDuringExecution": [
                                ["labelSelector": ["matchLabels": ["app": "db"]], "topologyKey": "zone"]
                            ]
                        ]
                    ]
                ])
        }
        let nodes = [F.node("a", labels: ["zone": "z1"]), F.node("b", labels: ["zone": "z2"])]
        let alone = F.cache(nodes)
        #expect(
            alone.place(PodSchedulingProfile(follower("f")))
                == .unschedulable("0/2 nodes are available: 2 node(s) didn't match pod affinity rules."))
        #expect(alone.place(PodSchedulingProfile(follower("first-db", labels: ["app": "db"]))) != .unschedulable(""))
        let withDB = F.cache(nodes, pods: [F.pod("db", labels: ["app": "db"], nodeName: "b")])
        #expect(withDB.place(PodSchedulingProfile(follower("f"))) == .node("b"))
    }

    @Test("a controller's pods spread over equal nodes, and requests fill the emptier node first")
    func spreading() {
        var cache = F.cache([F.node("a"), F.node("b"), F.node("c")])
        let replicas = (0..<6).map { F.pod("r\($0)", owner: "rs-uid") }
        let placements = F.placeAll(replicas, in: &cache)
        for name in ["a", "b", "c"] { #expect(placements.filter { $0 == .node(name) }.count == 2) }
        let loaded = F.cache(
            [F.node("a"), F.node("b")], pods: [F.pod("big", cpu: "3", memory: "6Gi", nodeName: "a")])
        #expect(loaded.place(PodSchedulingProfile(F.pod("p", cpu: "500m", memory: "1Gi"))) == .node("b"))
    }
}
