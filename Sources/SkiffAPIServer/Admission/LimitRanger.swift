import Foundation
import SkiffAPI
import SkiffStore

/// Kubernetes' LimitRanger admission: the LimitRanges of a namespace fill in a new pod's
/// missing container limits (`default`, else `max`) and requests (`defaultRequest`, else the
/// default), then hold containers, pods and claims to `min`, `max` and
/// `maxLimitRequestRatio`, refusing with Kubernetes' words: `pods "x" is forbidden: maximum
/// memory usage per Container is 512Mi, but limit is 1Gi`.
struct LimitRangerPlugin: AdmissionPlugin {
    let name = "LimitRanger"
    let mutates = true

    func admit(_ a: inout AdmissionAttributes) async throws(SkiffError) {
        guard a.operation == .create, a.subresource == nil, let namespace = a.namespace,
            a.info.kind == "Pod" || a.info.kind == "PersistentVolumeClaim"
        else { return }
        let items = a.store.list(prefix: Resources.limitRanges.listPrefix(namespace: namespace)).objects
            .compactMap { try? $0.decode() }
            .flatMap { $0[path: ["spec", "limits"]]?.array ?? [] }
        guard !items.isEmpty else { return }
        var problems: [String] = []
        if a.info.kind == "Pod" {
            for item in items where item["type"]?.string == "Container" { Self.applyDefaults(item, to: &a.object) }
            for item in items {
                switch item["type"]?.string {
                case "Container":
                    for list in ["initContainers", "containers"] {
                        for container in a.object[path: ["spec", list]]?.array ?? [] {
                            problems += Self.check(item, of: "Container", resources: container["resources"])
                        }
                    }
                case "Pod": problems += Self.check(item, of: "Pod", resources: Self.podTotals(a.object))
                default: break
                }
            }
        } else {
            for item in items where item["type"]?.string == "PersistentVolumeClaim" {
                problems += Self.check(
                    item, of: "PersistentVolumeClaim", resources: a.object[path: ["spec", "resources"]])
            }
        }
        guard !problems.isEmpty else { return }
        // One problem bare, several as Go's aggregate prints them.
        let text = problems.count == 1 ? problems[0] : "[" + problems.joined(separator: ", ") + "]"
        throw SkiffError(
            .forbidden, "\(a.info.resource) \"\(a.name)\" is forbidden: \(text)",
            details: .init(name: a.name, kind: a.info.resource))
    }

    /// Limits a container lacks from `default` (else `max`), requests from `defaultRequest`
    /// (else the default limit).
    static func applyDefaults(_ item: JSON, to pod: inout JSON) {
        // Per resource, as `SetDefaults_LimitRangeItem`: default ← max, defaultRequest ← default ← min.
        let limits = (item["max"]?.object ?? [:]).merging(item["default"]?.object ?? [:]) { $1 }
        let requests = (item["min"]?.object ?? [:]).merging(limits) { $1 }
            .merging(item["defaultRequest"]?.object ?? [:]) { $1 }
        for list in ["initContainers", "containers"] {
            guard var containers = pod[path: ["spec", list]]?.array else { continue }
            for index in containers.indices {
                for (kind, defaults) in [("limits", limits), ("requests", requests)] {
                    for (resource, value) in defaults.sorted(by: { $0.key < $1.key })
                    where containers[index][path: ["resources", kind, resource]] == nil {
                        containers[index][path: ["resources", kind, resource]] = value
                    }
                }
            }
            pod[path: ["spec", list]] = .array(containers)
        }
    }

    /// The pod's containers' requests and limits added up (init containers as the largest).
    static func podTotals(_ pod: JSON) -> JSON {
        var totals: [String: [String: Quantity]] = [:]
        for list in ["containers", "initContainers"] {
            for container in pod[path: ["spec", list]]?.array ?? [] {
                for kind in ["requests", "limits"] {
                    for (resource, value) in container[path: ["resources", kind]]?.object ?? [:] {
                        guard let amount = try? Quantity(json: value) else { continue }
                        let current = totals[kind]?[resource] ?? .zero
                        totals[kind, default: [:]][resource] =
                            list == "containers" ? current + amount : max(current, amount)
                    }
                }
            }
        }
        return .object(totals.mapValues { .object($0.mapValues { .string($0.canonical) }) })
    }

    /// The item's min, max and ratio against one set of `resources` (requests and limits).
    static func check(_ item: JSON, of what: String, resources: JSON?) -> [String] {
        let amount = { (kind: String, resource: String) in
            resources?[path: [kind, resource]].flatMap { try? Quantity(json: $0) }
        }
        let bound = { (key: String) in
            (item[key]?.object ?? [:]).compactMapValues { try? Quantity(json: $0) }.sorted { $0.key < $1.key }
        }
        var problems: [String] = []
        for (resource, minimum) in bound("min") {
            guard let request = amount("requests", resource) else {
                problems.append(
                    "minimum \(resource) usage per \(what) is \(minimum.canonical).  No request is specified")
                continue
            }
            if request < minimum {
                problems.append(
                    "minimum \(resource) usage per \(what) is \(minimum.canonical), but request is \(request.canonical)"
                )
            }
        }
        for (resource, maximum) in bound("max") {
            // A claim has only requests; its maximum applies to them.
            let kind = what == "PersistentVolumeClaim" ? "requests" : "limits"
            guard let limit = amount(kind, resource) else {
                let missing = kind == "requests" ? "No request is specified" : "No limit is specified"
                problems.append("maximum \(resource) usage per \(what) is \(maximum.canonical).  \(missing)")
                continue
            }
            if limit > maximum {
                let word = kind == "requests" ? "request" : "limit"
                problems.append(
                    "maximum \(resource) usage per \(what) is \(maximum.canonical), but \(word) is \(limit.canonical)")
            }
        }
        for (resource, ratio) in bound("maxLimitRequestRatio") {
            guard let limit = amount("limits", resource), !limit.isZero else {
                problems.append(
                    "\(resource) max limit to request ratio per \(what) is \(ratio.canonical), but no limit is specified or limit is 0"
                )
                continue
            }
            guard let request = amount("requests", resource), let actual = Quantity.ratio(limit, request) else {
                problems.append(
                    "\(resource) max limit to request ratio per \(what) is \(ratio.canonical), but no request is specified or request is 0"
                )
                continue
            }
            if actual > Double(ratio.milliValue) / 1000 {
                problems.append(
                    "\(resource) max limit to request ratio per \(what) is \(ratio.canonical), but provided ratio is \(String(format: "%f", actual))"
                )
            }
        }
        return problems
    }
}
