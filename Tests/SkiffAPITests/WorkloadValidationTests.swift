import SkiffAPI
import Testing

@Suite("Validation: workloads, jobs and cron jobs")
struct WorkloadValidationTests {
    static let mismatch = "`selector` does not match template `labels`"

    @Test("Deployment selector is required and must select the template")
    func deploymentSelector() {
        let missing = Validation.validate(
            kind: "Deployment", object: Fixtures.deployment.with(["spec", "selector"], nil))
        #expect(missing.map(\.field) == ["spec.selector", "spec.template.metadata.labels"])
        #expect(missing.first == .required("spec.selector"))

        let other = Fixtures.deployment.with(["spec", "selector"], ["matchLabels": ["app": "api"]])
        let causes = Validation.validate(kind: "Deployment", object: other)
        #expect(causes.count == 1)
        #expect(causes.first?.field == "spec.template.metadata.labels")
        #expect(causes.first?.message.hasSuffix(Self.mismatch) == true)

        let notIn = Fixtures.deployment.with(
            ["spec", "selector"], ["matchExpressions": [["key": "tier", "operator": "NotIn", "values": ["frontend"]]]])
        #expect(
            Validation.validate(kind: "Deployment", object: notIn).map(\.field) == ["spec.template.metadata.labels"])

        let empty = Fixtures.deployment.with(["spec", "selector"], [:])
        #expect(
            Validation.validate(kind: "Deployment", object: empty).map(\.message) == [
                "Invalid value: {}: empty selector is invalid for deployment"
            ])

        let badOperator = Fixtures.deployment.with(
            ["spec", "selector"], ["matchExpressions": [["key": "app", "operator": "Is", "values": ["web"]]]])
        #expect(
            Validation.validate(kind: "Deployment", object: badOperator) == [
                .invalid("spec.selector.matchExpressions[0].operator", "Is", "not a valid selector operator")
            ])

        let noValues = Fixtures.deployment.with(
            ["spec", "selector"], ["matchExpressions": [["key": "app", "operator": "In"]]])
        #expect(
            Validation.validate(kind: "Deployment", object: noValues).map(\.field) == [
                "spec.selector.matchExpressions[0].values"
            ])
    }

    @Test("Deployment fields: replicas, restart policy, strategy, template containers")
    func deploymentFields() {
        #expect(
            Validation.validate(kind: "Deployment", object: Fixtures.deployment.with(["spec", "replicas"], -1))
                == [.invalid("spec.replicas", -1, "must be greater than or equal to 0")])
        #expect(
            Validation.validate(kind: "Deployment", object: Fixtures.deployment.with(["spec", "replicas"], 0)) == [])
        #expect(
            Validation.validate(
                kind: "Deployment",
                object: Fixtures.deployment.with(["spec", "template", "spec", "restartPolicy"], "OnFailure"))
                == [.notSupported("spec.template.spec.restartPolicy", "OnFailure", ["Always"])])
        let noImage = Fixtures.deployment.editingFirst(["spec", "template", "spec", "containers"]) { $0["image"] = "" }
        #expect(
            Validation.validate(kind: "Deployment", object: noImage) == [
                .required("spec.template.spec.containers[0].image")
            ])
        let zero = Fixtures.deployment.with(
            ["spec", "strategy"], ["rollingUpdate": ["maxSurge": 0, "maxUnavailable": "0%"]])
        #expect(
            Validation.validate(kind: "Deployment", object: zero) == [
                .invalid("spec.strategy.rollingUpdate.maxUnavailable", "0%", "may not be 0 when `maxSurge` is 0")
            ])
        let percent = Fixtures.deployment.with(["spec", "strategy"], ["rollingUpdate": ["maxUnavailable": "110%"]])
        #expect(
            Validation.validate(kind: "Deployment", object: percent) == [
                .invalid("spec.strategy.rollingUpdate.maxUnavailable", "110%", "must not be greater than 100%")
            ])
        let badPercent = Fixtures.deployment.with(["spec", "strategy"], ["rollingUpdate": ["maxSurge": "20Percent"]])
        #expect(
            Validation.validate(kind: "Deployment", object: badPercent).map(\.field) == [
                "spec.strategy.rollingUpdate.maxSurge"
            ])
        let recreate = Fixtures.deployment.with(["spec", "strategy"], ["type": "Recreate", "rollingUpdate": [:]])
        #expect(
            Validation.validate(kind: "Deployment", object: recreate) == [
                .forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")
            ])
        let badType = Fixtures.deployment.with(["spec", "strategy"], ["type": "BlueGreen"])
        #expect(
            Validation.validate(kind: "Deployment", object: badType) == [
                .notSupported("spec.strategy.type", "BlueGreen", ["Recreate", "RollingUpdate"])
            ])
        let deadline = Fixtures.deployment.with(["spec", "minReadySeconds"], 30).with(
            ["spec", "progressDeadlineSeconds"], 30)
        #expect(
            Validation.validate(kind: "Deployment", object: deadline) == [
                .invalid("spec.progressDeadlineSeconds", 30, "must be greater than minReadySeconds")
            ])
    }

    @Test("ReplicaSet, DaemonSet, StatefulSet and ReplicationController rules")
    func otherControllers() {
        #expect(
            Validation.validate(
                kind: "ReplicaSet",
                object: Fixtures.replicaSet.with(["spec", "template", "spec", "restartPolicy"], "Never"))
                == [.notSupported("spec.template.spec.restartPolicy", "Never", ["Always"])])
        #expect(
            Validation.validate(kind: "ReplicaSet", object: Fixtures.replicaSet.with(["spec", "selector"], [:])).first?
                .message.hasSuffix("empty selector is invalid for deployment") == true)
        #expect(
            Validation.validate(
                kind: "DaemonSet",
                object: Fixtures.daemonSet.with(["spec", "template", "spec", "activeDeadlineSeconds"], 10))
                == [
                    .invalid(
                        "spec.template.spec.activeDeadlineSeconds", 10, "activeDeadlineSeconds must be nil for daemons")
                ])
        #expect(
            Validation.validate(
                kind: "DaemonSet",
                object: Fixtures.daemonSet.with(
                    ["spec", "updateStrategy"], ["rollingUpdate": ["maxUnavailable": 1, "maxSurge": 1]]))
                == [
                    .invalid(
                        "spec.updateStrategy.rollingUpdate.maxSurge", 1,
                        "may not be set when maxUnavailable is non-zero")
                ])
        #expect(
            Validation.validate(
                kind: "StatefulSet", object: Fixtures.statefulSet.with(["spec", "podManagementPolicy"], "Random")) == [
                    .invalid("spec.podManagementPolicy", "Random", "must be 'OrderedReady' or 'Parallel'")
                ])
        #expect(
            Validation.validate(kind: "StatefulSet", object: Fixtures.statefulSet.with(["spec", "replicas"], -2)).map(
                \.field) == ["spec.replicas"])
        // Without the claim template the mount has no volume.
        #expect(
            Validation.validate(
                kind: "StatefulSet", object: Fixtures.statefulSet.with(["spec", "volumeClaimTemplates"], nil)
            ).map(\.reason) == ["FieldValueNotFound"])
        #expect(
            Validation.validate(
                kind: "StatefulSet",
                object: Fixtures.statefulSet.with(
                    ["spec", "persistentVolumeClaimRetentionPolicy"], ["whenDeleted": "Keep"]))
                == [
                    .notSupported(
                        "spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "Keep", ["Retain", "Delete"])
                ])
        let rc = Fixtures.replicationController.with(["spec", "selector"], ["app": "other"])
        #expect(
            Validation.validate(kind: "ReplicationController", object: rc).map(\.field) == [
                "spec.template.metadata.labels"
            ])
        #expect(
            Validation.validate(kind: "ReplicationController", object: rc.with(["spec", "template"], nil)) == [
                .required("spec.template")
            ])
        #expect(
            Validation.validate(
                kind: "ControllerRevision", object: ["metadata": ["name": "r", "namespace": "d"], "revision": -1]) == [
                    .required("data", "Required value: data is mandatory"),
                    .invalid("revision", -1, "must be greater than or equal to 0"),
                ])
    }

    @Test("Job: restart policy, counts, completion mode, manual selectors")
    func jobs() {
        #expect(
            Validation.validate(
                kind: "Job", object: Fixtures.job.with(["spec", "template", "spec", "restartPolicy"], nil))
                == [.notSupported("spec.template.spec.restartPolicy", "Always", ["OnFailure", "Never"])])
        #expect(
            Validation.validate(kind: "Job", object: Fixtures.job.with(["spec", "completions"], -1)) == [
                .invalid("spec.completions", -1, "must be greater than or equal to 0")
            ])
        #expect(
            Validation.validate(kind: "Job", object: Fixtures.job.with(["spec", "parallelism"], -3)) == [
                .invalid("spec.parallelism", -3, "must be greater than or equal to 0")
            ])
        #expect(
            Validation.validate(kind: "Job", object: Fixtures.job.with(["spec", "completionMode"], "Indexed")) == [
                .required("spec.completions", "Required value: when completion mode is Indexed")
            ])
        #expect(
            Validation.validate(kind: "Job", object: Fixtures.job.with(["spec", "completionMode"], "Sorted")).map(
                \.reason) == ["FieldValueNotSupported"])
        #expect(
            Validation.validate(kind: "Job", object: Fixtures.job.with(["spec", "manualSelector"], true)) == [
                .required("spec.selector")
            ])
        let manual = Fixtures.job.with(["spec", "manualSelector"], true).with(
            ["spec", "selector"], ["matchLabels": ["job": "pi"]])
        #expect(Validation.validate(kind: "Job", object: manual).map(\.field) == ["spec.template.metadata.labels"])
        #expect(
            Validation.validate(
                kind: "Job", object: manual.with(["spec", "template", "metadata"], ["labels": ["job": "pi"]])) == [])
    }

    @Test(
        "CronJob schedules parse as five-field cron or a descriptor",
        arguments: [
            "*/5 * * * *", "0 0 * * *", "15 3 1 jan,jul *", "0 9-17/2 * * MON-FRI", "@hourly", "@daily", "@weekly",
            "@monthly",
            "@yearly", "@annually", "@midnight", "0 0 ? * 0", "59 23 31 12 6",
        ])
    func goodSchedules(schedule: String) {
        #expect(
            Validation.validate(
                kind: "CronJob", object: Fixtures.cronJob.with(["spec", "schedule"], .string(schedule))) == [])
    }

    @Test(
        "bad CronJob schedules report robfig/cron's error",
        arguments: [
            ("61 * * * *", "end of range (61) above maximum (59): 61"),
            ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
            ("* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"),
            ("@every 5m", "unrecognized descriptor: @every 5m"),
            ("@often", "unrecognized descriptor: @often"),
            ("*/0 * * * *", "step of range should be a positive number: */0"),
            ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
            ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
            ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
            ("x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"),
            ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
            ("1/2/3 * * * *", "too many slashes: 1/2/3"),
        ])
    func badSchedules(schedule: String, message: String) {
        let causes = Validation.validate(
            kind: "CronJob", object: Fixtures.cronJob.with(["spec", "schedule"], .string(schedule)))
        #expect(causes == [.invalid("spec.schedule", .string(schedule), message)])
    }

    @Test("CronJob time zones, TZ in schedule, name length, job template")
    func cronJobFields() {
        func check(_ path: [String], _ value: JSON?) -> [SkiffError.Cause] {
            Validation.validate(kind: "CronJob", object: Fixtures.cronJob.with(path, value))
        }
        #expect(check(["spec", "timeZone"], "America/New_York") == [])
        #expect(check(["spec", "timeZone"], "Etc/UTC") == [])
        #expect(
            check(["spec", "timeZone"], "Mars/Olympus_Mons") == [
                .invalid("spec.timeZone", "Mars/Olympus_Mons", "unknown time zone Mars/Olympus_Mons")
            ])
        #expect(
            check(["spec", "timeZone"], "../etc/passwd") == [
                .invalid("spec.timeZone", "../etc/passwd", "unknown time zone ../etc/passwd")
            ])
        #expect(
            check(["spec", "timeZone"], "") == [
                .invalid("spec.timeZone", "", "timeZone must be nil or non-empty string")
            ])
        #expect(
            check(["spec", "timeZone"], "Local").map(\.message).first?.hasSuffix("https://www.iana.org/time-zones")
                == true)
        #expect(
            check(["spec", "schedule"], "CRON_TZ=UTC 0 * * * *")
                == [
                    .invalid(
                        "spec.schedule", "CRON_TZ=UTC 0 * * * *",
                        "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
                ])
        #expect(check(["spec", "schedule"], nil) == [.required("spec.schedule")])
        #expect(
            check(["spec", "concurrencyPolicy"], "Queue") == [
                .notSupported("spec.concurrencyPolicy", "Queue", ["Allow", "Forbid", "Replace"])
            ])
        let longName = String(repeating: "a", count: 53)
        #expect(
            check(["metadata", "name"], .string(longName)) == [
                .invalid("metadata.name", .string(longName), "must be no more than 52 characters")
            ])
        #expect(
            check(["spec", "jobTemplate", "spec", "template", "spec", "restartPolicy"], "Always")
                == [
                    .notSupported(
                        "spec.jobTemplate.spec.template.spec.restartPolicy", "Always", ["OnFailure", "Never"])
                ])
        #expect(
            check(["spec", "jobTemplate", "spec", "selector"], ["matchLabels": ["a": "b"]]).map(\.field) == [
                "spec.jobTemplate.spec.selector"
            ])
        #expect(
            check(["spec", "jobTemplate", "spec", "template", "spec", "containers"], []) == [
                .required("spec.jobTemplate.spec.template.spec.containers")
            ])
    }
}
