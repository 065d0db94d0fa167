import SkiffAPI

/// Which nodes a DaemonSet's pod belongs on, as Kubernetes' `NodeShouldRunDaemonPod`: the
/// template's nodeSelector and required node affinity, and the node's taints against the
/// template's tolerations plus the ones every daemon pod gets. A pod already running stays
/// while only NoSchedule taints stand against it (`shouldContinueRunning`).
enum DaemonNodes {
    /// The tolerations the DaemonSet controller adds to its pods, so node trouble and cordons
    /// do not evict or keep out the node's own agents.
    static func defaultTolerations(hostNetwork: Bool) -> [JSON] {
        var tolerations: [JSON] = [
            ["key": .string(Taint.notReady), "operator": "Exists", "effect": "NoExecute"],
            ["key": .string(Taint.unreachable), "operator": "Exists", "effect": "NoExecute"],
            ["key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"],
            ["key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"],
            ["key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"],
            ["key": .string(Taint.unschedulable), "operator": "Exists", "effect": "NoSchedule"],
        ]
        if hostNetwork {
            tolerations.append([
                "key": "node.kubernetes.io/network-unavailable", "operator": "Exists", "effect": "NoSchedule",
            ])
        }
        return tolerations
    }

    /// The template's pod spec with the default tolerations added (those it has stay first).
    static func podSpec(_ daemonSet: JSON) -> JSON {
        var spec = daemonSet[path: ["spec", "template", "spec"]] ?? .object([:])
        let own = spec["tolerations"]?.array ?? []
        let extra = defaultTolerations(hostNetwork: spec["hostNetwork"]?.bool == true).filter { candidate in
            !own.contains { $0["key"] == candidate["key"] && $0["effect"] == candidate["effect"] }
        }
        spec["tolerations"] = .array(own + extra)
        return spec
    }

    struct Fit: Equatable, Sendable {
        let shouldRun: Bool
        let shouldContinue: Bool
    }

    static func fit(_ profile: PodSchedulingProfile, on node: NodeSchedulingProfile) -> Fit {
        guard SchedulingCache.matchesNodeConstraints(profile, node) else {
            return Fit(shouldRun: false, shouldContinue: false)
        }
        let untolerated = node.taints.filter { !profile.tolerations.tolerate($0) }
        let blocked =
            untolerated.contains { $0.effect == "NoSchedule" || $0.effect == "NoExecute" }
            || (node.unschedulable
                && !profile.tolerations.tolerate(Taint(key: Taint.unschedulable, value: "", effect: "NoSchedule")))
        return Fit(shouldRun: !blocked, shouldContinue: !untolerated.contains { $0.effect == "NoExecute" })
    }

    /// The node a daemon pod is for: its `nodeName` once bound, else the node its required
    /// affinity names (`matchFields metadata.name`), as Kubernetes' `GetTargetNodeName`.
    static func target(of pod: JSON) -> String? {
        if let node = pod[path: ["spec", "nodeName"]]?.string, !node.isEmpty { return node }
        let terms =
            pod[path: [
                "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                "nodeSelectorTerms",
            ]]?
            .array ?? []
        for term in terms {
            for field in term["matchFields"]?.array ?? []
            where field["key"]?.string == "metadata.name" && field["operator"]?.string == "In" {
                if let values = field["values"]?.array, values.count == 1 { return values[0].string }
            }
        }
        return nil
    }

    /// The affinity that pins a daemon pod to its node (replacing the template's required
    /// terms, which the node was already checked against), as `ReplaceDaemonSetPodNodeNameNodeAffinity`.
    static func pin(_ pod: inout JSON, to node: String) {
        let term: JSON = ["matchFields": [["key": "metadata.name", "operator": "In", "values": [.string(node)]]]]
        pod[path: ["spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"]] = [
            "nodeSelectorTerms": [term]
        ]
    }
}
