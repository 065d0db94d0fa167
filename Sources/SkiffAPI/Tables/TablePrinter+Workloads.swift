import Foundation

/// Rows for the controllers (apps/v1, batch/v1 and ReplicationController). Counts are integers
/// where Kubernetes emits int64 cells and `ready/desired` strings where it formats them.
extension TablePrinter {
    static func replicaSetCells(_ o: JSON, now: Date, kind: String) -> [JSON] {
        let (names, images) = containerCells(o[path: ["spec", "template", "spec", "containers"]])
        // ReplicationController's selector is a plain map; ReplicaSet's is a LabelSelector object.
        let selector =
            kind == "ReplicationController"
            ? formatLabels(o[path: ["spec", "selector"]]) : formatLabelSelector(o[path: ["spec", "selector"]])
        return [
            .string(o.textAt("metadata", "name")), .int(desiredReplicas(o)), .int(int(o, "status", "replicas")),
            .int(int(o, "status", "readyReplicas")), .string(ageCell(o, now: now)), names, images, .string(selector),
        ]
    }

    static func deploymentCells(_ o: JSON, now: Date) -> [JSON] {
        let (names, images) = containerCells(o[path: ["spec", "template", "spec", "containers"]])
        // printDeployment uses selector.String() directly: "" when empty, "<invalid>" on error.
        let selector: String
        if let parsed = try? LabelSelector(json: o[path: ["spec", "selector"]] ?? .null) {
            selector = parsed.description
        } else {
            selector = "<invalid>"
        }
        return [
            .string(o.textAt("metadata", "name")),
            .string("\(int(o, "status", "readyReplicas"))/\(desiredReplicas(o))"),
            .int(int(o, "status", "updatedReplicas")), .int(int(o, "status", "availableReplicas")),
            .string(ageCell(o, now: now)), names, images, .string(selector),
        ]
    }

    static func daemonSetCells(_ o: JSON, now: Date) -> [JSON] {
        let (names, images) = containerCells(o[path: ["spec", "template", "spec", "containers"]])
        return [
            .string(o.textAt("metadata", "name")),
            .int(int(o, "status", "desiredNumberScheduled")), .int(int(o, "status", "currentNumberScheduled")),
            .int(int(o, "status", "numberReady")), .int(int(o, "status", "updatedNumberScheduled")),
            .int(int(o, "status", "numberAvailable")),
            .string(formatLabels(o[path: ["spec", "template", "spec", "nodeSelector"]])),
            .string(ageCell(o, now: now)), names, images,
            .string(formatLabelSelector(o[path: ["spec", "selector"]])),
        ]
    }

    static func statefulSetCells(_ o: JSON, now: Date) -> [JSON] {
        let (names, images) = containerCells(o[path: ["spec", "template", "spec", "containers"]])
        return [
            .string(o.textAt("metadata", "name")),
            .string("\(int(o, "status", "readyReplicas"))/\(desiredReplicas(o))"),
            .string(ageCell(o, now: now)), names, images,
        ]
    }

    /// CONTROLLER is the owner with `controller: true`, as `kind.group/name` in lower case
    /// (`statefulset.apps/web`); `<none>` when there is no controlling owner.
    static func controllerRevisionCells(_ o: JSON, now: Date) -> [JSON] {
        var controller = "<none>"
        let owners = o[path: ["metadata", "ownerReferences"]]?.array ?? []
        if let owner = owners.first(where: { $0["controller"]?.bool == true }) {
            let apiVersion = owner.textAt("apiVersion")
            let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
            let group = parts.count == 2 ? String(parts[0]) : ""
            let kind = owner.textAt("kind")
            let groupKind = group.isEmpty ? kind : kind + "." + group
            controller = groupKind.isEmpty ? owner.textAt("name") : groupKind.lowercased() + "/" + owner.textAt("name")
        }
        return [
            .string(o.textAt("metadata", "name")), .string(controller), .int(int(o, "revision")),
            .string(ageCell(o, now: now)),
        ]
    }

    static func jobCells(_ o: JSON, now: Date) -> [JSON] {
        let succeeded = int(o, "status", "succeeded")
        let completions: String
        if let wanted = o[path: ["spec", "completions"]]?.int {
            completions = "\(succeeded)/\(wanted)"
        } else {
            // Work-queue jobs: any one success completes the job.
            let parallelism = o[path: ["spec", "parallelism"]]?.int ?? 0
            completions = parallelism > 1 ? "\(succeeded)/1 of \(parallelism)" : "\(succeeded)/1"
        }

        var duration = ""
        if let start = RFC3339.parse(o.textAt("status", "startTime")) {
            let end = RFC3339.parse(o.textAt("status", "completionTime")) ?? now
            duration = HumanDuration.short(end.timeIntervalSince(start))
        }

        let conditions = o[path: ["status", "conditions"]]?.array ?? []
        func hasCondition(_ type: String) -> Bool {
            conditions.first { $0.textAt("type") == type }?.textAt("status") == "True"
        }
        let status: String
        if hasCondition("Complete") {
            status = "Complete"
        } else if hasCondition("Failed") {
            status = "Failed"
        } else if isSet(o[path: ["metadata", "deletionTimestamp"]]) {
            status = "Terminating"
        } else if hasCondition("Suspended") {
            status = "Suspended"
        } else if hasCondition("FailureTarget") {
            status = "FailureTarget"
        } else {
            status = "Running"
        }

        let (names, images) = containerCells(o[path: ["spec", "template", "spec", "containers"]])
        return [
            .string(o.textAt("metadata", "name")), .string(status), .string(completions), .string(duration),
            .string(ageCell(o, now: now)), names, images,
            .string(formatLabelSelector(o[path: ["spec", "selector"]])),
        ]
    }

    static func cronJobCells(_ o: JSON, now: Date) -> [JSON] {
        let lastSchedule = o.textAt("status", "lastScheduleTime")
        let timeZone = o[path: ["spec", "timeZone"]]?.string ?? "<none>"
        let suspend: String
        switch o[path: ["spec", "suspend"]]?.bool {
        case true?: suspend = "True"
        case false?: suspend = "False"
        case nil: suspend = "<unset>"
        }
        let template = ["spec", "jobTemplate", "spec"]
        let (names, images) = containerCells(o[path: template + ["template", "spec", "containers"]])
        return [
            .string(o.textAt("metadata", "name")), .string(o.textAt("spec", "schedule")), .string(timeZone),
            .string(suspend), .int(Int64(o[path: ["status", "active"]]?.array?.count ?? 0)),
            .string(lastSchedule.isEmpty ? "<none>" : since(lastSchedule, now: now)),
            .string(ageCell(o, now: now)), names, images,
            .string(formatLabelSelector(o[path: template + ["selector"]])),
        ]
    }
}
