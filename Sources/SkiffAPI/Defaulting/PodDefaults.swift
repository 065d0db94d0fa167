import Synchronization

/// Pod and pod-template defaults: `SetDefaults_PodSpec`, `SetDefaults_Container`, the volume and
/// probe defaults, plus (for Pods only) `SetDefaults_Pod` and the admission plugins that fill the
/// service account, priority and the not-ready/unreachable tolerations.
enum PodDefaults {
    /// A Pod object: template defaults plus the Pod-only ones, which Kubernetes deliberately keeps
    /// out of templates so that adding them does not roll every Deployment.
    static func applyPod(_ pod: inout JSON) {
        pod.editObject("spec", create: true) { spec in
            applySpec(&spec)
            let hostNetwork = spec["hostNetwork"]?.bool == true
            for key in ["containers", "initContainers"] {
                spec.editObjects(in: key) { container in
                    // Requests default to limits for resources that only have a limit.
                    container.editObject("resources") { resources in
                        guard let limits = resources["limits"]?.object else { return }
                        resources.editObject("requests", create: true) { requests in
                            for (name, limit) in limits { requests.setIfAbsent(name, limit) }
                        }
                    }
                    if hostNetwork {
                        container.editObjects(in: "ports") { port in
                            if let number = port["containerPort"], port["hostPort"] == nil || port["hostPort"] == .null
                            {
                                port["hostPort"] = number
                            }
                        }
                    }
                }
            }
            spec.setIfAbsent("enableServiceLinks", true)

            // ServiceAccount admission; `serviceAccount` is the deprecated mirror of the name.
            let account =
                [spec["serviceAccountName"]?.string, spec["serviceAccount"]?.string]
                .compactMap { $0 }.first { !$0.isEmpty } ?? "default"
            spec.setIfEmpty("serviceAccountName", account)
            spec.setIfEmpty("serviceAccount", account)

            // Priority admission without a PriorityClass: priority 0, may preempt lower ones.
            if (spec["priorityClassName"]?.string ?? "").isEmpty {
                spec.setIfAbsent("priority", 0)
                spec.setIfEmpty("preemptionPolicy", "PreemptLowerPriority")
            }
            addDefaultTolerations(&spec)
        }
    }

    /// A PodTemplateSpec inside a workload.
    static func applyTemplate(_ template: inout JSON) {
        template.editObject("spec", create: true) { applySpec(&$0) }
    }

    static func applySpec(_ spec: inout JSON) {
        spec.setIfEmpty("dnsPolicy", "ClusterFirst")
        spec.setIfEmpty("restartPolicy", "Always")
        spec.setIfAbsent("securityContext", .emptyObject)
        spec.setIfAbsent("terminationGracePeriodSeconds", 30)
        spec.setIfEmpty("schedulerName", "default-scheduler")
        for key in ["containers", "initContainers", "ephemeralContainers"] {
            spec.editObjects(in: key, applyContainer)
        }
        spec.editObjects(in: "volumes", applyVolume)
    }

    /// How long pods tolerate a not-ready or unreachable node unless they say otherwise: the
    /// API server's `--default-not-ready-toleration-seconds` and
    /// `--default-unreachable-toleration-seconds` (300 each), set once when the master starts.
    static let defaultTolerationSeconds = Mutex<(notReady: Int64, unreachable: Int64)>((300, 300))

    /// `DefaultTolerationSeconds`: tolerate not-ready and unreachable nodes for a while (see
    /// above) unless a toleration already covers them (same key or empty key, NoExecute or any
    /// effect).
    static func addDefaultTolerations(_ spec: inout JSON) {
        let seconds = defaultTolerationSeconds.withLock { $0 }
        if let existing = spec["tolerations"], existing != .null, existing.array == nil { return }
        var tolerations = spec["tolerations"]?.array ?? []
        for (key, limit) in [
            ("node.kubernetes.io/not-ready", seconds.notReady), ("node.kubernetes.io/unreachable", seconds.unreachable),
        ] {
            let covered = tolerations.contains { t in
                let k = t["key"]?.string ?? ""
                let effect = t["effect"]?.string ?? ""
                return (k == key || k.isEmpty) && (effect == "NoExecute" || effect.isEmpty)
            }
            if !covered {
                tolerations.append([
                    "key": .string(key), "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": .int(limit),
                ])
            }
        }
        spec["tolerations"] = .array(tolerations)
    }

    static func applyContainer(_ container: inout JSON) {
        if container["imagePullPolicy"] == nil || container["imagePullPolicy"] == .null
            || container["imagePullPolicy"] == ""
        {
            container["imagePullPolicy"] = .string(
                imageTag(container["image"]?.string ?? "") == "latest" ? "Always" : "IfNotPresent")
        }
        container.setIfEmpty("terminationMessagePath", "/dev/termination-log")
        container.setIfEmpty("terminationMessagePolicy", "File")
        container.setIfAbsent("resources", .emptyObject)
        container.editObject("resources") { resources in
            for key in ["limits", "requests"] { resources.editObject(key) { $0.canonicalizeQuantities() } }
        }
        container.editObjects(in: "ports") { $0.setIfEmpty("protocol", "TCP") }
        container.editObjects(in: "env") { env in
            env.editObject("valueFrom") { from in from.editObject("fieldRef") { $0.setIfEmpty("apiVersion", "v1") } }
        }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            container.editObject(probe) { p in
                // These are plain int32 fields in Go, so 0 counts as unset.
                for (key, value) in [
                    ("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1), ("failureThreshold", 3),
                ]
                where p[key] == nil || p[key] == .null || p[key]?.int == 0 {
                    p[key] = .int(Int64(value))
                }
                p.editObject("httpGet", applyHTTPGet)
            }
        }
        container.editObject("lifecycle") { lifecycle in
            for hook in ["postStart", "preStop"] {
                lifecycle.editObject(hook) { $0.editObject("httpGet", applyHTTPGet) }
            }
        }
    }

    static func applyHTTPGet(_ action: inout JSON) {
        action.setIfEmpty("path", "/")
        action.setIfEmpty("scheme", "HTTP")
    }

    /// The tag `parsers.ParseImageName` finds: none with a digest, `latest` when omitted; a
    /// name it cannot parse (empty, upper case) gives no tag, hence IfNotPresent.
    static func imageTag(_ image: String) -> String {
        if image.isEmpty || image.contains("@") { return "" }
        let lastComponent = image.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? image
        let repository = image.dropLast(lastComponent.count) + (lastComponent.split(separator: ":").first ?? "")
        if repository.contains(where: \.isUppercase) { return "" }
        guard let colon = lastComponent.firstIndex(of: ":") else { return "latest" }
        return String(lastComponent[lastComponent.index(after: colon)...])
    }

    static func applyVolume(_ volume: inout JSON) {
        let hasSource = VolumeValidation.sources.contains { volume[$0] != nil && volume[$0] != .null }
        if !hasSource { volume["emptyDir"] = .emptyObject }
        for kind in ["secret", "configMap", "downwardAPI", "projected"] {
            volume.editObject(kind) { $0.setIfAbsent("defaultMode", 420) }
        }
        volume.editObject("hostPath") { $0.setIfAbsent("type", "") }
        volume.editObject("ephemeral") { ephemeral in
            ephemeral.editObject("volumeClaimTemplate") { template in
                template.editObject("spec") { CoreDefaults.applyClaimSpec(&$0) }
            }
        }
    }
}
