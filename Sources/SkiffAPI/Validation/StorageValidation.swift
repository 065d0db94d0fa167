/// PersistentVolumeClaims and PersistentVolumes (`ValidatePersistentVolumeClaimSpec`,
/// `ValidatePersistentVolumeSpec`).
enum StorageValidation {
    static let accessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
    static let volumeModes = ["Block", "Filesystem"]
    static let reclaimPolicies = ["Delete", "Recycle", "Retain"]
    /// PV sources in the order Kubernetes counts them.
    static let pvSources = [
        "gcePersistentDisk", "awsElasticBlockStore", "hostPath", "glusterfs", "flocker", "nfs", "rbd", "quobyte",
        "cinder",
        "cephfs", "iscsi", "fc", "flexVolume", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume",
        "azureDisk", "scaleIO", "local", "storageos", "csi",
    ]

    static func validateClaim(_ object: JSON, into errors: inout FieldErrors) {
        validateClaimSpec(object["spec"], "spec", into: &errors)
    }

    /// Also used for a StatefulSet's volumeClaimTemplates.
    static func validateClaimSpec(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        let spec = errors.object(value, path) ?? [:]
        validateAccessModes(
            spec["accessModes"], path.dot("accessModes"), detail: "at least 1 access mode is required", into: &errors)
        let resources = errors.object(spec["resources"], path.dot("resources")) ?? [:]
        let requests = errors.object(resources["requests"], path.dot("resources").dot("requests")) ?? [:]
        let storagePath = path.dot("resources").keyed("storage")
        if let raw = requests["storage"], !raw.isNull {
            if let q = ResourceValidation.quantity(raw, storagePath, into: &errors), q.nanos <= 0 {
                errors.invalid(storagePath, .string(q.description), "must be greater than zero")
            }
        } else {
            errors.required(storagePath)
        }
        errors.oneOf(spec["volumeMode"], path.dot("volumeMode"), volumeModes)
        validateClassName(spec["storageClassName"], path.dot("storageClassName"), into: &errors)
        if let selector = spec["selector"], !selector.isNull {
            LabelSelectorValidation.validate(selector, path.dot("selector"), into: &errors)
        }
    }

    static func validateVolume(_ object: JSON, into errors: inout FieldErrors) {
        let spec = errors.object(object["spec"], "spec") ?? [:]
        validateAccessModes(spec["accessModes"], "spec.accessModes", detail: "", into: &errors)
        let capacity = errors.object(spec["capacity"], "spec.capacity") ?? [:]
        if capacity.isEmpty { errors.required("spec.capacity") }
        if capacity["storage"] == nil || capacity.count > 1 {
            errors.notSupported("spec.capacity", .object(capacity), ["storage"])
        }
        for name in capacity.keys.sorted() {
            guard let raw = capacity[name] else { continue }
            let p = "spec.capacity".keyed(name)
            if let q = ResourceValidation.quantity(raw, p, into: &errors), q.nanos <= 0 {
                errors.invalid(p, .string(q.description), "must be greater than zero")
            }
        }
        errors.oneOf(spec["persistentVolumeReclaimPolicy"], "spec.persistentVolumeReclaimPolicy", reclaimPolicies)
        errors.oneOf(spec["volumeMode"], "spec.volumeMode", volumeModes)
        validateClassName(spec["storageClassName"], "spec.storageClassName", into: &errors)

        var found: [String] = []
        for kind in pvSources {
            guard let raw = spec[kind], !raw.isNull else { continue }
            if !found.isEmpty {
                errors.forbidden("spec".dot(kind), "may not specify more than 1 volume type")
                continue
            }
            found.append(kind)
            let source = errors.object(raw, "spec".dot(kind)) ?? [:]
            let required: [String] =
                switch kind {
                case "hostPath", "local": ["path"]
                case "nfs": ["server", "path"]
                case "csi": ["driver", "volumeHandle"]
                default: []
                }
            for key in required where (errors.string(source[key], "spec".dot(kind).dot(key)) ?? "").isEmpty {
                errors.required("spec".dot(kind).dot(key))
            }
        }
        if found.isEmpty { errors.required("spec", "must specify a volume type") }
        if found == ["local"], spec["nodeAffinity"] == nil || spec["nodeAffinity"]?.isNull == true {
            errors.required("spec.nodeAffinity", "Local volume requires node affinity")
        }
    }

    static func validateAccessModes(_ value: JSON?, _ path: String, detail: String, into errors: inout FieldErrors) {
        let modes = errors.array(value, path) ?? []
        if modes.isEmpty { errors.required(path, detail) }
        for mode in modes {
            let s = mode.string ?? mode.jsonTypeName
            if !accessModes.contains(s) { errors.notSupported(path, .string(s), accessModes) }
        }
        if modes.count > 1, modes.contains(where: { $0.string == "ReadWriteOncePod" }) {
            errors.forbidden(path, "may not use ReadWriteOncePod with other access modes")
        }
    }

    /// `ValidateClassName`: a StorageClass name is a DNS subdomain; empty means "no class".
    static func validateClassName(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        guard let name = errors.string(value, path), !name.isEmpty else { return }
        for message in NameValidation.isDNS1123Subdomain(name) { errors.invalid(path, .string(name), message) }
    }
}
