/// What the API server knows about one resource type: the single table behind routing,
/// discovery, storage keys and Table output.
public struct ResourceInfo: Sendable, Hashable {
    /// API group; "" for core.
    public var group: String
    public var version: String
    /// Plural lowercase name in the URL (`pods`).
    public var resource: String
    public var kind: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var categories: [String]
    public var subresources: [String]

    public var singular: String { kind.lowercased() }
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var listKind: String { kind + "List" }
    /// `deployments.apps`, as Kubernetes names a resource in messages.
    public var qualifiedResource: String { group.isEmpty ? resource : "\(resource).\(group)" }
    /// Prefix of every storage key of this resource: `/registry/pods/`.
    public var keyPrefix: String { "/registry/\(qualifiedResource)/" }

    public static let verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    /// The storage key of one object: `/registry/pods/default/web` or `/registry/nodes/n1`.
    public func key(namespace: String?, name: String) -> String {
        if namespaced, let namespace { return keyPrefix + namespace + "/" + name }
        return keyPrefix + name
    }

    /// The prefix for a list: every namespace, or one.
    public func listPrefix(namespace: String?) -> String {
        if namespaced, let namespace { return keyPrefix + namespace + "/" }
        return keyPrefix
    }

    init(
        _ group: String, _ resource: String, _ kind: String, namespaced: Bool = true, short: [String] = [],
        all: Bool = false, sub: [String] = []
    ) {
        self.group = group
        self.version = "v1"
        self.resource = resource
        self.kind = kind
        self.namespaced = namespaced
        self.shortNames = short
        self.categories = all ? ["all"] : []
        self.subresources = sub
    }
}

/// Every resource Skiff serves. Order is discovery order.
public enum Resources {
    public static let all: [ResourceInfo] = [
        ResourceInfo("", "namespaces", "Namespace", namespaced: false, short: ["ns"], sub: ["status", "finalize"]),
        ResourceInfo("", "pods", "Pod", short: ["po"], all: true, sub: ["status", "binding", "log", "exec"]),
        ResourceInfo("", "services", "Service", short: ["svc"], all: true, sub: ["status"]),
        ResourceInfo("", "endpoints", "Endpoints", short: ["ep"]),
        ResourceInfo("", "nodes", "Node", namespaced: false, short: ["no"], sub: ["status", "proxy"]),
        ResourceInfo("", "configmaps", "ConfigMap", short: ["cm"]),
        ResourceInfo("", "secrets", "Secret"),
        ResourceInfo("", "events", "Event", short: ["ev"]),
        ResourceInfo("", "resourcequotas", "ResourceQuota", short: ["quota"], sub: ["status"]),
        ResourceInfo("", "limitranges", "LimitRange", short: ["limits"]),
        ResourceInfo("", "persistentvolumeclaims", "PersistentVolumeClaim", short: ["pvc"], sub: ["status"]),
        ResourceInfo("", "persistentvolumes", "PersistentVolume", namespaced: false, short: ["pv"], sub: ["status"]),
        ResourceInfo(
            "", "replicationcontrollers", "ReplicationController", short: ["rc"], all: true, sub: ["status", "scale"]),
        ResourceInfo("", "serviceaccounts", "ServiceAccount", short: ["sa"]),
        ResourceInfo("apps", "deployments", "Deployment", short: ["deploy"], all: true, sub: ["status", "scale"]),
        ResourceInfo("apps", "replicasets", "ReplicaSet", short: ["rs"], all: true, sub: ["status", "scale"]),
        ResourceInfo("apps", "daemonsets", "DaemonSet", short: ["ds"], all: true, sub: ["status"]),
        ResourceInfo("apps", "statefulsets", "StatefulSet", short: ["sts"], all: true, sub: ["status", "scale"]),
        ResourceInfo("apps", "controllerrevisions", "ControllerRevision"),
        ResourceInfo("batch", "jobs", "Job", all: true, sub: ["status"]),
        ResourceInfo("batch", "cronjobs", "CronJob", short: ["cj"], all: true, sub: ["status"]),
        ResourceInfo("coordination.k8s.io", "leases", "Lease"),
    ]

    /// Groups other than core, in discovery order.
    public static let groups: [String] = ["apps", "batch", "coordination.k8s.io"]

    private static let byPath: [String: ResourceInfo] = Dictionary(
        uniqueKeysWithValues: all.map { ("\($0.group)/\($0.version)/\($0.resource)", $0) })
    private static let byKind: [String: ResourceInfo] = Dictionary(
        uniqueKeysWithValues: all.map { ("\($0.apiVersion)/\($0.kind)", $0) })

    public static func find(group: String, version: String, resource: String) -> ResourceInfo? {
        byPath["\(group)/\(version)/\(resource)"]
    }

    public static func find(apiVersion: String, kind: String) -> ResourceInfo? {
        byKind["\(apiVersion)/\(kind)"]
    }

    /// Looks a name up as a user types it: plural, singular, short name, kind, or `resource.group`.
    public static func lookup(_ typed: String) -> ResourceInfo? {
        let lower = typed.lowercased()
        let parts = lower.split(separator: ".", maxSplits: 1).map(String.init)
        let name = parts[0]
        let group = parts.count > 1 ? parts[1] : nil
        return all.first { info in
            (group == nil || info.group == group)
                && (info.resource == name || info.singular == name || info.shortNames.contains(name))
        }
    }

    public static func inGroup(_ group: String) -> [ResourceInfo] {
        all.filter { $0.group == group }
    }
}

extension Resources {
    static func info(_ resource: String, group: String = "") -> ResourceInfo {
        // Every name used here is in the table; a miss is a programming error.
        guard let info = find(group: group, version: "v1", resource: resource) else {
            preconditionFailure("unknown resource \(resource)")
        }
        return info
    }
    public static let namespaces = info("namespaces")
    public static let pods = info("pods")
    public static let nodes = info("nodes")
    public static let serviceAccounts = info("serviceaccounts")
    public static let configMaps = info("configmaps")
    public static let secrets = info("secrets")
    public static let persistentVolumeClaims = info("persistentvolumeclaims")
    public static let persistentVolumes = info("persistentvolumes")
    public static let events = info("events")
    public static let leases = info("leases", group: "coordination.k8s.io")
    public static let replicationControllers = info("replicationcontrollers")
    public static let replicaSets = info("replicasets", group: "apps")
    public static let deployments = info("deployments", group: "apps")
    public static let daemonSets = info("daemonsets", group: "apps")
    public static let statefulSets = info("statefulsets", group: "apps")
    public static let controllerRevisions = info("controllerrevisions", group: "apps")
    public static let jobs = info("jobs", group: "batch")
    public static let resourceQuotas = info("resourcequotas")
    public static let services = info("services")
    public static let endpoints = info("endpoints")
    public static let limitRanges = info("limitranges")
    public static let cronJobs = info("cronjobs", group: "batch")
}
