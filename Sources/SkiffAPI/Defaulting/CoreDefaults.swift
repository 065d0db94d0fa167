/// Defaults of the non-workload core kinds: Service (with what the Service REST storage fills:
/// IP family policy and families), Endpoints, Namespace, PersistentVolumeClaim, PersistentVolume.
enum CoreDefaults {
    static func applyService(_ object: inout JSON) {
        object.editObject("spec", create: true) { spec in
            spec.setIfEmpty("type", "ClusterIP")
            spec.setIfEmpty("sessionAffinity", "None")
            if spec["sessionAffinity"] == "ClientIP" {
                spec.editObject("sessionAffinityConfig", create: true) { config in
                    config.editObject("clientIP", create: true) { $0.setIfAbsent("timeoutSeconds", 10800) }
                }
            }
            spec.editObjects(in: "ports") { port in
                port.setIfEmpty("protocol", "TCP")
                let target = port["targetPort"]
                if target == nil || target == .null || target?.int == 0 || target == "", let number = port["port"] {
                    port["targetPort"] = number
                }
            }
            let type = spec["type"]?.string ?? ""
            let externalIPs = spec["externalIPs"]?.array ?? []
            if type == "NodePort" || type == "LoadBalancer" || (type == "ClusterIP" && !externalIPs.isEmpty) {
                spec.setIfEmpty("externalTrafficPolicy", "Cluster")
            }
            if type == "ClusterIP" || type == "NodePort" || type == "LoadBalancer" {
                spec.setIfAbsent("internalTrafficPolicy", "Cluster")
                // A given IPv6 cluster IP decides the family; otherwise the cluster is IPv4-only.
                let clusterIP = spec["clusterIP"]?.string ?? ""
                let family = clusterIP.contains(":") ? "IPv6" : "IPv4"
                spec.setIfAbsent("ipFamilyPolicy", "SingleStack")
                if spec["ipFamilies"] == nil || spec["ipFamilies"] == .null || spec["ipFamilies"] == [] {
                    spec["ipFamilies"] = [.string(family)]
                }
            }
            if type == "LoadBalancer" { spec.setIfAbsent("allocateLoadBalancerNodePorts", true) }
        }
    }

    static func applyEndpoints(_ object: inout JSON) {
        object.editObjects(in: "subsets") { subset in
            subset.editObjects(in: "ports") { $0.setIfEmpty("protocol", "TCP") }
        }
    }

    /// `SetDefaults_Namespace` labels every namespace with its own name (overriding any other
    /// value, as Kubernetes does, since selectors rely on it), and the namespace strategy adds
    /// the `kubernetes` finalizer; an explicitly empty list, as left by finalization, stays empty.
    static func applyNamespace(_ object: inout JSON) {
        if let name = object[path: ["metadata", "name"]]?.string, !name.isEmpty {
            object.editObject("metadata", create: true) { meta in
                meta.editObject("labels", create: true) { $0["kubernetes.io/metadata.name"] = .string(name) }
            }
        }
        object.editObject("spec", create: true) { $0.setIfAbsent("finalizers", ["kubernetes"]) }
    }

    static func applyClaimSpec(_ spec: inout JSON) {
        spec.setIfAbsent("volumeMode", "Filesystem")
        spec.editObject("resources") { resources in
            for key in ["limits", "requests"] { resources.editObject(key) { $0.canonicalizeQuantities() } }
        }
    }

    static func applyVolume(_ object: inout JSON) {
        object.editObject("spec", create: true) { spec in
            spec.setIfEmpty("persistentVolumeReclaimPolicy", "Retain")
            spec.setIfAbsent("volumeMode", "Filesystem")
            spec.editObject("hostPath") { $0.setIfAbsent("type", "") }
            spec.editObject("capacity") { $0.canonicalizeQuantities() }
        }
    }
}
