/// `ValidatePodSpec` and `ValidatePodTemplateSpec` from pkg/apis/core/validation, for Pods and for
/// the pod templates embedded in workloads.
///
/// Fields that `Defaulting` fills (restartPolicy, dnsPolicy, protocols, pull policy) are accepted
/// when absent, so validating before or after defaulting gives the same answer; an absent
/// restartPolicy counts as its default, `Always`, for the per-workload restrictions.
enum PodValidation {
    static let restartPolicies = ["Always", "OnFailure", "Never"]
    static let dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
    static let taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]

    static func validatePod(_ pod: JSON, into errors: inout FieldErrors) {
        validatePodSpec(pod["spec"], "spec", into: &errors)
    }

    /// `ValidatePodTemplateSpec`; returns the template's labels for selector checks.
    @discardableResult
    static func validateTemplate(
        _ value: JSON?, _ path: String, extraVolumes: Set<String> = [], into errors: inout FieldErrors
    ) -> [String: String] {
        let template = errors.object(value, path) ?? [:]
        let meta = errors.object(template["metadata"], path.dot("metadata")) ?? [:]
        // Kubernetes names these `template.labels`, not `template.metadata.labels`.
        errors.labels(meta["labels"], path.dot("labels"))
        NameValidation.validateAnnotations(meta["annotations"], path.dot("annotations"), into: &errors)
        validatePodSpec(template["spec"], path.dot("spec"), extraVolumes: extraVolumes, into: &errors)
        return JSON.object(meta).stringMap(["labels"])
    }

    /// The effective restartPolicy of a template (`Always` when unset, as defaulting makes it).
    static func restartPolicy(ofTemplate template: JSON?) -> String {
        let policy = template?[path: ["spec", "restartPolicy"]]?.string ?? ""
        return policy.isEmpty ? "Always" : policy
    }

    /// `extraVolumes` are names mountable without a pod volume (a StatefulSet's claim templates).
    static func validatePodSpec(
        _ value: JSON?, _ path: String, extraVolumes: Set<String> = [], into errors: inout FieldErrors
    ) {
        let spec = errors.object(value, path) ?? [:]
        let volumes = VolumeValidation.validateVolumes(spec["volumes"], path.dot("volumes"), into: &errors)
            .union(extraVolumes)

        var containerNames: Set<String> = []
        let containersPath = path.dot("containers")
        let containers = errors.objects(spec["containers"], containersPath)
        // Absent, null or empty: required. (A wrong type was already reported by `objects`.)
        if spec["containers"]?.array?.isEmpty ?? (spec["containers"]?.isNull ?? true) {
            errors.required(containersPath)
        }
        let initContainersPath = path.dot("initContainers")
        for (i, container) in errors.objects(spec["initContainers"], initContainersPath) {
            ContainerValidation.validate(
                container, initContainersPath.at(i), volumes: volumes, names: &containerNames, into: &errors)
        }
        for (i, container) in containers {
            ContainerValidation.validate(
                container, containersPath.at(i), volumes: volumes, names: &containerNames, into: &errors)
        }

        if let policy = errors.string(spec["restartPolicy"], path.dot("restartPolicy")), !policy.isEmpty,
            !restartPolicies.contains(policy)
        {
            errors.notSupported(path.dot("restartPolicy"), .string(policy), restartPolicies)
        }
        errors.oneOf(spec["dnsPolicy"], path.dot("dnsPolicy"), dnsPolicies)
        errors.labels(spec["nodeSelector"], path.dot("nodeSelector"))

        let serviceAccount = path.dot("serviceAccountName")
        if let name = errors.string(spec["serviceAccountName"], serviceAccount), !name.isEmpty {
            for message in NameValidation.isDNS1123Subdomain(name) {
                errors.invalid(serviceAccount, .string(name), message)
            }
        }
        for key in ["hostname", "subdomain"] {
            if let name = errors.string(spec[key], path.dot(key)), !name.isEmpty {
                for message in NameValidation.isDNS1123Label(name) {
                    errors.invalid(path.dot(key), .string(name), message)
                }
            }
        }
        if let seconds = errors.int(spec["activeDeadlineSeconds"], path.dot("activeDeadlineSeconds")),
            seconds < 1 || seconds > Int64(Int32.max)
        {
            errors.invalid(
                path.dot("activeDeadlineSeconds"), .int(seconds),
                NameValidation.inclusiveRangeError(1, Int64(Int32.max)))
        }
        _ = errors.int(spec["terminationGracePeriodSeconds"], path.dot("terminationGracePeriodSeconds"))
        // A pod's own user namespace cannot hold the node's namespaces (ValidatePodSpec's rule).
        if errors.bool(spec["hostUsers"], path.dot("hostUsers")) == false {
            for field in ["hostNetwork", "hostPID", "hostIPC"] where spec[field]?.bool == true {
                errors.forbidden(path.dot(field), "when `pod.Spec.HostUsers` is false")
            }
        }
        _ = errors.object(spec["securityContext"], path.dot("securityContext"))
        validateTolerations(spec["tolerations"], path.dot("tolerations"), into: &errors)
        for (i, secret) in errors.objects(spec["imagePullSecrets"], path.dot("imagePullSecrets")) {
            _ = errors.string(secret["name"], path.dot("imagePullSecrets").at(i).dot("name"))
        }
    }

    /// `ValidateTolerations`.
    static func validateTolerations(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        for (i, toleration) in errors.objects(value, path) {
            let p = path.at(i)
            let key = errors.string(toleration["key"], p.dot("key")) ?? ""
            let op = errors.string(toleration["operator"], p.dot("operator")) ?? ""
            let value = errors.string(toleration["value"], p.dot("value")) ?? ""
            let effect = errors.string(toleration["effect"], p.dot("effect")) ?? ""
            let seconds = errors.int(toleration["tolerationSeconds"], p.dot("tolerationSeconds"))
            if !key.isEmpty {
                for message in NameValidation.isQualifiedName(key) {
                    errors.invalid(p.dot("key"), .string(key), message)
                }
            }
            if key.isEmpty, op != "Exists" {
                errors.invalid(
                    p.dot("operator"), .string(op),
                    "operator must be Exists when `key` is empty, which means \"match all values and all keys\"")
            }
            if seconds != nil, effect != "NoExecute" {
                errors.invalid(
                    p.dot("effect"), .string(effect), "effect must be 'NoExecute' when `tolerationSeconds` is set")
            }
            switch op {
            case "Equal", "":
                let messages = NameValidation.isValidLabelValue(value)
                if !messages.isEmpty {
                    errors.invalid(p.dot("operator"), .string(value), messages.joined(separator: ";"))
                }
            case "Exists":
                if !value.isEmpty {
                    errors.invalid(
                        p.dot("operator"), .object(toleration), "value must be empty when `operator` is 'Exists'")
                }
            default:
                errors.notSupported(p.dot("operator"), .string(op), ["Equal", "Exists"])
            }
            if !effect.isEmpty, !taintEffects.contains(effect) {
                errors.notSupported(p.dot("effect"), .string(effect), taintEffects)
            }
        }
    }
}
