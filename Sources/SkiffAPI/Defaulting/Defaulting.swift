/// Server-side defaults, as Kubernetes' `SetDefaults_*` functions (and the admission plugins that
/// behave like defaulting: ServiceAccount, Priority, DefaultTolerationSeconds) fill them in on
/// decode, so that objects read back look like a real cluster's.
///
/// Every default is "set when unset": applying twice gives the same object as applying once, and
/// a value the user set is never replaced. A value of the wrong JSON type is left alone for
/// validation to report, rather than overwritten.
public enum Defaulting {
    /// The API server's `--default-not-ready-toleration-seconds` and
    /// `--default-unreachable-toleration-seconds`: how long new pods tolerate a node in trouble.
    public static func setDefaultTolerationSeconds(notReady: Int64, unreachable: Int64) {
        PodDefaults.defaultTolerationSeconds.withLock { $0 = (notReady, unreachable) }
    }

    public static func apply(kind: String, to object: inout JSON) {
        guard object.object != nil else { return }
        switch kind {
        case "Pod": PodDefaults.applyPod(&object)
        case "PodTemplate": object.editObject("template") { PodDefaults.applyTemplate(&$0) }
        case "ReplicationController": WorkloadDefaults.applyReplicationController(&object)
        case "Deployment": WorkloadDefaults.applyDeployment(&object)
        case "ReplicaSet": WorkloadDefaults.applyReplicaSet(&object)
        case "DaemonSet": WorkloadDefaults.applyDaemonSet(&object)
        case "StatefulSet": WorkloadDefaults.applyStatefulSet(&object)
        case "Job": WorkloadDefaults.applyJob(&object)
        case "CronJob": WorkloadDefaults.applyCronJob(&object)
        case "Service": CoreDefaults.applyService(&object)
        case "Endpoints": CoreDefaults.applyEndpoints(&object)
        case "Namespace": CoreDefaults.applyNamespace(&object)
        case "Secret": object.setIfEmpty("type", "Opaque")
        case "PersistentVolumeClaim": object.editObject("spec") { CoreDefaults.applyClaimSpec(&$0) }
        case "PersistentVolume": CoreDefaults.applyVolume(&object)
        default: break
        }
    }
}

extension JSON {
    /// Sets `key` when it is absent or null (a Go nil pointer). No-op unless this is an object.
    mutating func setIfAbsent(_ key: String, _ value: JSON) {
        guard object != nil else { return }
        if self[key] == nil || self[key] == .null { self[key] = value }
    }

    /// Sets `key` when absent, null or "" (a Go string's zero value counts as unset).
    mutating func setIfEmpty(_ key: String, _ value: String) {
        guard object != nil else { return }
        if self[key] == nil || self[key] == .null || self[key] == "" { self[key] = .string(value) }
    }

    /// Edits the object at `key`, creating `{}` first when `create` is set and the key is unset.
    /// Present values that are not objects are left untouched.
    mutating func editObject(_ key: String, create: Bool = false, _ body: (inout JSON) -> Void) {
        guard object != nil else { return }
        var child: JSON
        if let existing = self[key], existing != .null {
            guard existing.object != nil else { return }
            child = existing
        } else {
            guard create else { return }
            child = .emptyObject
        }
        body(&child)
        self[key] = child
    }

    /// Rewrites each parseable quantity in a resource map into Kubernetes' canonical text
    /// (`cpu: 0.5` → `"500m"`, `1024Mi` → `"1Gi"`), as a typed round trip through Kubernetes
    /// stores it. Same value, so nothing the user set changes meaning; unparseable entries are
    /// left for validation to report.
    mutating func canonicalizeQuantities() {
        guard var members = object else { return }
        for (name, value) in members {
            if let q = try? Quantity(json: value) { members[name] = .string(q.canonical) }
        }
        self = .object(members)
    }

    /// Edits every object in the array at `key`; other members are left alone.
    mutating func editObjects(in key: String, _ body: (inout JSON) -> Void) {
        guard object != nil, var items = self[key]?.array else { return }
        for i in items.indices where items[i].object != nil { body(&items[i]) }
        self[key] = .array(items)
    }
}
