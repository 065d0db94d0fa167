/// What a namespace uses of each resource a ResourceQuota can limit, as Kubernetes' quota
/// evaluators count it: object counts (`pods`, `services`, `count/deployments.apps`, …), and for
/// pods that have not finished, the sums of their containers' requests and limits (`requests.cpu`
/// or plain `cpu`, `limits.memory`, …; init containers by the larger of their largest and the
/// sum of the others, as the scheduler counts them), and claims' `requests.storage`.
public enum QuotaUsage {
    /// Short names of counted kinds (`pods` …) as quota keys; everything else is `count/RESOURCE[.GROUP]`.
    static let shortCounts: [String: String] = [
        "pods": "pods", "services": "services", "configmaps": "configmaps", "secrets": "secrets",
        "persistentvolumeclaims": "persistentvolumeclaims", "replicationcontrollers": "replicationcontrollers",
        "resourcequotas": "resourcequotas",
    ]

    /// The quota keys an object of this resource counts toward.
    public static func countKeys(_ info: ResourceInfo) -> [String] {
        let long = "count/" + info.resource + (info.group.isEmpty ? "" : "." + info.group)
        return [long] + (info.group.isEmpty ? [shortCounts[info.resource]].compactMap { $0 } : [])
    }

    /// Whether a pod still counts: finished pods free their share.
    public static func podCounts(_ pod: JSON) -> Bool {
        let phase = pod[path: ["status", "phase"]]?.string
        return phase != "Succeeded" && phase != "Failed"
    }

    /// What one object adds, under every key it counts toward (only the keys in `tracked`).
    public static func usage(of object: JSON, _ info: ResourceInfo, tracked: Set<String>) -> [String: Quantity] {
        var usage: [String: Quantity] = [:]
        if info.kind == "Pod" && !podCounts(object) { return usage }
        for key in countKeys(info) where tracked.contains(key) {
            usage[key] = Quantity(nanos: 1_000_000_000, format: .decimalSI)
        }
        switch info.kind {
        case "Pod":
            for (kind, resource, amount) in podAmounts(object) {
                for key in (kind == "requests" ? ["requests." + resource, resource] : ["limits." + resource])
                where tracked.contains(key) {
                    usage[key] = (usage[key] ?? .zero) + amount
                }
            }
        case "PersistentVolumeClaim":
            if tracked.contains("requests.storage"),
                let storage = (object[path: ["spec", "resources", "requests", "storage"]]).flatMap({
                    try? Quantity(json: $0)
                })
            {
                usage["requests.storage"] = storage
            }
        default: break
        }
        return usage
    }

    /// A pod's effective requests and limits per resource.
    static func podAmounts(_ pod: JSON) -> [(String, String, Quantity)] {
        let containers = pod[path: ["spec", "containers"]]?.array ?? []
        let initContainers = pod[path: ["spec", "initContainers"]]?.array ?? []
        var result: [(String, String, Quantity)] = []
        for kind in ["requests", "limits"] {
            func amounts(_ container: JSON) -> [String: Quantity] {
                (container[path: ["resources", kind]]?.object ?? [:]).compactMapValues { try? Quantity(json: $0) }
            }
            var total: [String: Quantity] = [:]
            for container in containers {
                for (resource, amount) in amounts(container) { total[resource] = (total[resource] ?? .zero) + amount }
            }
            for container in initContainers {
                for (resource, amount) in amounts(container) where amount > (total[resource] ?? .zero) {
                    total[resource] = amount
                }
            }
            for (resource, amount) in total.sorted(by: { $0.key < $1.key }) { result.append((kind, resource, amount)) }
        }
        return result
    }

    /// Adds `b` into `a`.
    public static func add(_ a: inout [String: Quantity], _ b: [String: Quantity]) {
        for (key, amount) in b { a[key] = (a[key] ?? .zero) + amount }
    }

    /// The resource a key is about, to find the objects to count: `requests.cpu` → pods.
    public static func resource(for key: String) -> ResourceInfo? {
        if key.hasPrefix("count/") {
            let name = String(key.dropFirst("count/".count))
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            return Resources.all.first { $0.resource == parts[0] && $0.group == (parts.count > 1 ? parts[1] : "") }
        }
        if let short = shortCounts[key] { return Resources.all.first { $0.resource == short && $0.group.isEmpty } }
        if key == "requests.storage" { return Resources.persistentVolumeClaims }
        return Resources.pods  // cpu, memory, requests.*, limits.*
    }
}
