import SkiffAPI

/// What a Job's pods have come to, counted once each, as Kubernetes tracks it: every pod is
/// created with the `batch.kubernetes.io/job-tracking` finalizer, so it cannot vanish before
/// it is counted. A finished pod's uid first goes to `status.uncountedTerminatedPods` (written
/// before anything else), then its finalizer is removed, then — the pod released or gone — the
/// uid moves into `succeeded` or `failed`. A crash between any two steps loses nothing and
/// counts nothing twice.
struct JobAccounting: Sendable, Equatable {
    static let finalizer = "batch.kubernetes.io/job-tracking"
    static let indexKey = "batch.kubernetes.io/job-completion-index"

    enum Outcome: Sendable { case succeeded, failed }

    var succeeded: Int
    var failed: Int
    var uncountedSucceeded: [String]
    var uncountedFailed: [String]
    var completed: CompletedIndexes

    /// `pods`: the ones the Job controls.
    init(job: JSON, pods: [JSON], completions: Int?) {
        let status = job["status"]
        succeeded = Int(status?["succeeded"]?.int ?? 0)
        failed = Int(status?["failed"]?.int ?? 0)
        completed = CompletedIndexes(
            parsing: status?["completedIndexes"]?.string ?? "", completions: completions ?? 0)
        let uncounted = status?["uncountedTerminatedPods"]
        let tracked = Dictionary(
            pods.filter(Self.isTracked).map { ($0[path: ["metadata", "uid"]]?.string ?? "", $0) },
            uniquingKeysWith: { a, _ in a })
        // Recorded before, and now released or gone: counted for good.
        let stillHeld = { (uid: String) in tracked[uid] != nil }
        let oldSucceeded = (uncounted?["succeeded"]?.array ?? []).compactMap(\.string)
        let oldFailed = (uncounted?["failed"]?.array ?? []).compactMap(\.string)
        succeeded += oldSucceeded.count { !stillHeld($0) }
        failed += oldFailed.count { !stillHeld($0) }
        uncountedSucceeded = oldSucceeded.filter(stillHeld)
        uncountedFailed = oldFailed.filter(stillHeld)
        // Newly finished, still held: recorded now.
        for (uid, pod) in tracked.sorted(by: { $0.key < $1.key }) {
            guard !uncountedSucceeded.contains(uid), !uncountedFailed.contains(uid) else { continue }
            switch Self.outcome(pod) {
            case .succeeded:
                uncountedSucceeded.append(uid)
                if let index = Self.index(of: pod), index < (completions ?? 0) { completed.insert(index) }
            case .failed: uncountedFailed.append(uid)
            case nil: break
            }
        }
    }

    var totalSucceeded: Int { succeeded + uncountedSucceeded.count }
    var totalFailed: Int { failed + uncountedFailed.count }

    /// Pods whose outcome is recorded and whose finalizer may now go.
    func releasable(_ pods: [JSON]) -> [JSON] {
        let recorded = Set(uncountedSucceeded + uncountedFailed)
        return pods.filter { Self.isTracked($0) && recorded.contains($0[path: ["metadata", "uid"]]?.string ?? "") }
    }

    var statusFields: [String: JSON] {
        var uncounted: [String: JSON] = [:]
        if !uncountedSucceeded.isEmpty { uncounted["succeeded"] = .array(uncountedSucceeded.map { .string($0) }) }
        if !uncountedFailed.isEmpty { uncounted["failed"] = .array(uncountedFailed.map { .string($0) }) }
        return ["uncountedTerminatedPods": .object(uncounted)]
    }

    /// Succeeded or Failed; a pod being deleted before it succeeded has failed, as Kubernetes'
    /// `isPodFailed` says (the Job's end still waits for it to stop: `JobController`).
    static func outcome(_ pod: JSON) -> Outcome? {
        switch pod[path: ["status", "phase"]]?.string {
        case "Succeeded": return .succeeded
        case "Failed": return .failed
        default: return PodFacts.isDeleting(pod) ? .failed : nil
        }
    }

    static func isTracked(_ pod: JSON) -> Bool {
        (pod[path: ["metadata", "finalizers"]]?.array ?? []).contains(.string(finalizer))
    }

    static func index(of pod: JSON) -> Int? {
        (pod[path: ["metadata", "annotations", indexKey]]?.string).flatMap { Int($0) }
    }
}
