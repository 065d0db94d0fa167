import Foundation
import SkiffAPI

/// A CronJob's status as this reconcile finds it: the Jobs still running (references kept as
/// first written, so a Job's own updates do not rewrite the CronJob), the last scheduled
/// time, and the last time a Job succeeded.
struct CronJobStatus: Sendable {
    /// Its Jobs, running or finished.
    let all: [JSON]
    /// The running ones (objects, or references already in the status).
    var active: [JSON]
    var lastScheduleTime: Date?
    var lastSuccessfulTime: Date?
    /// Jobs the status listed as running that have finished since.
    let newlyFinished: [JSON]

    init(_ cronJob: JSON, jobs: [JSON]) {
        all = jobs
        let status = cronJob["status"]
        let listed = status?["active"]?.array ?? []
        let listedUIDs = Set(listed.compactMap { $0["uid"]?.string })
        let uid = { (object: JSON) in object[path: ["metadata", "uid"]]?.string ?? "" }
        let running = jobs.filter { Self.finished($0) == nil && !PodFacts.isDeleting($0) }
        let runningUIDs = Set(running.map(uid))
        active =
            listed.filter { runningUIDs.contains($0["uid"]?.string ?? "") }
            + running.filter { !listedUIDs.contains(uid($0)) }
        newlyFinished = jobs.filter { listedUIDs.contains(uid($0)) && Self.finished($0) != nil }
        lastScheduleTime = (status?["lastScheduleTime"]?.string).flatMap(RFC3339.parse)
        let successes = jobs.filter { Self.finished($0) == "Complete" }.compactMap {
            ($0[path: ["status", "completionTime"]]?.string).flatMap(RFC3339.parse)
        }
        let previous = (status?["lastSuccessfulTime"]?.string).flatMap(RFC3339.parse)
        lastSuccessfulTime = (successes + [previous].compactMap { $0 }).max()
    }

    /// `Complete` or `Failed` (a true condition of either type).
    static func finished(_ job: JSON) -> String? {
        JobProgress.finished(job[path: ["status", "conditions"]]?.array ?? [])
    }

    /// An object reference, as `status.active` holds them; a reference stays as it is.
    static func reference(_ job: JSON) -> JSON {
        guard let metadata = job["metadata"] else { return job }
        var reference: [String: JSON] = ["apiVersion": "batch/v1", "kind": "Job"]
        for field in ["name", "namespace", "uid", "resourceVersion"] {
            if let value = metadata[field] { reference[field] = value }
        }
        return .object(reference)
    }

    var fields: [String: JSON] {
        var status: [String: JSON] = [:]
        if !active.isEmpty { status["active"] = .array(active.map(Self.reference)) }
        if let lastScheduleTime { status["lastScheduleTime"] = .string(RFC3339.format(lastScheduleTime)) }
        if let lastSuccessfulTime { status["lastSuccessfulTime"] = .string(RFC3339.format(lastSuccessfulTime)) }
        return status
    }
}
