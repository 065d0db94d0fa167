/// Which objects a ResourceQuota counts: all of its namespace's when it has no scopes; with
/// `spec.scopes` or `spec.scopeSelector`, only pods that match every scope (Kubernetes' quota
/// scopes): `Terminating` (activeDeadlineSeconds set) or `NotTerminating`, `BestEffort` (no
/// container states cpu or memory) or `NotBestEffort`, `PriorityClass` (In, NotIn, Exists,
/// DoesNotExist on spec.priorityClassName), `CrossNamespacePodAffinity`.
public enum QuotaScopes {
    public struct Requirement: Equatable, Sendable {
        public var scope: String
        public var op: String
        public var values: [String]
    }

    /// Scopes that only pods' count and compute resources may be limited under.
    static let podResources: Set<String> = [
        "pods", "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory",
    ]

    /// `spec.scopes` (each as Exists) and `spec.scopeSelector.matchExpressions`.
    public static func requirements(_ quota: JSON) -> [Requirement] {
        let scopes = (quota[path: ["spec", "scopes"]]?.array ?? []).compactMap(\.string)
        let expressions = quota[path: ["spec", "scopeSelector", "matchExpressions"]]?.array ?? []
        return scopes.map { Requirement(scope: $0, op: "Exists", values: []) }
            + expressions.map {
                Requirement(
                    scope: $0["scopeName"]?.string ?? "", op: $0["operator"]?.string ?? "",
                    values: ($0["values"]?.array ?? []).compactMap(\.string))
            }
    }

    /// Whether `quota` counts `object` (of kind `info`).
    public static func counts(_ quota: JSON, _ object: JSON, _ info: ResourceInfo) -> Bool {
        let requirements = requirements(quota)
        if requirements.isEmpty { return true }
        return info.kind == "Pod" && requirements.allSatisfy { matches($0, pod: object) }
    }

    static func matches(_ requirement: Requirement, pod: JSON) -> Bool {
        if requirement.scope == "PriorityClass" {
            // Kubernetes matches a label set that always holds the key, empty when no class is named.
            let name = pod[path: ["spec", "priorityClassName"]]?.string ?? ""
            switch requirement.op {
            case "In": return requirement.values.contains(name)
            case "NotIn": return !requirement.values.contains(name)
            case "Exists": return true
            default: return false
            }
        }
        let holds: Bool
        switch requirement.scope {
        case "Terminating": holds = pod[path: ["spec", "activeDeadlineSeconds"]]?.int != nil
        case "NotTerminating": holds = pod[path: ["spec", "activeDeadlineSeconds"]]?.int == nil
        case "BestEffort": holds = isBestEffort(pod)
        case "NotBestEffort": holds = !isBestEffort(pod)
        case "CrossNamespacePodAffinity": holds = hasCrossNamespaceAffinity(pod)
        default: return false
        }
        return requirement.op == "DoesNotExist" ? !holds : holds
    }

    /// QoS class BestEffort: no container or init container requests or limits cpu or memory.
    public static func isBestEffort(_ pod: JSON) -> Bool {
        let containers =
            (pod[path: ["spec", "containers"]]?.array ?? []) + (pod[path: ["spec", "initContainers"]]?.array ?? [])
        return !containers.contains { container in
            ["requests", "limits"].contains { kind in
                ["cpu", "memory"].contains { container[path: ["resources", kind, $0]] != nil }
            }
        }
    }

    /// A pod (anti-)affinity term that names other namespaces or selects them.
    static func hasCrossNamespaceAffinity(_ pod: JSON) -> Bool {
        for kind in ["podAffinity", "podAntiAffinity"] {
            let affinity = pod[path: ["spec", "affinity", kind]]
            let required = affinity?["requiredDuringSchedulingIgnoredDuringExecution"]?.array ?? []
            let preferred = (affinity?["preferredDuringSchedulingIgnoredDuringExecution"]?.array ?? []).compactMap {
                $0["podAffinityTerm"]
            }
            for term in required + preferred
            where !(term["namespaces"]?.array ?? []).isEmpty || term["namespaceSelector"] != nil {
                return true
            }
        }
        return false
    }

    /// Kubernetes' validation of scopes and scope selector: (field, value, message) per problem.
    static func problems(_ spec: [String: JSON]) -> [(String, JSON, String)] {
        let hard = Set((spec["hard"]?.object ?? [:]).keys).filter(isStandardQuotaResource)
        func unsupported(_ scope: String) -> Bool {
            scope == "BestEffort" ? !hard.subtracting(["pods"]).isEmpty : !hard.subtracting(podResources).isEmpty
        }
        var result: [(String, JSON, String)] = []
        let scopes = (spec["scopes"]?.array ?? []).compactMap(\.string)
        let scopesJSON = spec["scopes"] ?? .array([])
        for scope in scopes {
            if !CoreValidation.quotaScopes.contains(scope) {
                result.append(("spec.scopes", scopesJSON, "unsupported scope"))
            }
            if unsupported(scope) {
                result.append(("spec.scopes", scopesJSON, "unsupported scope applied to resource"))
            }
        }
        for pair in [["BestEffort", "NotBestEffort"], ["NotTerminating", "Terminating"]]
        where pair.allSatisfy(scopes.contains) {
            result.append(("spec.scopes", scopesJSON, "conflicting scopes"))
        }
        let expressions = spec["scopeSelector"]?["matchExpressions"]?.array ?? []
        for (i, expression) in expressions.enumerated() {
            let path = "spec.scopeSelector.matchExpressions[\(i)]"
            let scope = expression["scopeName"]?.string ?? ""
            let op = expression["operator"]?.string ?? ""
            let values = expression["values"]?.array ?? []
            if !CoreValidation.quotaScopes.contains(scope) {
                result.append((path + ".scopeName", .string(scope), "unsupported scope"))
            }
            if unsupported(scope) {
                result.append(
                    ("spec.scopeSelector", spec["scopeSelector"] ?? nil, "unsupported scope applied to resource"))
            }
            if scope != "PriorityClass", scope != "VolumeAttributesClass", op != "Exists" {
                result.append(
                    (
                        path + ".operator", .string(op),
                        "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, "
                            + "ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"
                    ))
            }
            switch op {
            case "In", "NotIn":
                if values.isEmpty {
                    result.append(
                        (
                            path + ".values", .array([]),
                            "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"
                        ))
                }
            case "Exists", "DoesNotExist":
                if !values.isEmpty {
                    result.append(
                        (
                            path + ".values", .array(values),
                            "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"
                        ))
                }
            default: result.append((path + ".operator", .string(op), "not a valid selector operator"))
            }
        }
        return result
    }

    /// Kubernetes' standard quota resource names (scope checks ignore `count/…` and extended ones).
    static func isStandardQuotaResource(_ name: String) -> Bool {
        let standard: Set<String> = [
            "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
            "persistentvolumeclaims", "services.nodeports", "services.loadbalancers", "cpu", "memory",
            "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage",
            "limits.cpu", "limits.memory", "limits.ephemeral-storage",
        ]
        return standard.contains(name)
    }
}
