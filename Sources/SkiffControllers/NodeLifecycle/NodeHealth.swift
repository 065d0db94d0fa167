import Foundation
import SkiffAPI

/// What the node lifecycle controller decides from a node's conditions and a pod's
/// tolerations, as Kubernetes' NodeLifecycleController and its NoExecute taint manager do.
enum NodeHealth {
    static let unknownReason = "NodeStatusUnknown"
    static let unknownMessage = "Kubelet stopped posting node status."
    static let conditionTypes = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]

    static func readyStatus(_ node: JSON) -> String {
        (node[path: ["status", "conditions"]]?.array ?? []).first { $0["type"]?.string == "Ready" }?["status"]?.string
            ?? "Unknown"
    }

    /// The conditions of a node not heard from: each of the agent's set to Unknown (the
    /// heartbeat kept, the transition now); nil when they already are.
    static func unknownConditions(_ node: JSON, now: Date) -> [JSON]? {
        var conditions = node[path: ["status", "conditions"]]?.array ?? []
        var changed = false
        for type in conditionTypes {
            let index = conditions.firstIndex { $0["type"]?.string == type }
            if let index, conditions[index]["status"]?.string == "Unknown" { continue }
            var condition: JSON = index.map { conditions[$0] } ?? ["type": .string(type)]
            condition["status"] = "Unknown"
            condition["reason"] = .string(unknownReason)
            condition["message"] = .string(unknownMessage)
            condition["lastTransitionTime"] = .string(RFC3339.format(now))
            if let index { conditions[index] = condition } else { conditions.append(condition) }
            changed = true
        }
        return changed ? conditions : nil
    }

    /// The taints Kubernetes keeps for the Ready condition: `not-ready` (False) or
    /// `unreachable` (Unknown), NoSchedule and NoExecute both, none while Ready.
    static func conditionTaintKey(_ ready: String) -> String? {
        switch ready {
        case "True": nil
        case "False": Taint.notReady
        default: Taint.unreachable
        }
    }

    /// The node's taints with the Ready ones as they should be (kept with their timeAdded when
    /// already there); nil when nothing changes.
    static func taints(_ node: JSON, now: Date) -> [JSON]? {
        let current = node[path: ["spec", "taints"]]?.array ?? []
        let managed: Set<String> = [Taint.notReady, Taint.unreachable]
        let wanted = conditionTaintKey(readyStatus(node))
        var taints = current.filter { taint in
            let key = taint["key"]?.string ?? ""
            return !managed.contains(key) || key == wanted
        }
        if let wanted {
            for effect in ["NoSchedule", "NoExecute"]
            where !taints.contains(where: { $0["key"]?.string == wanted && $0["effect"]?.string == effect }) {
                var taint: JSON = ["key": .string(wanted), "effect": .string(effect)]
                if effect == "NoExecute" { taint["timeAdded"] = .string(RFC3339.format(now)) }
                taints.append(taint)
            }
        }
        return taints == current ? nil : taints
    }

    /// When a pod on a node with NoExecute taints must go, as the taint manager decides: now
    /// for a taint it does not tolerate; else after the shortest `tolerationSeconds` among the
    /// tolerations it uses (counted from when the taints were added); nil when none of those
    /// has a limit (tolerated for good).
    /// `firstSeen`: when this controller first saw the node's NoExecute taints, for taints
    /// that carry no `timeAdded` (a user's).
    static func evictionTime(_ pod: JSON, nodeTaints: [JSON], now: Date, firstSeen: Date? = nil) -> Date? {
        let tolerations = (pod[path: ["spec", "tolerations"]]?.array ?? []).map { ($0, Toleration($0)) }
        let noExecute = nodeTaints.filter { $0["effect"]?.string == "NoExecute" }
        var limits: [Int64] = []
        for taint in noExecute.map(Taint.init) {
            let used = tolerations.filter { $0.1.tolerates(taint) }
            guard !used.isEmpty else { return now }
            limits += used.compactMap { $0.0["tolerationSeconds"]?.int }
        }
        guard let shortest = limits.min() else { return nil }
        let added = noExecute.compactMap { ($0["timeAdded"]?.string).flatMap(RFC3339.parse) }.max() ?? firstSeen ?? now
        return added.addingTimeInterval(Double(max(shortest, 0)))
    }
}
