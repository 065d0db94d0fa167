import SkiffAPI

/// What the scheduler reads from a node: labels, taints, allocatable resources.
struct NodeSchedulingProfile: Sendable, Equatable {
    let name: String
    let labels: [String: String]
    /// CPU in millicores, everything else (memory, pods, extended resources) in units.
    let allocatable: [String: Int64]
    /// The node's own taints, plus the one the node lifecycle controller gives a node that is
    /// not Ready (`not-ready`) or not heard from (`unreachable`), so that a pod tolerating it
    /// (a DaemonSet's) may still go there.
    let taints: [Taint]
    let unschedulable: Bool

    init(_ node: JSON) {
        name = node[path: ["metadata", "name"]]?.string ?? ""
        labels = PodSchedulingProfile.strings(node[path: ["metadata", "labels"]])
        var allocatable: [String: Int64] = [:]
        for (resource, value) in node[path: ["status", "allocatable"]]?.object ?? [:] {
            guard let quantity = try? Quantity(json: value) else { continue }
            allocatable[resource] = resource == "cpu" ? quantity.milliValue : quantity.value
        }
        self.allocatable = allocatable
        unschedulable = node[path: ["spec", "unschedulable"]]?.bool == true
        var taints = (node[path: ["spec", "taints"]]?.array ?? []).map(Taint.init)
        let ready = (node[path: ["status", "conditions"]]?.array ?? []).first { $0["type"]?.string == "Ready" }
        let implied: String? =
            switch ready?["status"]?.string {
            case "True": nil
            case "False": Taint.notReady
            default: Taint.unreachable
            }
        if let implied, !taints.contains(where: { $0.key == implied && $0.effect == "NoSchedule" }) {
            taints.append(Taint(key: implied, value: "", effect: "NoSchedule"))
        }
        self.taints = taints
    }
}

struct Taint: Sendable, Hashable {
    static let notReady = "node.kubernetes.io/not-ready"
    static let unreachable = "node.kubernetes.io/unreachable"
    static let unschedulable = "node.kubernetes.io/unschedulable"

    let key: String
    let value: String
    let effect: String

    init(key: String, value: String, effect: String) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    init(_ taint: JSON) {
        self.init(
            key: taint["key"]?.string ?? "", value: taint["value"]?.string ?? "", effect: taint["effect"]?.string ?? "")
    }

    /// As Kubernetes prints it in a scheduling failure: `{key: value}`.
    var display: String { "{\(key): \(value)}" }
}

struct Toleration: Sendable {
    let key: String
    let exists: Bool
    let value: String
    let effect: String

    init(_ toleration: JSON) {
        key = toleration["key"]?.string ?? ""
        exists = toleration["operator"]?.string == "Exists"
        value = toleration["value"]?.string ?? ""
        effect = toleration["effect"]?.string ?? ""
    }

    /// Kubernetes' `ToleratesTaint`: an empty effect tolerates every effect, an empty key with
    /// `Exists` every key, and `Equal` (the default) needs the same value.
    func tolerates(_ taint: Taint) -> Bool {
        guard effect.isEmpty || effect == taint.effect else { return false }
        guard key.isEmpty || key == taint.key else { return false }
        if exists { return true }
        return !key.isEmpty && value == taint.value
    }
}

extension [Toleration] {
    func tolerate(_ taint: Taint) -> Bool { contains { $0.tolerates(taint) } }
}
