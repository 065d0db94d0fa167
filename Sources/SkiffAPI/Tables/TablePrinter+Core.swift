import Foundation

/// Rows for core/v1 kinds other than Pod, following `printers.go` cell by cell.
extension TablePrinter {
    /// STATUS is the Ready condition (`Ready`/`NotReady`, `Unknown` if absent) plus
    /// `SchedulingDisabled` for cordoned nodes; ROLES come from role labels.
    static func nodeCells(_ node: JSON, now: Date) -> [JSON] {
        var status: [String] = []
        if let ready = (node[path: ["status", "conditions"]]?.array ?? []).last(where: { $0.textAt("type") == "Ready" })
        {
            status.append(ready.textAt("status") == "True" ? "Ready" : "NotReady")
        } else {
            status.append("Unknown")
        }
        if node[path: ["spec", "unschedulable"]]?.bool == true { status.append("SchedulingDisabled") }

        // `node-role.kubernetes.io/<role>` (any value) or the legacy `kubernetes.io/role=<role>`.
        var roles: Set<String> = []
        for (key, value) in node[path: ["metadata", "labels"]]?.object ?? [:] {
            if key.hasPrefix("node-role.kubernetes.io/") {
                let role = String(key.dropFirst("node-role.kubernetes.io/".count))
                if !role.isEmpty { roles.insert(role) }
            } else if key == "kubernetes.io/role", let role = value.string, !role.isEmpty {
                roles.insert(role)
            }
        }

        let addresses = node[path: ["status", "addresses"]]?.array ?? []
        func address(_ type: String) -> String {
            addresses.first { $0.textAt("type") == type }?.textAt("address") ?? "<none>"
        }
        func info(_ field: String) -> String {
            let value = node.textAt("status", "nodeInfo", field)
            return value.isEmpty ? "<unknown>" : value
        }
        return [
            .string(node.textAt("metadata", "name")), .string(status.joined(separator: ",")),
            .string(roles.isEmpty ? "<none>" : roles.sorted().joined(separator: ",")),
            .string(ageCell(node, now: now)), .string(node.textAt("status", "nodeInfo", "kubeletVersion")),
            .string(address("InternalIP")), .string(address("ExternalIP")), .string(info("osImage")),
            .string(info("kernelVersion")), .string(info("containerRuntimeVersion")),
        ]
    }

    static func serviceCells(_ svc: JSON, now: Date) -> [JSON] {
        let type = svc.textAt("spec", "type")
        var clusterIP = svc[path: ["spec", "clusterIPs"]]?.array?.first?.string ?? svc.textAt("spec", "clusterIP")
        if clusterIP.isEmpty { clusterIP = "<none>" }
        let ports = (svc[path: ["spec", "ports"]]?.array ?? []).map { port -> String in
            // The API defaults protocol to TCP; fill it in for objects stored without defaulting.
            let proto = port.textAt("protocol").isEmpty ? "TCP" : port.textAt("protocol")
            let nodePort = port["nodePort"]?.int ?? 0
            let number = port["port"]?.int ?? 0
            return nodePort > 0 ? "\(number):\(nodePort)/\(proto)" : "\(number)/\(proto)"
        }.joined(separator: ",")
        return [
            .string(svc.textAt("metadata", "name")), .string(type), .string(clusterIP),
            .string(serviceExternalIP(svc, type: type)), .string(ports.isEmpty ? "<none>" : ports),
            .string(ageCell(svc, now: now)), .string(formatLabels(svc[path: ["spec", "selector"]])),
        ]
    }

    /// EXTERNAL-IP per service type; load balancers show `<pending>` until they get an address.
    /// The server prints wide, so the 16-character clipping kubectl applies locally never happens.
    static func serviceExternalIP(_ svc: JSON, type: String) -> String {
        let externalIPs = (svc[path: ["spec", "externalIPs"]]?.array ?? []).compactMap(\.string)
        switch type {
        case "ClusterIP", "NodePort":
            return externalIPs.isEmpty ? "<none>" : externalIPs.joined(separator: ",")
        case "LoadBalancer":
            var ingress: Set<String> = []
            for entry in svc[path: ["status", "loadBalancer", "ingress"]]?.array ?? [] {
                let ip = entry.textAt("ip")
                let host = entry.textAt("hostname")
                if !ip.isEmpty { ingress.insert(ip) } else if !host.isEmpty { ingress.insert(host) }
            }
            let all = ingress.sorted() + externalIPs
            return all.isEmpty ? "<pending>" : all.joined(separator: ",")
        case "ExternalName":
            return svc.textAt("spec", "externalName")
        default:
            return "<unknown>"
        }
    }

    /// ENDPOINTS: up to three `ip:port` pairs, then `+ N more...`; `<none>` without subsets.
    static func endpointsCell(_ ep: JSON) -> String {
        let subsets = ep["subsets"]?.array ?? []
        if subsets.isEmpty { return "<none>" }
        var list: [String] = []
        var count = 0
        for subset in subsets {
            let ips = (subset["addresses"]?.array ?? []).map { $0.textAt("ip") }
            let ports = subset["ports"]?.array ?? []
            if ports.isEmpty {  // headless services may have no ports
                count += ips.count
                list += ips.prefix(max(0, 3 - list.count))
                continue
            }
            for port in ports {
                count += ips.count
                let number = port["port"]?.int ?? 0
                for ip in ips where list.count < 3 {
                    list.append((ip.contains(":") ? "[\(ip)]" : ip) + ":\(number)")
                }
            }
        }
        let joined = list.joined(separator: ",")
        return count > 3 ? "\(joined) + \(count - 3) more..." : joined
    }

    static func eventCells(_ ev: JSON, now: Date) -> [JSON] {
        let firstSeen =
            RFC3339.parse(ev.textAt("firstTimestamp")) != nil
            ? since(ev.textAt("firstTimestamp"), now: now) : since(ev.textAt("eventTime"), now: now)
        var lastSeen =
            RFC3339.parse(ev.textAt("lastTimestamp")) != nil ? since(ev.textAt("lastTimestamp"), now: now) : firstSeen
        var count = ev["count"]?.int ?? 0
        if let series = ev["series"], series.object != nil {
            lastSeen = since(series.textAt("lastObservedTime"), now: now)
            count = series["count"]?.int ?? 0
        } else if count == 0 {
            count = 1  // singleton events from events.k8s.io carry no count
        }
        let kind = ev.textAt("involvedObject", "kind").lowercased()
        let involved = ev.textAt("involvedObject", "name")
        let component =
            ev.textAt("source", "component").isEmpty
            ? ev.textAt("reportingComponent") : ev.textAt("source", "component")
        let host = ev.textAt("source", "host").isEmpty ? ev.textAt("reportingInstance") : ev.textAt("source", "host")
        return [
            .string(lastSeen), .string(ev.textAt("type")), .string(ev.textAt("reason")),
            .string(involved.isEmpty ? kind : "\(kind)/\(involved)"), .string(ev.textAt("involvedObject", "fieldPath")),
            .string(host.isEmpty ? component : "\(component), \(host)"),
            .string(ev.textAt("message").trimmingCharacters(in: .whitespacesAndNewlines)),
            .string(firstSeen), .int(count), .string(ev.textAt("metadata", "name")),
        ]
    }

    /// REQUEST / LIMIT: `resource: used/hard` for each hard limit, sorted; `limits.*` go right.
    static func resourceQuotaCells(_ q: JSON, now: Date) -> [JSON] {
        let hard = q[path: ["status", "hard"]]?.object ?? [:]
        var requests: [String] = []
        var limits: [String] = []
        for resource in hard.keys.sorted() {
            let entry = "\(resource): \(quantity(q[path: ["status", "used", resource]]))/\(quantity(hard[resource]))"
            let pieces = resource.split(separator: ".", omittingEmptySubsequences: false)
            if pieces.count > 1 && pieces[0] == "limits" { limits.append(entry) } else { requests.append(entry) }
        }
        return [
            .string(q.textAt("metadata", "name")), .string(requests.joined(separator: ", ")),
            .string(limits.joined(separator: ", ")), .string(ageCell(q, now: now)),
        ]
    }

    /// `RWO,ROX,RWX,RWOP` in that fixed order, duplicates dropped.
    static func accessModes(_ modes: JSON?) -> String {
        let have = Set((modes?.array ?? []).compactMap(\.string))
        return [
            ("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP"),
        ]
        .filter { have.contains($0.0) }.map(\.1).joined(separator: ",")
    }

    /// The beta storage-class annotation still wins over `spec.storageClassName`.
    static func storageClass(_ o: JSON) -> String {
        o[path: ["metadata", "annotations", "volume.beta.kubernetes.io/storage-class"]]?.string
            ?? o.textAt("spec", "storageClassName")
    }

    static func persistentVolumeClaimCells(_ pvc: JSON, now: Date) -> [JSON] {
        let terminating = isSet(pvc[path: ["metadata", "deletionTimestamp"]])
        let volume = pvc.textAt("spec", "volumeName")
        // Capacity and modes are only meaningful once bound.
        let capacity = volume.isEmpty ? "" : quantity(pvc[path: ["status", "capacity", "storage"]])
        let modes = volume.isEmpty ? "" : accessModes(pvc[path: ["status", "accessModes"]])
        return [
            .string(pvc.textAt("metadata", "name")),
            .string(terminating ? "Terminating" : pvc.textAt("status", "phase")),
            .string(volume), .string(capacity), .string(modes), .string(storageClass(pvc)),
            .string(pvc[path: ["spec", "volumeAttributesClassName"]]?.string ?? "<unset>"),
            .string(ageCell(pvc, now: now)), .string(pvc[path: ["spec", "volumeMode"]]?.string ?? "<unset>"),
        ]
    }

    static func persistentVolumeCells(_ pv: JSON, now: Date) -> [JSON] {
        let terminating = isSet(pv[path: ["metadata", "deletionTimestamp"]])
        var claim = ""
        if let ref = pv[path: ["spec", "claimRef"]], ref.object != nil {
            claim = ref.textAt("namespace") + "/" + ref.textAt("name")
        }
        return [
            .string(pv.textAt("metadata", "name")), .string(quantity(pv[path: ["spec", "capacity", "storage"]])),
            .string(accessModes(pv[path: ["spec", "accessModes"]])),
            .string(pv.textAt("spec", "persistentVolumeReclaimPolicy")),
            .string(terminating ? "Terminating" : pv.textAt("status", "phase")), .string(claim),
            .string(storageClass(pv)),
            .string(pv[path: ["spec", "volumeAttributesClassName"]]?.string ?? "<unset>"),
            .string(pv.textAt("status", "reason")), .string(ageCell(pv, now: now)),
            .string(pv[path: ["spec", "volumeMode"]]?.string ?? "<unset>"),
        ]
    }
}
