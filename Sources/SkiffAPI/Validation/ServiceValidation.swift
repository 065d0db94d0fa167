/// Services and Endpoints (`ValidateService`, `ValidateEndpoints`).
enum ServiceValidation {
    static let types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    static let ipMessage = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"

    static func validateService(_ object: JSON, into errors: inout FieldErrors) {
        let spec = errors.object(object["spec"], "spec") ?? [:]
        var type = errors.string(spec["type"], "spec.type") ?? ""
        if type.isEmpty { type = "ClusterIP" }
        if !types.contains(type) { errors.notSupported("spec.type", .string(type), types) }
        let clusterIP = errors.string(spec["clusterIP"], "spec.clusterIP") ?? ""
        let clusterIPs = (errors.array(spec["clusterIPs"], "spec.clusterIPs") ?? []).compactMap(\.string)
        let headless = clusterIP == "None"

        if type == "ExternalName" {
            // The strategy mirrors clusterIP into clusterIPs before validating, hence the path.
            if !clusterIP.isEmpty || !clusterIPs.isEmpty {
                errors.forbidden("spec.clusterIPs", "may not be set for ExternalName services")
            }
            for key in ["ipFamilies", "ipFamilyPolicy"] where spec[key] != nil && spec[key]?.isNull == false {
                errors.forbidden("spec".dot(key), "may not be set for ExternalName services")
            }
            var name = errors.string(spec["externalName"], "spec.externalName") ?? ""
            if name.hasSuffix(".") { name.removeLast() }
            if name.isEmpty {
                errors.required("spec.externalName")
            } else {
                for message in NameValidation.isDNS1123Subdomain(name) {
                    errors.invalid("spec.externalName", .string(name), message)
                }
            }
        } else {
            let ips = clusterIPs.isEmpty && !clusterIP.isEmpty ? [clusterIP] : clusterIPs
            for (i, ip) in ips.enumerated() where ip != "None" && !NameValidation.isValidIP(ip) {
                errors.invalid("spec.clusterIPs".at(i), .string(ip), ipMessage)
            }
        }

        let portsPath = "spec.ports"
        let ports = errors.objects(spec["ports"], portsPath)
        if ports.isEmpty, !headless, type != "ExternalName",
            spec["ports"]?.array?.isEmpty ?? (spec["ports"]?.isNull ?? true)
        {
            errors.required(portsPath)
        }
        var names: Set<String> = []
        var seen: Set<String> = []
        for (i, port) in ports {
            let p = portsPath.at(i)
            let name = errors.string(port["name"], p.dot("name")) ?? ""
            if name.isEmpty {
                if ports.count > 1 { errors.required(p.dot("name")) }
            } else {
                for message in NameValidation.isDNS1123Label(name) {
                    errors.invalid(p.dot("name"), .string(name), message)
                }
                if !names.insert(name).inserted { errors.duplicate(p.dot("name"), .string(name)) }
            }
            let number = errors.int(port["port"], p.dot("port")) ?? 0
            for message in NameValidation.isValidPortNum(number) {
                errors.invalid(p.dot("port"), .int(number), message)
            }
            errors.oneOf(port["protocol"], p.dot("protocol"), ContainerValidation.protocols)
            // 0 or "" is filled from `port` by defaulting.
            if let target = port["targetPort"], target.int != 0, target.string != "" {
                errors.portNumOrName(target, p.dot("targetPort"))
            }
            if let nodePort = errors.int(port["nodePort"], p.dot("nodePort")), nodePort != 0 {
                if type == "ClusterIP" {
                    errors.forbidden(p.dot("nodePort"), "may not be used when `type` is 'ClusterIP'")
                } else {
                    for message in NameValidation.isValidPortNum(nodePort) {
                        errors.invalid(p.dot("nodePort"), .int(nodePort), message)
                    }
                }
            }
            let proto = port["protocol"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? "TCP"
            if !seen.insert("\(proto)/\(number)").inserted {
                errors.duplicate(p, ["port": .int(number), "protocol": .string(proto)])
            }
        }

        errors.labels(spec["selector"], "spec.selector")
        errors.oneOf(spec["sessionAffinity"], "spec.sessionAffinity", ["ClientIP", "None"])
        errors.oneOf(spec["internalTrafficPolicy"], "spec.internalTrafficPolicy", ["Cluster", "Local"])
        errors.oneOf(
            spec["ipFamilyPolicy"], "spec.ipFamilyPolicy", ["SingleStack", "PreferDualStack", "RequireDualStack"])
        for (i, family) in (errors.array(spec["ipFamilies"], "spec.ipFamilies") ?? []).enumerated() {
            errors.oneOf(family, "spec.ipFamilies".at(i), ["IPv4", "IPv6"])
        }
        let externalIPs = (errors.array(spec["externalIPs"], "spec.externalIPs") ?? []).compactMap(\.string)
        for (i, ip) in externalIPs.enumerated() where !NameValidation.isValidIP(ip) {
            errors.invalid("spec.externalIPs".at(i), .string(ip), ipMessage)
        }
        if let policy = errors.string(spec["externalTrafficPolicy"], "spec.externalTrafficPolicy"), !policy.isEmpty {
            let external = type == "NodePort" || type == "LoadBalancer" || (type == "ClusterIP" && !externalIPs.isEmpty)
            if !external {
                errors.invalid(
                    "spec.externalTrafficPolicy", .string(policy), "may only be set for externally-accessible services")
            } else if policy != "Cluster", policy != "Local" {
                errors.notSupported("spec.externalTrafficPolicy", .string(policy), ["Cluster", "Local"])
            }
        }
    }

    static func validateEndpoints(_ object: JSON, into errors: inout FieldErrors) {
        for (i, subset) in errors.objects(object["subsets"], "subsets") {
            let p = "subsets".at(i)
            let ready = errors.objects(subset["addresses"], p.dot("addresses"))
            let notReady = errors.objects(subset["notReadyAddresses"], p.dot("notReadyAddresses"))
            if ready.isEmpty, notReady.isEmpty {
                errors.required(p, "must specify `addresses` or `notReadyAddresses`")
            }
            for (key, addresses) in [("addresses", ready), ("notReadyAddresses", notReady)] {
                for (j, address) in addresses {
                    let a = p.dot(key).at(j)
                    let ip = errors.string(address["ip"], a.dot("ip")) ?? ""
                    if !NameValidation.isValidIP(ip) { errors.invalid(a.dot("ip"), .string(ip), ipMessage) }
                    if let host = errors.string(address["hostname"], a.dot("hostname")), !host.isEmpty {
                        for message in NameValidation.isDNS1123Label(host) {
                            errors.invalid(a.dot("hostname"), .string(host), message)
                        }
                    }
                }
            }
            let ports = errors.objects(subset["ports"], p.dot("ports"))
            for (j, port) in ports {
                let pp = p.dot("ports").at(j)
                let name = errors.string(port["name"], pp.dot("name")) ?? ""
                if name.isEmpty {
                    if ports.count > 1 { errors.required(pp.dot("name")) }
                } else {
                    for message in NameValidation.isDNS1123Label(name) {
                        errors.invalid(pp.dot("name"), .string(name), message)
                    }
                }
                let number = errors.int(port["port"], pp.dot("port")) ?? 0
                for message in NameValidation.isValidPortNum(number) {
                    errors.invalid(pp.dot("port"), .int(number), message)
                }
                errors.oneOf(port["protocol"], pp.dot("protocol"), ContainerValidation.protocols)
            }
        }
    }
}
