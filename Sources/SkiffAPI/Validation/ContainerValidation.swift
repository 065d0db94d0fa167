/// One container of a pod spec (`validateContainerCommon` and friends): name, image, ports, env,
/// resources, volume mounts and probes.
enum ContainerValidation {
    static let protocols = ["SCTP", "TCP", "UDP"]
    static let pullPolicies = ["Always", "IfNotPresent", "Never"]
    static let terminationMessagePolicies = ["File", "FallbackToLogsOnError"]
    /// `validEnvDownwardAPIFieldPathExpressions`, sorted as Kubernetes lists them.
    static let envFieldPaths = [
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
        "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ]

    /// `names` collects container names across init and regular containers, which share one namespace.
    static func validate(
        _ c: [String: JSON], _ path: String, volumes: Set<String>, names: inout Set<String>,
        into errors: inout FieldErrors
    ) {
        let name = errors.string(c["name"], path.dot("name")) ?? ""
        if name.isEmpty {
            errors.required(path.dot("name"))
        } else {
            for message in NameValidation.isDNS1123Label(name) {
                errors.invalid(path.dot("name"), .string(name), message)
            }
            if !names.insert(name).inserted { errors.duplicate(path.dot("name"), .string(name)) }
        }
        let image = errors.string(c["image"], path.dot("image")) ?? ""
        if image.isEmpty {
            errors.required(path.dot("image"))
        } else if image.first?.isWhitespace == true || image.last?.isWhitespace == true {
            errors.invalid(path.dot("image"), .string(image), "must not have leading or trailing whitespace")
        }
        errors.oneOf(c["imagePullPolicy"], path.dot("imagePullPolicy"), pullPolicies)
        errors.oneOf(c["terminationMessagePolicy"], path.dot("terminationMessagePolicy"), terminationMessagePolicies)
        _ = errors.array(c["command"], path.dot("command"))
        _ = errors.array(c["args"], path.dot("args"))

        validatePorts(c["ports"], path.dot("ports"), into: &errors)
        validateEnv(c["env"], path.dot("env"), into: &errors)
        validateEnvFrom(c["envFrom"], path.dot("envFrom"), into: &errors)
        ResourceValidation.validateRequirements(c["resources"], path.dot("resources"), into: &errors)
        validateVolumeMounts(c["volumeMounts"], path.dot("volumeMounts"), volumes: volumes, into: &errors)
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            guard let p = errors.object(c[probe], path.dot(probe)) else { continue }
            validateHandler(p, path.dot(probe), allowed: ["exec", "httpGet", "tcpSocket", "grpc"], into: &errors)
            for field in [
                "initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold",
            ] {
                errors.nonNegative(p[field], path.dot(probe).dot(field))
            }
            if probe != "readinessProbe", let threshold = p["successThreshold"]?.int, threshold != 1 {
                errors.invalid(path.dot(probe).dot("successThreshold"), .int(threshold), "must be 1")
            }
        }
        if let lifecycle = errors.object(c["lifecycle"], path.dot("lifecycle")) {
            for hook in ["postStart", "preStop"] {
                guard let h = errors.object(lifecycle[hook], path.dot("lifecycle").dot(hook)) else { continue }
                validateHandler(
                    h, path.dot("lifecycle").dot(hook), allowed: ["exec", "httpGet", "tcpSocket", "sleep"],
                    into: &errors)
            }
        }
    }

    /// `validateContainerPorts`.
    static func validatePorts(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        var portNames: Set<String> = []
        for (i, port) in errors.objects(value, path) {
            let p = path.at(i)
            if let name = errors.string(port["name"], p.dot("name")), !name.isEmpty {
                let messages = NameValidation.isValidPortName(name)
                for message in messages { errors.invalid(p.dot("name"), .string(name), message) }
                if messages.isEmpty, !portNames.insert(name).inserted { errors.duplicate(p.dot("name"), .string(name)) }
            }
            let containerPort = errors.int(port["containerPort"], p.dot("containerPort")) ?? 0
            if containerPort == 0 {
                errors.required(p.dot("containerPort"))
            } else {
                for message in NameValidation.isValidPortNum(containerPort) {
                    errors.invalid(p.dot("containerPort"), .int(containerPort), message)
                }
            }
            if let hostPort = errors.int(port["hostPort"], p.dot("hostPort")), hostPort != 0 {
                for message in NameValidation.isValidPortNum(hostPort) {
                    errors.invalid(p.dot("hostPort"), .int(hostPort), message)
                }
            }
            errors.oneOf(port["protocol"], p.dot("protocol"), protocols)
        }
    }

    /// `ValidateEnv` with the relaxed (1.32+) name rule, and `validateEnvVarValueFrom`.
    static func validateEnv(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        for (i, env) in errors.objects(value, path) {
            let p = path.at(i)
            let name = errors.string(env["name"], p.dot("name")) ?? ""
            if name.isEmpty { errors.required(p.dot("name")) }
            for message in NameValidation.isEnvVarName(name) { errors.invalid(p.dot("name"), .string(name), message) }
            let literal = errors.string(env["value"], p.dot("value")) ?? ""
            guard let from = errors.object(env["valueFrom"], p.dot("valueFrom")) else { continue }
            let fromPath = p.dot("valueFrom")
            var sources = 0
            if let ref = errors.object(from["fieldRef"], fromPath.dot("fieldRef")) {
                sources += 1
                let fieldPath = errors.string(ref["fieldPath"], fromPath.dot("fieldRef").dot("fieldPath")) ?? ""
                if fieldPath.isEmpty {
                    errors.required(fromPath.dot("fieldRef").dot("fieldPath"))
                } else if !envFieldPaths.contains(fieldPath), !isSubscriptedMetadata(fieldPath) {
                    errors.notSupported(fromPath.dot("fieldRef").dot("fieldPath"), .string(fieldPath), envFieldPaths)
                }
            }
            if let ref = errors.object(from["resourceFieldRef"], fromPath.dot("resourceFieldRef")) {
                sources += 1
                if (errors.string(ref["resource"], fromPath.dot("resourceFieldRef").dot("resource")) ?? "").isEmpty {
                    errors.required(fromPath.dot("resourceFieldRef").dot("resource"))
                }
            }
            for kind in ["configMapKeyRef", "secretKeyRef"] {
                guard let ref = errors.object(from[kind], fromPath.dot(kind)) else { continue }
                sources += 1
                if (errors.string(ref["name"], fromPath.dot(kind).dot("name")) ?? "").isEmpty {
                    errors.required(fromPath.dot(kind).dot("name"))
                }
                let key = errors.string(ref["key"], fromPath.dot(kind).dot("key")) ?? ""
                if key.isEmpty {
                    errors.required(fromPath.dot(kind).dot("key"))
                } else {
                    for message in NameValidation.isConfigMapKey(key) {
                        errors.invalid(fromPath.dot(kind).dot("key"), .string(key), message)
                    }
                }
            }
            if sources == 0 {
                errors.invalid(
                    fromPath, "",
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`")
            } else if !literal.isEmpty {
                errors.invalid(fromPath, "", "may not be specified when `value` is not empty")
            } else if sources > 1 {
                errors.invalid(fromPath, "", "may not have more than one field specified at a time")
            }
        }
    }

    private static func isSubscriptedMetadata(_ path: String) -> Bool {
        (path.hasPrefix("metadata.labels['") || path.hasPrefix("metadata.annotations['")) && path.hasSuffix("']")
    }

    static func validateEnvFrom(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        for (i, source) in errors.objects(value, path) {
            let p = path.at(i)
            let refs = ["configMapRef", "secretRef"].filter { source[$0] != nil && source[$0]?.isNull == false }
            if refs.isEmpty {
                errors.invalid(p, "", "must specify one of: `configMapRef` or `secretRef`")
            } else if refs.count > 1 {
                errors.invalid(p, "", "may not have more than one field specified at a time")
            }
            for ref in refs {
                let name = errors.object(source[ref], p.dot(ref)).flatMap {
                    errors.string($0["name"], p.dot(ref).dot("name"))
                }
                if (name ?? "").isEmpty { errors.required(p.dot(ref).dot("name")) }
            }
        }
    }

    /// `ValidateVolumeMounts`: each mount names a (valid) volume and a unique path.
    static func validateVolumeMounts(
        _ value: JSON?, _ path: String, volumes: Set<String>, into errors: inout FieldErrors
    ) {
        var mountPaths: Set<String> = []
        for (i, mount) in errors.objects(value, path) {
            let p = path.at(i)
            let name = errors.string(mount["name"], p.dot("name")) ?? ""
            if name.isEmpty { errors.required(p.dot("name")) }
            if !volumes.contains(name) { errors.notFound(p.dot("name"), .string(name)) }
            let mountPath = errors.string(mount["mountPath"], p.dot("mountPath")) ?? ""
            if mountPath.isEmpty { errors.required(p.dot("mountPath")) }
            if !mountPaths.insert(mountPath).inserted {
                errors.invalid(p.dot("mountPath"), .string(mountPath), "must be unique")
            }
            if let subPath = errors.string(mount["subPath"], p.dot("subPath")), !subPath.isEmpty {
                VolumeValidation.validateRelativePath(subPath, p.dot("subPath"), into: &errors)
            }
        }
    }

    /// `validateHandler`: exactly one action; later ones are refused by name.
    static func validateHandler(_ h: [String: JSON], _ path: String, allowed: [String], into errors: inout FieldErrors)
    {
        var count = 0
        for kind in allowed {
            guard let action = errors.object(h[kind], path.dot(kind)) else { continue }
            if count > 0 {
                errors.forbidden(path.dot(kind), "may not specify more than 1 handler type")
                continue
            }
            count += 1
            let p = path.dot(kind)
            switch kind {
            case "exec":
                if (errors.array(action["command"], p.dot("command")) ?? []).isEmpty {
                    errors.required(p.dot("command"))
                }
            case "httpGet", "tcpSocket":
                if action["port"] == nil { errors.required(p.dot("port")) }
                errors.portNumOrName(action["port"], p.dot("port"))
                errors.oneOf(action["scheme"], p.dot("scheme"), ["HTTP", "HTTPS"])
            case "grpc":
                if let port = errors.int(action["port"], p.dot("port")) {
                    for message in NameValidation.isValidPortNum(port) {
                        errors.invalid(p.dot("port"), .int(port), message)
                    }
                }
            default:
                errors.nonNegative(action["seconds"], p.dot("seconds"))
            }
        }
        if count == 0 { errors.required(path, "must specify a handler type") }
    }
}
