import Foundation
import SkiffAPI

/// A Job's conditions and times as this reconcile changes them. The end comes in two steps,
/// as in Kubernetes 1.33: `SuccessCriteriaMet` or `FailureTarget` when the outcome is known
/// (from then on nothing new starts and the rest of the pods are stopped), `Complete` or
/// `Failed` once no pod runs any more.
struct JobProgress: Sendable {
    static let completionsReached = (reason: "CompletionsReached", message: "Reached expected number of succeeded pods")

    let now: Date
    private(set) var conditions: [JSON]
    private(set) var startTime: Date?
    private(set) var completionTime: Date?

    init(job: JSON, now: Date) {
        self.now = now
        conditions = job[path: ["status", "conditions"]]?.array ?? []
        startTime = (job[path: ["status", "startTime"]]?.string).flatMap(RFC3339.parse)
        completionTime = (job[path: ["status", "completionTime"]]?.string).flatMap(RFC3339.parse)
        if startTime == nil, job[path: ["spec", "suspend"]]?.bool != true, finished == nil { startTime = now }
    }

    func condition(_ type: String) -> JSON? {
        conditions.first { $0["type"]?.string == type && $0["status"]?.string == "True" }
    }

    /// `Complete` or `Failed`, once set.
    var finished: String? { Self.finished(conditions) }

    /// `Complete` or `Failed`, whichever is true among a Job's conditions (the CronJob
    /// controller reads its Jobs with it too).
    static func finished(_ conditions: [JSON]) -> String? {
        ["Complete", "Failed"].first { type in
            conditions.contains { $0["type"]?.string == type && $0["status"]?.string == "True" }
        }
    }

    /// When the Job finished, for `ttlSecondsAfterFinished`.
    var finishedAt: Date? {
        finished.flatMap { condition($0)?["lastTransitionTime"]?.string }.flatMap(RFC3339.parse)
    }

    /// The outcome already decided, which later changes to the pods cannot undo.
    var failureTarget: JobPlan.Verdict? {
        if condition("SuccessCriteriaMet") != nil { return .succeeded }
        guard let target = condition("FailureTarget") else { return nil }
        return .failed(reason: target["reason"]?.string ?? "", message: target["message"]?.string ?? "")
    }

    /// True when the target is new.
    mutating func markTarget(_ verdict: JobPlan.Verdict) -> Bool {
        switch verdict {
        case .running: return false
        case .succeeded:
            return set("SuccessCriteriaMet", true, Self.completionsReached.reason, Self.completionsReached.message)
        case .failed(let reason, let message): return set("FailureTarget", true, reason, message)
        }
    }

    mutating func finish(_ verdict: JobPlan.Verdict) {
        switch verdict {
        case .running: return
        case .succeeded:
            _ = set("Complete", true, Self.completionsReached.reason, Self.completionsReached.message)
            completionTime = now
        case .failed(let reason, let message): _ = set("Failed", true, reason, message)
        }
    }

    /// True when the Job was not suspended before.
    mutating func suspend() -> Bool {
        startTime = nil  // resuming starts the clock (and activeDeadlineSeconds) again
        return set("Suspended", true, "JobSuspended", "Job suspended")
    }

    /// True when the Job was suspended before.
    mutating func resume() -> Bool {
        guard condition("Suspended") != nil else { return false }
        return set("Suspended", false, "JobResumed", "Job resumed")
    }

    /// Sets a condition; true when its status changed (or it is new).
    private mutating func set(_ type: String, _ value: Bool, _ reason: String, _ message: String) -> Bool {
        let status: JSON = value ? "True" : "False"
        let index = conditions.firstIndex { $0["type"]?.string == type }
        if let index, conditions[index]["status"] == status { return false }
        let stamp = JSON.string(RFC3339.format(now))
        let condition: JSON = [
            "type": .string(type), "status": status, "reason": .string(reason), "message": .string(message),
            "lastProbeTime": stamp, "lastTransitionTime": stamp,
        ]
        if let index { conditions[index] = condition } else { conditions.append(condition) }
        return true
    }
}
