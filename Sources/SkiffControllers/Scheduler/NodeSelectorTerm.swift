import SkiffAPI

/// One `nodeSelectorTerms[]` entry: its `matchExpressions` on node labels and `matchFields`
/// (only `metadata.name` exists) must all hold. A term that says nothing matches no node, and
/// one that cannot be read (a bad operator or value) matches none either, as in Kubernetes.
struct NodeSelectorTerm: Sendable {
    let labelRequirements: [LabelSelector.Requirement]
    let fieldRequirements: [LabelSelector.Requirement]
    let readable: Bool

    init(_ term: JSON) {
        var readable = true
        func requirements(_ list: JSON?) -> [LabelSelector.Requirement] {
            (list?.array ?? []).compactMap { expression in
                guard let requirement = Self.requirement(expression) else {
                    readable = false
                    return nil
                }
                return requirement
            }
        }
        labelRequirements = requirements(term["matchExpressions"])
        fieldRequirements = requirements(term["matchFields"])
        self.readable = readable
    }

    func matches(_ node: NodeSchedulingProfile) -> Bool {
        guard readable, !(labelRequirements.isEmpty && fieldRequirements.isEmpty) else { return false }
        let fields = ["metadata.name": node.name]
        return labelRequirements.allSatisfy { $0.matches(node.labels) }
            && fieldRequirements.allSatisfy { $0.matches(fields) }
    }

    /// `{key, operator, values}` with the node selector's operators (Gt and Lt besides the
    /// set-based four).
    static func requirement(_ expression: JSON) -> LabelSelector.Requirement? {
        let operators: [String: LabelSelector.Operator] = [
            "In": .in, "NotIn": .notIn, "Exists": .exists, "DoesNotExist": .doesNotExist, "Gt": .greaterThan,
            "Lt": .lessThan,
        ]
        guard let key = expression["key"]?.string, let op = operators[expression["operator"]?.string ?? ""] else {
            return nil
        }
        let values = (expression["values"]?.array ?? []).compactMap { $0.string }
        return try? LabelSelector.Requirement(key: key, operator: op, values: values)
    }
}

struct WeightedNodeSelectorTerm: Sendable {
    let weight: Int
    let term: NodeSelectorTerm
}

/// A required pod (anti-)affinity term: pods in `namespaces` whose labels match `selector`,
/// counted per value of the node label `topologyKey` (per node for `kubernetes.io/hostname`).
struct PodAffinityTerm: Sendable {
    let selector: LabelSelector
    /// nil: every namespace (`namespaceSelector: {}`).
    let namespaces: Set<String>?
    let topologyKey: String

    init(_ term: JSON, ownNamespace: String) {
        selector = (try? LabelSelector(json: term["labelSelector"] ?? .null)) ?? .nothing
        topologyKey = term["topologyKey"]?.string ?? ""
        let listed = Set((term["namespaces"]?.array ?? []).compactMap { $0.string })
        if term["namespaceSelector"]?.object?.isEmpty == true {
            namespaces = nil
        } else {
            namespaces = listed.isEmpty ? [ownNamespace] : listed
        }
    }

    func matches(_ pod: PodSchedulingProfile) -> Bool {
        (namespaces?.contains(pod.namespace) ?? true) && selector.matches(pod.labels)
    }
}
