/// Jobs and CronJobs (pkg/apis/batch/validation).
enum JobValidation {
    static let jobRestartPolicies = ["OnFailure", "Never"]
    static let concurrencyPolicies = ["Allow", "Forbid", "Replace"]

    static func validateJob(_ object: JSON, into errors: inout FieldErrors) {
        let spec = errors.object(object["spec"], "spec") ?? [:]
        validateJobSpec(spec, "spec", inCronJob: false, into: &errors)
    }

    /// `validateJobSpec`; in a CronJob's jobTemplate the selector is always generated, so setting
    /// one there is refused (`ValidateJobTemplateSpec`).
    static func validateJobSpec(_ spec: [String: JSON], _ path: String, inCronJob: Bool, into errors: inout FieldErrors)
    {
        for key in [
            "parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished",
            "backoffLimitPerIndex", "maxFailedIndexes",
        ] {
            errors.nonNegative(spec[key], path.dot(key))
        }
        if let mode = errors.string(spec["completionMode"], path.dot("completionMode")) {
            if mode != "NonIndexed", mode != "Indexed" {
                errors.notSupported(path.dot("completionMode"), .string(mode), ["NonIndexed", "Indexed"])
            } else if mode == "Indexed", spec["completions"] == nil || spec["completions"]?.isNull == true {
                errors.required(path.dot("completions"), "when completion mode is Indexed")
            }
        }
        _ = errors.bool(spec["suspend"], path.dot("suspend"))
        let manual = errors.bool(spec["manualSelector"], path.dot("manualSelector")) == true
        let selector = spec["selector"].flatMap { $0.isNull ? nil : $0 }
        let before = errors.causes.count
        if inCronJob {
            if let selector { errors.invalid(path.dot("selector"), selector, "`selector` will be auto-generated") }
            if manual { errors.notSupported(path.dot("manualSelector"), true, ["nil", "false"]) }
        } else if let selector {
            LabelSelectorValidation.validate(selector, path.dot("selector"), into: &errors)
        } else if manual {
            // Without manualSelector the server generates the selector (controller-uid).
            errors.required(path.dot("selector"))
        }
        let selectorOK = errors.causes.count == before
        let templatePath = path.dot("template")
        let labels = PodValidation.validateTemplate(spec["template"], templatePath, into: &errors)
        if !inCronJob, selectorOK, let selector, !LabelSelectorValidation.matches(selector, labels: labels) {
            errors.invalid(templatePath.dot("metadata").dot("labels"), JSON(labels), WorkloadValidation.mismatch)
        }
        let policy = PodValidation.restartPolicy(ofTemplate: spec["template"])
        if !jobRestartPolicies.contains(policy) {
            errors.notSupported(templatePath.dot("spec").dot("restartPolicy"), .string(policy), jobRestartPolicies)
        }
    }

    static func validateCronJob(_ object: JSON, into errors: inout FieldErrors) {
        // Jobs are named `<cronjob>-<11 characters>` and must stay within 63.
        if let name = object["metadata"]?["name"]?.string, name.utf8.count > 52 {
            errors.invalid("metadata.name", .string(name), "must be no more than 52 characters")
        }
        let spec = errors.object(object["spec"], "spec") ?? [:]
        let schedule = errors.string(spec["schedule"], "spec.schedule") ?? ""
        if schedule.isEmpty {
            errors.required("spec.schedule")
        } else {
            if let message = CronSchedule.parseError(schedule) {
                errors.invalid("spec.schedule", .string(schedule), message)
            }
            if schedule.contains("TZ") {
                errors.invalid(
                    "spec.schedule", .string(schedule),
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
            }
        }
        if let zone = errors.string(spec["timeZone"], "spec.timeZone"), let message = CronSchedule.timeZoneError(zone) {
            errors.invalid("spec.timeZone", .string(zone), message)
        }
        errors.nonNegative(spec["startingDeadlineSeconds"], "spec.startingDeadlineSeconds")
        errors.oneOf(spec["concurrencyPolicy"], "spec.concurrencyPolicy", concurrencyPolicies)
        _ = errors.bool(spec["suspend"], "spec.suspend")
        let template = errors.object(spec["jobTemplate"], "spec.jobTemplate") ?? [:]
        let jobSpec = errors.object(template["spec"], "spec.jobTemplate.spec") ?? [:]
        validateJobSpec(jobSpec, "spec.jobTemplate.spec", inCronJob: true, into: &errors)
        errors.nonNegative(spec["successfulJobsHistoryLimit"], "spec.successfulJobsHistoryLimit")
        errors.nonNegative(spec["failedJobsHistoryLimit"], "spec.failedJobsHistoryLimit")
    }
}
