/// Deployments, ReplicaSets, DaemonSets, StatefulSets, ReplicationControllers and
/// ControllerRevisions (pkg/apis/apps/validation and the RC part of core validation).
enum WorkloadValidation {
    static let mismatch = "`selector` does not match template `labels`"

    /// The selector/template pair every apps/v1 controller has. A missing selector is reported
    /// twice, as Kubernetes does: "Required" and, since a nil selector matches nothing, a mismatch.
    static func validateSelectorAndTemplate(
        _ spec: [String: JSON], kindWord: String, extraVolumes: Set<String> = [], into errors: inout FieldErrors
    ) {
        let before = errors.causes.count
        let selector = spec["selector"].flatMap { $0.isNull ? nil : $0 }
        if let selector {
            LabelSelectorValidation.validate(selector, "spec.selector", into: &errors)
            if selector.object != nil, LabelSelectorValidation.isEmpty(selector) {
                errors.invalid("spec.selector", selector, "empty selector is invalid for \(kindWord)")
            }
        } else {
            errors.required("spec.selector")
        }
        let selectorOK = errors.causes.count == before
        let labels = PodValidation.validateTemplate(
            spec["template"], "spec.template", extraVolumes: extraVolumes, into: &errors)
        if selector == nil || (selectorOK && !LabelSelectorValidation.matches(selector ?? .null, labels: labels)) {
            errors.invalid("spec.template.metadata.labels", JSON(labels), mismatch)
        }
        requireAlwaysRestart(spec["template"], into: &errors)
    }

    static func requireAlwaysRestart(_ template: JSON?, into errors: inout FieldErrors) {
        let policy = PodValidation.restartPolicy(ofTemplate: template)
        if policy != "Always" { errors.notSupported("spec.template.spec.restartPolicy", .string(policy), ["Always"]) }
    }

    static func validateDeployment(_ object: JSON, into errors: inout FieldErrors) {
        let spec = errors.object(object["spec"], "spec") ?? [:]
        errors.nonNegative(spec["replicas"], "spec.replicas")
        validateSelectorAndTemplate(spec, kindWord: "deployment", into: &errors)
        forbidDeadline(spec, "activeDeadlineSeconds in ReplicaSet is not Supported", into: &errors)
        let strategy = errors.object(spec["strategy"], "spec.strategy") ?? [:]
        let type = errors.string(strategy["type"], "spec.strategy.type") ?? ""
        switch type {
        case "Recreate":
            if let rolling = strategy["rollingUpdate"], !rolling.isNull {
                errors.forbidden(
                    "spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")
            }
        case "RollingUpdate", "":
            let rolling = errors.object(strategy["rollingUpdate"], "spec.strategy.rollingUpdate") ?? [:]
            let p = "spec.strategy.rollingUpdate"
            let unavailable = intOrPercent(
                rolling["maxUnavailable"], p.dot("maxUnavailable"), default: 25, into: &errors)
            let surge = intOrPercent(rolling["maxSurge"], p.dot("maxSurge"), default: 25, into: &errors)
            if unavailable.value == 0, surge.value == 0 {
                errors.invalid(
                    p.dot("maxUnavailable"), rolling["maxUnavailable"] ?? 0, "may not be 0 when `maxSurge` is 0")
            }
            if unavailable.isPercent, unavailable.value > 100 {
                errors.invalid(
                    p.dot("maxUnavailable"), rolling["maxUnavailable"] ?? "", "must not be greater than 100%")
            }
        default:
            errors.notSupported("spec.strategy.type", .string(type), ["Recreate", "RollingUpdate"])
        }
        errors.nonNegative(spec["minReadySeconds"], "spec.minReadySeconds")
        errors.nonNegative(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit")
        if let deadline = errors.int(spec["progressDeadlineSeconds"], "spec.progressDeadlineSeconds") {
            errors.nonNegative(.int(deadline), "spec.progressDeadlineSeconds")
            if deadline <= (spec["minReadySeconds"]?.int ?? 0) {
                errors.invalid("spec.progressDeadlineSeconds", .int(deadline), "must be greater than minReadySeconds")
            }
        }
    }

    static func validateReplicaSet(_ object: JSON, into errors: inout FieldErrors) {
        let spec = errors.object(object["spec"], "spec") ?? [:]
        errors.nonNegative(spec["replicas"], "spec.replicas")
        errors.nonNegative(spec["minReadySeconds"], "spec.minReadySeconds")
        // Kubernetes' own wording says "deployment" here too.
        validateSelectorAndTemplate(spec, kindWord: "deployment", into: &errors)
        forbidDeadline(spec, "activeDeadlineSeconds in ReplicaSet is not Supported", into: &errors)
    }

    static func validateDaemonSet(_ object: JSON, into errors: inout FieldErrors) {
        let spec = errors.object(object["spec"], "spec") ?? [:]
        validateSelectorAndTemplate(spec, kindWord: "daemonset", into: &errors)
        if let deadline = spec["template"]?[path: ["spec", "activeDeadlineSeconds"]], !deadline.isNull {
            errors.invalid(
                "spec.template.spec.activeDeadlineSeconds", deadline, "activeDeadlineSeconds must be nil for daemons")
        }
        errors.nonNegative(spec["minReadySeconds"], "spec.minReadySeconds")
        errors.nonNegative(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit")
        let strategy = errors.object(spec["updateStrategy"], "spec.updateStrategy") ?? [:]
        let type = errors.string(strategy["type"], "spec.updateStrategy.type") ?? ""
        switch type {
        case "OnDelete":
            break
        case "RollingUpdate", "":
            let p = "spec.updateStrategy.rollingUpdate"
            let rolling = errors.object(strategy["rollingUpdate"], p) ?? [:]
            let unavailable = intOrPercent(
                rolling["maxUnavailable"], p.dot("maxUnavailable"), default: 1, into: &errors)
            let surge = intOrPercent(rolling["maxSurge"], p.dot("maxSurge"), default: 0, into: &errors)
            for (name, v) in [("maxUnavailable", unavailable), ("maxSurge", surge)] where v.isPercent && v.value > 100 {
                errors.invalid(p.dot(name), rolling[name] ?? "", "must not be greater than 100%")
            }
            if unavailable.value != 0, surge.value != 0 {
                errors.invalid(
                    p.dot("maxSurge"), rolling["maxSurge"] ?? 0, "may not be set when maxUnavailable is non-zero")
            } else if unavailable.value == 0, surge.value == 0 {
                errors.required(p.dot("maxUnavailable"), "cannot be 0 when maxSurge is 0")
            }
        default:
            errors.notSupported("spec.updateStrategy", .string(type), ["RollingUpdate", "OnDelete"])
        }
    }

    static func validateStatefulSet(_ object: JSON, into errors: inout FieldErrors) {
        let spec = errors.object(object["spec"], "spec") ?? [:]
        if let policy = errors.string(spec["podManagementPolicy"], "spec.podManagementPolicy"), !policy.isEmpty,
            policy != "OrderedReady", policy != "Parallel"
        {
            errors.invalid("spec.podManagementPolicy", .string(policy), "must be 'OrderedReady' or 'Parallel'")
        }
        let strategy = errors.object(spec["updateStrategy"], "spec.updateStrategy") ?? [:]
        let rolling = strategy["rollingUpdate"].flatMap { $0.isNull ? nil : $0 }
        switch errors.string(strategy["type"], "spec.updateStrategy.type") ?? "" {
        case "OnDelete":
            if let rolling {
                errors.invalid(
                    "spec.updateStrategy.rollingUpdate", rolling, "only allowed for updateStrategy 'RollingUpdate'")
            }
        case "RollingUpdate", "":
            let r = errors.object(rolling, "spec.updateStrategy.rollingUpdate") ?? [:]
            errors.nonNegative(r["partition"], "spec.updateStrategy.rollingUpdate.partition")
            if r["maxUnavailable"] != nil {
                let v = intOrPercent(
                    r["maxUnavailable"], "spec.updateStrategy.rollingUpdate.maxUnavailable", default: 1, into: &errors)
                if v.value == 0 {
                    errors.invalid(
                        "spec.updateStrategy.rollingUpdate.maxUnavailable", r["maxUnavailable"] ?? 0,
                        "must be greater than 0")
                }
            }
        default:
            errors.invalid("spec.updateStrategy", .object(strategy), "must be 'RollingUpdate' or 'OnDelete'")
        }
        let retention =
            errors.object(spec["persistentVolumeClaimRetentionPolicy"], "spec.persistentVolumeClaimRetentionPolicy")
            ?? [:]
        for key in ["whenDeleted", "whenScaled"] {
            errors.oneOf(retention[key], "spec.persistentVolumeClaimRetentionPolicy".dot(key), ["Retain", "Delete"])
        }
        errors.nonNegative(spec["replicas"], "spec.replicas")
        errors.nonNegative(spec["minReadySeconds"], "spec.minReadySeconds")
        errors.nonNegative(spec["revisionHistoryLimit"], "spec.revisionHistoryLimit")
        var claimNames: Set<String> = []
        for (i, claim) in errors.objects(spec["volumeClaimTemplates"], "spec.volumeClaimTemplates") {
            let p = "spec.volumeClaimTemplates".at(i)
            if let name = claim["metadata"]?["name"]?.string { claimNames.insert(name) }
            StorageValidation.validateClaimSpec(claim["spec"], p.dot("spec"), into: &errors)
        }
        validateSelectorAndTemplate(spec, kindWord: "statefulset", extraVolumes: claimNames, into: &errors)
        forbidDeadline(spec, "activeDeadlineSeconds in StatefulSet is not Supported", into: &errors)
    }

    static func validateReplicationController(_ object: JSON, into errors: inout FieldErrors) {
        let spec = errors.object(object["spec"], "spec") ?? [:]
        errors.nonNegative(spec["minReadySeconds"], "spec.minReadySeconds")
        errors.nonNegative(spec["replicas"], "spec.replicas")
        guard let template = spec["template"], !template.isNull else {
            errors.required("spec.template")
            return
        }
        let labels = PodValidation.validateTemplate(template, "spec.template", into: &errors)
        // Defaulting copies the template's labels into an empty selector.
        var selector = errors.stringMap(spec["selector"], "spec.selector")
        errors.labels(map: selector, "spec.selector")
        if selector.isEmpty { selector = labels }
        if selector.isEmpty {
            errors.required("spec.selector")
        } else if !LabelSelectorValidation.matches(map: selector, labels: labels) {
            errors.invalid("spec.template.metadata.labels", JSON(labels), mismatch)
        }
        requireAlwaysRestart(template, into: &errors)
        forbidDeadline(spec, "activeDeadlineSeconds in ReplicationController is not Supported", into: &errors)
    }

    static func validateControllerRevision(_ object: JSON, into errors: inout FieldErrors) {
        if object["data"] == nil || object["data"]?.isNull == true { errors.required("data", "data is mandatory") }
        errors.nonNegative(object["revision"], "revision")
    }

    private static func forbidDeadline(_ spec: [String: JSON], _ message: String, into errors: inout FieldErrors) {
        if let deadline = spec["template"]?[path: ["spec", "activeDeadlineSeconds"]], !deadline.isNull {
            errors.forbidden("spec.template.spec.activeDeadlineSeconds", message)
        }
    }

    /// `ValidatePositiveIntOrPercent` plus the numeric value (`getIntOrPercentValue`).
    static func intOrPercent(
        _ value: JSON?, _ path: String, default fallback: Int64, into errors: inout FieldErrors
    ) -> (value: Int64, isPercent: Bool) {
        guard let value, !value.isNull else { return (fallback, false) }
        if let n = value.int {
            if n < 0 { errors.invalid(path, .int(n), "must be greater than or equal to 0") }
            return (n, false)
        }
        if let s = value.string {
            let messages = NameValidation.isValidPercent(s)
            for message in messages { errors.invalid(path, .string(s), message) }
            return messages.isEmpty ? (Int64(s.dropLast()) ?? Int64.max, true) : (1, false)
        }
        errors.wrongType(path, value, expected: "integer or string")
        return (1, false)
    }
}
