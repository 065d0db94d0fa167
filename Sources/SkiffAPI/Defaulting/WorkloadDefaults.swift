/// Workload defaults (`SetDefaults_Deployment`, `_ReplicaSet`, `_DaemonSet`, `_StatefulSet`,
/// `_ReplicationController`, `_Job`, `_CronJob`), each also defaulting its pod template.
enum WorkloadDefaults {
    static func applyDeployment(_ object: inout JSON) {
        object.editObject("spec", create: true) { spec in
            spec.setIfAbsent("replicas", 1)
            spec.editObject("strategy", create: true) { strategy in
                strategy.setIfEmpty("type", "RollingUpdate")
                guard strategy["type"] == "RollingUpdate" else { return }
                strategy.editObject("rollingUpdate", create: true) { rolling in
                    // Percentages stay strings: IntOrString keeps the form it was given.
                    rolling.setIfAbsent("maxUnavailable", "25%")
                    rolling.setIfAbsent("maxSurge", "25%")
                }
            }
            spec.setIfAbsent("revisionHistoryLimit", 10)
            spec.setIfAbsent("progressDeadlineSeconds", 600)
            spec.editObject("template", create: true) { PodDefaults.applyTemplate(&$0) }
        }
    }

    static func applyReplicaSet(_ object: inout JSON) {
        object.editObject("spec", create: true) { spec in
            spec.setIfAbsent("replicas", 1)
            spec.editObject("template", create: true) { PodDefaults.applyTemplate(&$0) }
        }
    }

    /// The v1 RC fills an empty selector, and empty object labels, from the template's labels.
    static func applyReplicationController(_ object: inout JSON) {
        let templateLabels = object[path: ["spec", "template", "metadata", "labels"]]?.object
        object.editObject("spec", create: true) { spec in
            if let templateLabels, isUnsetMap(spec["selector"]) { spec["selector"] = .object(templateLabels) }
            spec.setIfAbsent("replicas", 1)
            spec.editObject("template") { PodDefaults.applyTemplate(&$0) }
        }
        if let templateLabels {
            object.editObject("metadata", create: true) { meta in
                if isUnsetMap(meta["labels"]) { meta["labels"] = .object(templateLabels) }
            }
        }
    }

    static func applyDaemonSet(_ object: inout JSON) {
        object.editObject("spec", create: true) { spec in
            spec.editObject("updateStrategy", create: true) { strategy in
                strategy.setIfEmpty("type", "RollingUpdate")
                guard strategy["type"] == "RollingUpdate" else { return }
                strategy.editObject("rollingUpdate", create: true) { rolling in
                    rolling.setIfAbsent("maxUnavailable", 1)
                    rolling.setIfAbsent("maxSurge", 0)
                }
            }
            spec.setIfAbsent("revisionHistoryLimit", 10)
            spec.editObject("template", create: true) { PodDefaults.applyTemplate(&$0) }
        }
    }

    static func applyStatefulSet(_ object: inout JSON) {
        object.editObject("spec", create: true) { spec in
            spec.setIfEmpty("podManagementPolicy", "OrderedReady")
            spec.editObject("updateStrategy", create: true) { strategy in
                // rollingUpdate is created only together with a defaulted type, as Kubernetes does.
                if strategy["type"] == nil || strategy["type"] == .null || strategy["type"] == "" {
                    strategy["type"] = "RollingUpdate"
                    strategy.setIfAbsent("rollingUpdate", .emptyObject)
                }
                guard strategy["type"] == "RollingUpdate" else { return }
                strategy.editObject("rollingUpdate") { $0.setIfAbsent("partition", 0) }
            }
            spec.editObject("persistentVolumeClaimRetentionPolicy", create: true) { policy in
                policy.setIfEmpty("whenDeleted", "Retain")
                policy.setIfEmpty("whenScaled", "Retain")
            }
            spec.setIfAbsent("replicas", 1)
            spec.setIfAbsent("revisionHistoryLimit", 10)
            spec.editObjects(in: "volumeClaimTemplates") { claim in
                claim.editObject("spec", create: true) { CoreDefaults.applyClaimSpec(&$0) }
            }
            spec.editObject("template", create: true) { PodDefaults.applyTemplate(&$0) }
        }
    }

    /// The selector (`batch.kubernetes.io/controller-uid`) and job-name labels are the server's
    /// to add on create, since they need the uid; only the plain defaults are here.
    static func applyJob(_ object: inout JSON) {
        let templateLabels = object[path: ["spec", "template", "metadata", "labels"]]?.object
        object.editObject("spec", create: true) { spec in
            func unset(_ key: String) -> Bool { spec[key] == nil || spec[key] == .null }
            if unset("completions"), unset("parallelism") {
                spec["completions"] = 1
                spec["parallelism"] = 1
            }
            spec.setIfAbsent("parallelism", 1)
            // With per-index backoff the overall limit is effectively off (MaxInt32).
            spec.setIfAbsent("backoffLimit", unset("backoffLimitPerIndex") ? 6 : .int(Int64(Int32.max)))
            spec.setIfAbsent("completionMode", "NonIndexed")
            spec.setIfAbsent("suspend", false)
            spec.setIfAbsent("podReplacementPolicy", unset("podFailurePolicy") ? "TerminatingOrFailed" : "Failed")
            spec.editObject("template", create: true) { PodDefaults.applyTemplate(&$0) }
        }
        if let templateLabels {
            object.editObject("metadata", create: true) { meta in
                if isUnsetMap(meta["labels"]) { meta["labels"] = .object(templateLabels) }
            }
        }
    }

    /// Only the CronJob's own fields and the pod template: the jobTemplate's Job spec is not
    /// defaulted here (Kubernetes defaults it when each Job is created).
    static func applyCronJob(_ object: inout JSON) {
        object.editObject("spec", create: true) { spec in
            spec.setIfEmpty("concurrencyPolicy", "Allow")
            spec.setIfAbsent("suspend", false)
            spec.setIfAbsent("successfulJobsHistoryLimit", 3)
            spec.setIfAbsent("failedJobsHistoryLimit", 1)
            spec.editObject("jobTemplate") { jobTemplate in
                jobTemplate.editObject("spec") { jobSpec in
                    jobSpec.editObject("template", create: true) { PodDefaults.applyTemplate(&$0) }
                }
            }
        }
    }

    /// A Go map that is nil or empty; a value of another type is not "unset".
    static func isUnsetMap(_ value: JSON?) -> Bool {
        guard let value, value != .null else { return true }
        return value.object?.isEmpty == true
    }
}
