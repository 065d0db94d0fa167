import Foundation
import SkiffAPI

/// A Job's spec as the controller reads it, and the decisions that follow from it and the
/// pods' accounting: finished or not, and which pods to start next.
struct JobPlan: Sendable {
    let completions: Int?
    let parallelism: Int
    let backoffLimit: Int
    let activeDeadlineSeconds: Int?
    let indexed: Bool
    let suspended: Bool
    let restartOnFailure: Bool

    init(_ job: JSON) {
        let spec = job["spec"]
        completions = (spec?["completions"]?.int).map { Int($0) }
        parallelism = Int(spec?["parallelism"]?.int ?? 1)
        backoffLimit = Int(spec?["backoffLimit"]?.int ?? 6)
        activeDeadlineSeconds = (spec?["activeDeadlineSeconds"]?.int).map { Int($0) }
        indexed = spec?["completionMode"]?.string == "Indexed"
        suspended = spec?["suspend"]?.bool == true
        restartOnFailure = spec?[path: ["template", "spec", "restartPolicy"]]?.string == "OnFailure"
    }

    enum Verdict: Equatable, Sendable {
        case running
        case succeeded
        case failed(reason: String, message: String)
    }

    /// Kubernetes' order: success first, then the back-off limit (failed pods, plus container
    /// restarts when the pods restart in place), then the deadline.
    func verdict(_ accounting: JobAccounting, active: [JSON], startTime: Date?, now: Date) -> Verdict {
        if let completions {
            let done = indexed ? accounting.completed.count : accounting.totalSucceeded
            if done >= completions { return .succeeded }
        } else if accounting.totalSucceeded > 0 && active.isEmpty {
            return .succeeded  // a work queue: one success, and the rest have stopped
        }
        // Failed pods beyond the limit; or, restarting in place, as many restarts as the limit
        // (any, for a limit of 0), as Kubernetes' `pastBackoffLimitOnFailure`.
        let restarts = restartOnFailure ? active.reduce(0) { $0 + Int(PodRanking.restarts($1)) } : 0
        let restartsExceed = restartOnFailure && (backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit)
        if accounting.totalFailed > backoffLimit || restartsExceed {
            return .failed(reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit")
        }
        if let activeDeadlineSeconds, let startTime, now.timeIntervalSince(startTime) >= Double(activeDeadlineSeconds) {
            return .failed(reason: "DeadlineExceeded", message: "Job was active longer than specified deadline")
        }
        return .running
    }

    /// How many pods should run now (NonIndexed): up to parallelism, never more than the
    /// completions still missing; a work queue (no completions) starts none once one succeeded.
    func wantedActive(_ accounting: JobAccounting) -> Int {
        guard let completions else { return accounting.totalSucceeded > 0 ? 0 : parallelism }
        return max(0, min(parallelism, completions - accounting.totalSucceeded))
    }

    /// The lowest indexes neither completed nor running (nor just created), up to parallelism.
    func indexesToStart(_ accounting: JobAccounting, running: Set<Int>) -> [Int] {
        let room = parallelism - running.count
        guard let completions, room > 0 else { return [] }
        return Array(
            (0..<completions).lazy.filter { !accounting.completed.contains($0) && !running.contains($0) }.prefix(room))
    }

    /// Kubernetes' pod-failure back-off: 10 s, doubling per failure, at most 6 minutes.
    static func backoff(failures: Int) -> TimeInterval {
        guard failures > 0 else { return 0 }
        return min(10 * pow(2, Double(min(failures - 1, 10))), 360)
    }

    /// When the deadline falls, to look again then.
    func deadline(startTime: Date?) -> Date? {
        guard let activeDeadlineSeconds, let startTime else { return nil }
        return startTime.addingTimeInterval(Double(activeDeadlineSeconds))
    }
}
