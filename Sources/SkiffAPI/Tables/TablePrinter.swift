import Foundation

/// Server-side printing for `kubectl get`: the columns and one row's cells per kind, matching
/// Kubernetes' `pkg/printers/internalversion/printers.go` so our output reads like a real cluster's.
///
/// Cells are produced for every column, wide ones included (the API server prints with
/// `Wide: true` and lets kubectl drop priority-1 columns). Objects are untyped JSON, possibly
/// incomplete: a missing field prints as Kubernetes prints the Go zero value, never crashes.
public enum TablePrinter {
    public static func cells(kind: String, object: JSON, now: Date) -> [JSON] {
        let o = object
        let name = JSON.string(o.textAt("metadata", "name"))
        let age = JSON.string(ageCell(o, now: now))
        switch kind {
        case "Pod": return podCells(o, now: now)
        case "Namespace": return [name, .string(o.textAt("status", "phase")), age]
        case "Node": return nodeCells(o, now: now)
        case "Service": return serviceCells(o, now: now)
        case "Endpoints": return [name, .string(endpointsCell(o)), age]
        case "ConfigMap":
            let count = (o["data"]?.object?.count ?? 0) + (o["binaryData"]?.object?.count ?? 0)
            return [name, .int(Int64(count)), age]
        case "Secret":
            return [name, .string(o.textAt("type")), .int(Int64(o["data"]?.object?.count ?? 0)), age]
        case "Event": return eventCells(o, now: now)
        case "ResourceQuota": return resourceQuotaCells(o, now: now)
        case "LimitRange":
            // Generic convertor: creation time in RFC 3339; Go's zero time when absent.
            let created = RFC3339.parse(o.textAt("metadata", "creationTimestamp"))
            return [name, .string(created.map(RFC3339.format) ?? "0001-01-01T00:00:00Z")]
        case "PersistentVolumeClaim": return persistentVolumeClaimCells(o, now: now)
        case "PersistentVolume": return persistentVolumeCells(o, now: now)
        case "ReplicationController", "ReplicaSet": return replicaSetCells(o, now: now, kind: kind)
        case "ServiceAccount": return [name, .int(Int64(o["secrets"]?.array?.count ?? 0)), age]
        case "Deployment": return deploymentCells(o, now: now)
        case "DaemonSet": return daemonSetCells(o, now: now)
        case "StatefulSet": return statefulSetCells(o, now: now)
        case "ControllerRevision": return controllerRevisionCells(o, now: now)
        case "Job": return jobCells(o, now: now)
        case "CronJob": return cronJobCells(o, now: now)
        case "Lease": return [name, .string(o.textAt("spec", "holderIdentity")), age]
        default: return [name, age]
        }
    }

    // MARK: - Shared cell formats

    /// AGE: `translateTimestampSince(creationTimestamp)`.
    static func ageCell(_ o: JSON, now: Date) -> String {
        since(o.textAt("metadata", "creationTimestamp"), now: now)
    }

    /// `translateTimestampSince` for a raw timestamp string; unparsable counts as absent.
    static func since(_ timestamp: String, now: Date) -> String {
        HumanDuration.since(RFC3339.parse(timestamp), now: now)
    }

    /// CONTAINERS and IMAGES for `-o wide`: names and images joined by commas.
    static func containerCells(_ containers: JSON?) -> (JSON, JSON) {
        let list = containers?.array ?? []
        let names = list.map { $0.textAt("name") }.joined(separator: ",")
        let images = list.map { $0.textAt("image") }.joined(separator: ",")
        return (.string(names), .string(images))
    }

    /// `labels.FormatLabels`: `k=v` sorted by key, or `<none>`.
    static func formatLabels(_ map: JSON?) -> String {
        let pairs = (map?.object ?? [:]).compactMap { key, value in value.string.map { (key, $0) } }
        if pairs.isEmpty { return "<none>" }
        return pairs.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }

    /// `metav1.FormatLabelSelector`: the selector string, `<none>` when empty or absent,
    /// `<error>` when it does not convert.
    static func formatLabelSelector(_ selector: JSON?) -> String {
        guard let parsed = try? LabelSelector(json: selector ?? .null) else { return "<error>" }
        let text = parsed.description
        return text.isEmpty ? "<none>" : text
    }

    /// Quantities are printed as stored (Kubernetes canonicalises `1000m` to `1`; we do not).
    /// An absent quantity is Go's zero `Quantity`, which prints `0`.
    static func quantity(_ value: JSON?) -> String {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        default: return "0"
        }
    }

    /// Go's `%d` of an int field; absent is 0.
    static func int(_ o: JSON, _ path: String...) -> Int64 { o[path: path]?.int ?? 0 }

    /// `*int32` replica counts: an absent `spec.replicas` means the API default, 1.
    static func desiredReplicas(_ o: JSON) -> Int64 { o[path: ["spec", "replicas"]]?.int ?? 1 }
}

extension JSON {
    /// String at a path, or "" (Go's zero value) when absent or not a string.
    func textAt(_ path: String...) -> String { self[path: path]?.string ?? "" }
}
