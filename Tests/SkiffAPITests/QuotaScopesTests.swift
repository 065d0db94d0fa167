import Testing

@testable import SkiffAPI

@Suite("ResourceQuota scopes: which pods a quota counts, and which scopes are valid")
struct QuotaScopesTests {
    static func quota(scopes: [String] = [], selector: [JSON] = [], hard: JSON = ["pods": "5"]) -> JSON {
        var spec: [String: JSON] = ["hard": hard]
        if !scopes.isEmpty { spec["scopes"] = .array(scopes.map(JSON.string)) }
        if !selector.isEmpty { spec["scopeSelector"] = ["matchExpressions": .array(selector)] }
        return ["spec": .object(spec)]
    }

    static func pod(memory: String? = nil, deadline: Int? = nil, priorityClass: String? = nil) -> JSON {
        var container: JSON = ["name": "main", "image": "busybox"]
        if let memory { container["resources"] = ["requests": ["memory": .string(memory)]] }
        var spec: [String: JSON] = ["containers": [container]]
        if let deadline { spec["activeDeadlineSeconds"] = .int(Int64(deadline)) }
        if let priorityClass { spec["priorityClassName"] = .string(priorityClass) }
        return ["spec": .object(spec)]
    }

    @Test func scopesSelectPods() {
        let pods = Resources.pods
        #expect(QuotaScopes.counts(Self.quota(), ["kind": "Service"], Resources.services))  // unscoped: everything
        #expect(!QuotaScopes.counts(Self.quota(scopes: ["NotTerminating"]), ["kind": "Service"], Resources.services))
        #expect(QuotaScopes.counts(Self.quota(scopes: ["BestEffort"]), Self.pod(), pods))
        #expect(!QuotaScopes.counts(Self.quota(scopes: ["BestEffort"]), Self.pod(memory: "1Mi"), pods))
        #expect(QuotaScopes.counts(Self.quota(scopes: ["NotBestEffort"]), Self.pod(memory: "1Mi"), pods))
        #expect(QuotaScopes.counts(Self.quota(scopes: ["Terminating"]), Self.pod(deadline: 30), pods))
        #expect(!QuotaScopes.counts(Self.quota(scopes: ["Terminating"]), Self.pod(), pods))
        // Every scope must hold.
        #expect(
            !QuotaScopes.counts(
                Self.quota(scopes: ["Terminating", "BestEffort"]), Self.pod(memory: "1Mi", deadline: 30), pods))
        #expect(QuotaScopes.counts(Self.quota(scopes: ["Terminating", "BestEffort"]), Self.pod(deadline: 30), pods))
    }

    @Test func priorityClassSelector() {
        func counts(_ op: String, _ values: [String], _ pod: JSON) -> Bool {
            let selector: JSON = [
                "scopeName": "PriorityClass", "operator": .string(op), "values": .array(values.map(JSON.string)),
            ]
            return QuotaScopes.counts(Self.quota(selector: [selector]), pod, Resources.pods)
        }
        #expect(counts("In", ["high"], Self.pod(priorityClass: "high")))
        #expect(!counts("In", ["high"], Self.pod(priorityClass: "low")))
        #expect(!counts("In", ["high"], Self.pod()))
        #expect(counts("NotIn", ["high"], Self.pod()))  // as Kubernetes: the key is there, empty
        #expect(counts("Exists", [], Self.pod()))
        #expect(!counts("DoesNotExist", [], Self.pod(priorityClass: "low")))
    }

    @Test func validationAsKubernetes() {
        func messages(_ quota: JSON) -> [String] {
            QuotaScopes.problems(quota["spec"]?.object ?? [:]).map { "\($0.0): \($0.2)" }
        }
        #expect(messages(Self.quota(scopes: ["BestEffort"], hard: ["pods": "1", "count/jobs.batch": "2"])).isEmpty)
        #expect(
            messages(Self.quota(scopes: ["BestEffort"], hard: ["cpu": "1"])) == [
                "spec.scopes: unsupported scope applied to resource"
            ])
        #expect(
            messages(Self.quota(scopes: ["Terminating"], hard: ["services": "1"])) == [
                "spec.scopes: unsupported scope applied to resource"
            ])
        #expect(messages(Self.quota(scopes: ["Terminating", "NotTerminating"])) == ["spec.scopes: conflicting scopes"])
        #expect(messages(Self.quota(scopes: ["Sometimes"])) == ["spec.scopes: unsupported scope"])
        let selector: [JSON] = [
            ["scopeName": "Terminating", "operator": "In", "values": ["x"]],
            ["scopeName": "PriorityClass", "operator": "In"],
            ["scopeName": "PriorityClass", "operator": "Matches", "values": ["x"]],
        ]
        let found = messages(Self.quota(selector: selector))
        #expect(found.contains { $0.hasPrefix("spec.scopeSelector.matchExpressions[0].operator: must be 'Exist'") })
        #expect(
            found.contains(
                "spec.scopeSelector.matchExpressions[1].values: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"
            ))
        #expect(found.contains("spec.scopeSelector.matchExpressions[2].operator: not a valid selector operator"))
    }
}
