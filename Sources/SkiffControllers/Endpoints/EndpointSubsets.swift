import SkiffAPI

/// The `subsets` of a Service's Endpoints, as Kubernetes' endpoints controller builds them:
/// each pod the selector picks that has an IP and is not finished or going, under the ports
/// the Service's `targetPort`s resolve to in that pod (a number, or a named container port),
/// ready pods as `addresses` and the others as `notReadyAddresses` (all as addresses with
/// `publishNotReadyAddresses`); pods with the same ports share a subset.
enum EndpointSubsets {
    static func build(service: JSON, pods: [JSON]) -> [JSON] {
        let serviceName = service[path: ["metadata", "name"]]?.string ?? ""
        let publishNotReady = service[path: ["spec", "publishNotReadyAddresses"]]?.bool == true
        var groups: [[JSON]: (ready: [JSON], notReady: [JSON])] = [:]
        for pod in pods where !PodFacts.isTerminal(pod) && !PodFacts.isDeleting(pod) {
            guard let ip = pod[path: ["status", "podIP"]]?.string, !ip.isEmpty else { continue }
            let ports = self.ports(service: service, pod: pod)
            guard !ports.isEmpty else { continue }
            var address: JSON = [
                "ip": .string(ip),
                "targetRef": [
                    "kind": "Pod", "namespace": pod[path: ["metadata", "namespace"]] ?? "default",
                    "name": pod[path: ["metadata", "name"]] ?? "", "uid": pod[path: ["metadata", "uid"]] ?? "",
                ],
            ]
            if let node = pod[path: ["spec", "nodeName"]]?.string, !node.isEmpty {
                address["nodeName"] = .string(node)
            }
            if let hostname = pod[path: ["spec", "hostname"]]?.string, !hostname.isEmpty,
                pod[path: ["spec", "subdomain"]]?.string == serviceName
            {
                address["hostname"] = .string(hostname)
            }
            if PodFacts.isReady(pod) || publishNotReady {
                groups[ports, default: ([], [])].ready.append(address)
            } else {
                groups[ports, default: ([], [])].notReady.append(address)
            }
        }
        let byIP = { (a: JSON, b: JSON) in (a["ip"]?.string ?? "") < (b["ip"]?.string ?? "") }
        return groups.sorted { $0.key.description < $1.key.description }.map { ports, addresses in
            var subset: JSON = ["ports": .array(ports)]
            if !addresses.ready.isEmpty { subset["addresses"] = .array(addresses.ready.sorted(by: byIP)) }
            if !addresses.notReady.isEmpty { subset["notReadyAddresses"] = .array(addresses.notReady.sorted(by: byIP)) }
            return subset
        }
    }

    /// The service's ports as they land on this pod; a named target the pod lacks drops the port.
    static func ports(service: JSON, pod: JSON) -> [JSON] {
        let containerPorts = (pod[path: ["spec", "containers"]]?.array ?? []).flatMap { $0["ports"]?.array ?? [] }
        return (service[path: ["spec", "ports"]]?.array ?? []).compactMap { port -> JSON? in
            let proto = port["protocol"]?.string ?? "TCP"
            let number: Int64?
            switch port["targetPort"] {
            case .int(let value)?: number = value
            case .string(let name)?:
                number =
                    Int64(name)
                    ?? containerPorts.first {
                        $0["name"]?.string == name && ($0["protocol"]?.string ?? "TCP") == proto
                    }?[
                        "containerPort"]?.int
            default: number = port["port"]?.int
            }
            guard let number else { return nil }
            var endpointPort: JSON = ["port": .int(number), "protocol": .string(proto)]
            if let name = port["name"]?.string, !name.isEmpty { endpointPort["name"] = .string(name) }
            if let appProtocol = port["appProtocol"] { endpointPort["appProtocol"] = appProtocol }
            return endpointPort
        }
    }
}
