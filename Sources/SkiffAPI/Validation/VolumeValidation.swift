/// Pod volumes (`ValidateVolumes`, `validateVolumeSource`): unique DNS-label names and exactly one
/// source each, with the checks users most often trip on inside the common sources.
enum VolumeValidation {
    /// Volume source keys, in the order `validateVolumeSource` examines them; the second source
    /// found is the one reported as "more than 1 volume type".
    static let sources = [
        "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
        "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "downwardAPI", "fc",
        "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
        "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
    ]
    static let hostPathTypes = [
        "", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice",
    ]
    static let fileModeMessage = "must be a number between 0 and 0777 (octal), both inclusive"

    /// Returns the names of the volumes that validated cleanly: Kubernetes only lets mounts refer
    /// to those, so a mount of a broken volume also reports "Not found".
    static func validateVolumes(_ value: JSON?, _ path: String, into errors: inout FieldErrors) -> Set<String> {
        var names: Set<String> = []
        for (i, volume) in errors.objects(value, path) {
            var local = FieldErrors()
            let p = path.at(i)
            validateSource(volume, p, into: &local)
            let name = local.string(volume["name"], p.dot("name")) ?? ""
            if name.isEmpty {
                local.required(p.dot("name"))
            } else {
                for message in NameValidation.isDNS1123Label(name) {
                    local.invalid(p.dot("name"), .string(name), message)
                }
            }
            if names.contains(name) { local.duplicate(p.dot("name"), .string(name)) }
            if local.isEmpty { names.insert(name) } else { errors.append(contentsOf: local.causes) }
        }
        return names
    }

    static func validateSource(_ volume: [String: JSON], _ path: String, into errors: inout FieldErrors) {
        var found = 0
        for kind in sources {
            guard let raw = volume[kind], !raw.isNull else { continue }
            if found > 0 {
                errors.forbidden(path.dot(kind), "may not specify more than 1 volume type")
                continue
            }
            found += 1
            guard let source = errors.object(raw, path.dot(kind)) else { continue }
            validateSourceFields(kind, source, path.dot(kind), into: &errors)
        }
        if found == 0 { errors.required(path, "must specify a volume type") }
    }

    private static func validateSourceFields(
        _ kind: String, _ s: [String: JSON], _ p: String, into errors: inout FieldErrors
    ) {
        func requireString(_ key: String) {
            if (errors.string(s[key], p.dot(key)) ?? "").isEmpty { errors.required(p.dot(key)) }
        }
        switch kind {
        case "emptyDir":
            if let limit = s["sizeLimit"], !limit.isNull,
                let q = ResourceValidation.quantity(limit, p.dot("sizeLimit"), into: &errors), q.isNegative
            {
                errors.invalid(p.dot("sizeLimit"), .string(q.description), "must be greater than or equal to 0")
            }
        case "hostPath":
            requireString("path")
            if let type = errors.string(s["type"], p.dot("type")), !hostPathTypes.contains(type) {
                errors.notSupported(p.dot("type"), .string(type), hostPathTypes)
            }
        case "secret":
            requireString("secretName")
            validateMode(s["defaultMode"], p.dot("defaultMode"), into: &errors)
            validateItems(s["items"], p.dot("items"), into: &errors)
        case "configMap":
            requireString("name")
            validateMode(s["defaultMode"], p.dot("defaultMode"), into: &errors)
            validateItems(s["items"], p.dot("items"), into: &errors)
        case "persistentVolumeClaim":
            requireString("claimName")
        case "nfs":
            requireString("server")
            requireString("path")
            if let path = s["path"]?.string, !path.isEmpty, !path.hasPrefix("/") {
                errors.invalid(p.dot("path"), .string(path), "must be an absolute path")
            }
        case "csi":
            requireString("driver")
        case "image":
            requireString("reference")
        case "ephemeral":
            if s["volumeClaimTemplate"] == nil { errors.required(p.dot("volumeClaimTemplate")) }
        case "downwardAPI", "projected":
            validateMode(s["defaultMode"], p.dot("defaultMode"), into: &errors)
        default:
            break
        }
    }

    /// File modes are octal 0–0777, sent as decimal (420 is 0644).
    static func validateMode(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        if let mode = errors.int(value, path), mode < 0 || mode > 0o777 {
            errors.invalid(path, .int(mode), fileModeMessage)
        }
    }

    /// `validateKeyToPath` for configMap/secret items.
    static func validateItems(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        for (i, item) in errors.objects(value, path) {
            let p = path.at(i)
            if (errors.string(item["key"], p.dot("key")) ?? "").isEmpty { errors.required(p.dot("key")) }
            let target = errors.string(item["path"], p.dot("path")) ?? ""
            if target.isEmpty {
                errors.required(p.dot("path"))
            } else {
                validateRelativePath(target, p.dot("path"), into: &errors)
            }
            validateMode(item["mode"], p.dot("mode"), into: &errors)
        }
    }

    /// `validateLocalDescendingPath`: relative and without `..` steps, so it stays in the volume.
    static func validateRelativePath(_ target: String, _ path: String, into errors: inout FieldErrors) {
        if target.hasPrefix("/") { errors.invalid(path, .string(target), "must be a relative path") }
        if target.split(separator: "/").contains("..") {
            errors.invalid(path, .string(target), "must not contain '..'")
        }
    }
}
