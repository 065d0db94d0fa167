/// The smaller core/v1 and coordination kinds: Namespace, Node, Event, ServiceAccount, Lease,
/// ResourceQuota and LimitRange.
enum CoreValidation {
    static func validateNamespace(_ object: JSON, into errors: inout FieldErrors) {
        for (i, item) in (errors.array(object[path: ["spec", "finalizers"]], "spec.finalizers") ?? []).enumerated() {
            let p = "spec.finalizers".at(i)
            guard let name = errors.string(item, p) else { continue }
            for message in NameValidation.isQualifiedName(name) { errors.invalid(p, .string(name), message) }
            if !name.contains("/"), name != "kubernetes" {
                errors.invalid(p, .string(name), "name is neither a standard finalizer name nor is it fully qualified")
            }
        }
    }

    static func validateNode(_ object: JSON, into errors: inout FieldErrors) {
        let spec = errors.object(object["spec"], "spec") ?? [:]
        var seen: Set<String> = []
        for (i, taint) in errors.objects(spec["taints"], "spec.taints") {
            let p = "spec.taints".at(i)
            let key = errors.string(taint["key"], p.dot("key")) ?? ""
            for message in NameValidation.isQualifiedName(key) { errors.invalid(p.dot("key"), .string(key), message) }
            let value = errors.string(taint["value"], p.dot("value")) ?? ""
            let messages = NameValidation.isValidLabelValue(value)
            if !messages.isEmpty { errors.invalid(p.dot("value"), .string(value), messages.joined(separator: ";")) }
            let effect = errors.string(taint["effect"], p.dot("effect")) ?? ""
            if effect.isEmpty {
                errors.required(p.dot("effect"))
            } else if !PodValidation.taintEffects.contains(effect) {
                errors.notSupported(p.dot("effect"), .string(effect), PodValidation.taintEffects)
            }
            if !seen.insert(key + "\u{0}" + effect).inserted {
                errors.causes.append(
                    SkiffError.Cause(
                        reason: "FieldValueDuplicate",
                        message:
                            "Duplicate value: \(JSON.object(taint).quotedForMessage): taints must be unique by key and effect pair",
                        field: p))
            }
        }
        _ = errors.bool(spec["unschedulable"], "spec.unschedulable")
    }

    /// Legacy (core/v1) events: the involved object's namespace must match the event's, except
    /// that cluster-scoped objects' events may live in "default". New-style events (with
    /// `eventTime`) are held to the events.k8s.io rules, of which only types are checked here.
    static func validateEvent(_ object: JSON, into errors: inout FieldErrors) {
        let involved = errors.object(object["involvedObject"], "involvedObject") ?? [:]
        let involvedNamespace = errors.string(involved["namespace"], "involvedObject.namespace") ?? ""
        let namespace = object["metadata"]?["namespace"]?.string ?? ""
        let eventTime = object["eventTime"].flatMap { $0.isNull ? nil : $0 }
        if eventTime == nil {
            let matches =
                involvedNamespace.isEmpty
                ? (namespace.isEmpty || namespace == "default") : namespace == involvedNamespace
            if !matches {
                errors.invalid("involvedObject.namespace", .string(involvedNamespace), "does not match event.namespace")
            }
        }
        _ = errors.int(object["count"], "count")
        if eventTime != nil { errors.oneOf(object["type"], "type", ["Normal", "Warning"]) }
    }

    static func validateServiceAccount(_ object: JSON, into errors: inout FieldErrors) {
        _ = errors.bool(object["automountServiceAccountToken"], "automountServiceAccountToken")
        for (i, secret) in errors.objects(object["secrets"], "secrets") {
            _ = errors.string(secret["name"], "secrets".at(i).dot("name"))
        }
    }

    static func validateLease(_ object: JSON, into errors: inout FieldErrors) {
        let spec = errors.object(object["spec"], "spec") ?? [:]
        if let duration = errors.int(spec["leaseDurationSeconds"], "spec.leaseDurationSeconds"), duration <= 0 {
            errors.invalid("spec.leaseDurationSeconds", .int(duration), "must be greater than 0")
        }
        errors.nonNegative(spec["leaseTransitions"], "spec.leaseTransitions")
        _ = errors.string(spec["holderIdentity"], "spec.holderIdentity")
    }

    static let quotaScopes = [
        "BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating",
        "VolumeAttributesClass",
    ]

    static func validateResourceQuota(_ object: JSON, into errors: inout FieldErrors) {
        let spec = errors.object(object["spec"], "spec") ?? [:]
        _ = ResourceValidation.validateList(spec["hard"], "spec.hard", containerNames: false, into: &errors)
        _ = errors.array(spec["scopes"], "spec.scopes")
        _ = errors.objects(spec["scopeSelector"]?["matchExpressions"], "spec.scopeSelector.matchExpressions")
        for (field, value, message) in QuotaScopes.problems(spec) { errors.invalid(field, value, message) }
    }

    static let limitTypes = ["Pod", "Container", "PersistentVolumeClaim"]

    /// `ValidateLimitRange`: known types, parseable quantities, and min ≤ defaultRequest ≤ default ≤ max.
    static func validateLimitRange(_ object: JSON, into errors: inout FieldErrors) {
        var types: Set<String> = []
        for (i, limit) in errors.objects(object[path: ["spec", "limits"]], "spec.limits") {
            let p = "spec.limits".at(i)
            let type = errors.string(limit["type"], p.dot("type")) ?? ""
            let typeMessages = NameValidation.isQualifiedName(type)
            for message in typeMessages { errors.invalid(p.dot("type"), .string(type), message) }
            if typeMessages.isEmpty, !type.contains("/"), !limitTypes.contains(type) {
                errors.invalid(p.dot("type"), .string(type), "must be a standard limit type or fully qualified")
            }
            if !types.insert(type).inserted { errors.duplicate(p.dot("type"), .string(type)) }
            var lists: [String: [String: Quantity]] = [:]
            for key in ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] {
                lists[key] = ResourceValidation.validateList(
                    limit[key], p.dot(key), containerNames: false, into: &errors)
            }
            if type == "Pod" {
                for key in ["default", "defaultRequest"] where !(lists[key] ?? [:]).isEmpty {
                    errors.forbidden(p.dot(key), "may not be specified when `type` is 'Pod'")
                }
            }
            let min = lists["min"] ?? [:]
            let max = lists["max"] ?? [:]
            let def = lists["default"] ?? [:]
            let req = lists["defaultRequest"] ?? [:]
            for name in Set(min.keys).union(max.keys).union(def.keys).union(req.keys).sorted() {
                func check(_ field: String, _ shown: Quantity?, _ a: Quantity?, _ b: Quantity?, _ text: String) {
                    guard let a, let b, let shown, a > b else { return }
                    errors.invalid(p.dot(field).keyed(name), .string(shown.description), text)
                }
                let lo = min[name]
                let hi = max[name]
                let d = def[name]
                let r = req[name]
                check(
                    "min", lo, lo, hi,
                    "min value \(lo?.description ?? "") is greater than max value \(hi?.description ?? "")")
                check(
                    "defaultRequest", r, lo, r,
                    "min value \(lo?.description ?? "") is greater than default request value \(r?.description ?? "")")
                check(
                    "defaultRequest", r, r, hi,
                    "default request value \(r?.description ?? "") is greater than max value \(hi?.description ?? "")")
                check(
                    "defaultRequest", r, r, d,
                    "default request value \(r?.description ?? "") is greater than default limit value \(d?.description ?? "")"
                )
                check(
                    "default", lo, lo, d,
                    "min value \(lo?.description ?? "") is greater than default value \(d?.description ?? "")")
                check(
                    "default", hi, d, hi,
                    "default value \(d?.description ?? "") is greater than max value \(hi?.description ?? "")")
            }
            for (name, ratio) in (lists["maxLimitRequestRatio"] ?? [:]).sorted(by: { $0.key < $1.key })
            where ratio.milliValue < 1000 {
                errors.invalid(
                    p.dot("maxLimitRequestRatio").keyed(name), .string(ratio.description),
                    "ratio \(ratio.description) is less than 1")
            }
        }
    }
}
