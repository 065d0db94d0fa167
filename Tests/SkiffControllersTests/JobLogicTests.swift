import Foundation
import SkiffAPI
import Testing

@testable import SkiffControllers

/// The Job controller's pure parts: completed-index intervals, counting each pod once through
/// the tracking finalizer, the verdict (success, back-off limit, deadline), what to start next,
/// the back-off, conditions, and the pod made for an index.
@Suite("job logic")
struct JobLogicTests {
    static func pod(_ uid: String, phase: String, index: Int? = nil, tracked: Bool = true, deleting: Bool = false)
        -> JSON
    {
        var pod: JSON = [
            "metadata": ["uid": .string(uid), "name": .string("p-" + uid)], "status": ["phase": .string(phase)],
        ]
        if tracked { pod[path: ["metadata", "finalizers"]] = [.string(JobAccounting.finalizer)] }
        if let index { pod[path: ["metadata", "annotations", JobAccounting.indexKey]] = .string(String(index)) }
        if deleting {
            pod[path: ["metadata", "deletionTimestamp"]] = "2026-01-01T00:00:00Z"
            pod[path: ["metadata", "deletionGracePeriodSeconds"]] = 0
        }
        return pod
    }

    @Test("completed indexes: intervals both ways; out-of-range and junk dropped")
    func intervals() {
        #expect(CompletedIndexes([0, 1, 2, 5, 7, 8]).text == "0-2,5,7-8")
        #expect(CompletedIndexes().text == "")
        let parsed = CompletedIndexes(parsing: "0-2,5,x,7-9,3-1", completions: 9)
        #expect(parsed.indexes == [0, 1, 2, 5, 7, 8])
    }

    @Test("each finished pod is recorded as uncounted, then counted once its finalizer is gone")
    func countingOnce() {
        let job: JSON = ["status": ["succeeded": 1, "uncountedTerminatedPods": ["succeeded": ["a"], "failed": ["b"]]]]
        // a: still held (finalizer on) stays uncounted; b: gone, counted; c: newly failed; d: running.
        let pods = [
            Self.pod("a", phase: "Succeeded"), Self.pod("c", phase: "Failed"), Self.pod("d", phase: "Running"),
            Self.pod("e", phase: "Succeeded", tracked: false),
        ]
        let accounting = JobAccounting(job: job, pods: pods, completions: 3)
        #expect(accounting.succeeded == 1)
        #expect(accounting.failed == 1)
        #expect(accounting.uncountedSucceeded == ["a"])
        #expect(accounting.uncountedFailed == ["c"])
        #expect(accounting.totalSucceeded == 2)
        #expect(accounting.totalFailed == 2)
        let releasable = accounting.releasable(pods).compactMap { $0[path: ["metadata", "uid"]]?.string }
        #expect(Set(releasable) == ["a", "c"])
        // A pod deleted before it finished counts as failed once its agent has stopped it.
        let deleted = JobAccounting(job: [:], pods: [Self.pod("x", phase: "Running", deleting: true)], completions: 1)
        #expect(deleted.uncountedFailed == ["x"])
        #expect(JobAccounting.outcome(Self.pod("y", phase: "Running")) == nil)
    }

    @Test("an Indexed Job completes each index once; the lowest missing ones start first")
    func indexed() {
        let job: JSON = ["spec": ["completions": 5, "parallelism": 2, "completionMode": "Indexed"]]
        let plan = JobPlan(job)
        let accounting = JobAccounting(
            job: ["status": ["completedIndexes": "0"]],
            pods: [Self.pod("a", phase: "Succeeded", index: 2), Self.pod("b", phase: "Running", index: 1)],
            completions: 5)
        #expect(accounting.completed.text == "0,2")
        #expect(plan.indexesToStart(accounting, running: [1]) == [3])
        #expect(plan.indexesToStart(accounting, running: []) == [1, 3])
        #expect(plan.verdict(accounting, active: [], startTime: nil, now: Date()) == .running)
        let done = JobAccounting(job: ["status": ["completedIndexes": "0-4"]], pods: [], completions: 5)
        #expect(plan.verdict(done, active: [], startTime: nil, now: Date()) == .succeeded)
    }

    @Test("verdicts: completions reached, a work queue's first success, the back-off limit, the deadline")
    func verdicts() {
        let now = Date()
        let counted = { (s: Int, f: Int) in
            JobAccounting(
                job: ["status": ["succeeded": .int(Int64(s)), "failed": .int(Int64(f))]], pods: [], completions: 3)
        }
        let plan = JobPlan([
            "spec": ["completions": 3, "parallelism": 2, "backoffLimit": 2, "activeDeadlineSeconds": 10]
        ])
        #expect(plan.verdict(counted(3, 0), active: [], startTime: now, now: now) == .succeeded)
        #expect(plan.verdict(counted(1, 2), active: [], startTime: now, now: now) == .running)
        #expect(
            plan.verdict(counted(1, 3), active: [], startTime: now, now: now)
                == .failed(reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit"))
        #expect(
            plan.verdict(counted(1, 0), active: [], startTime: now.addingTimeInterval(-10), now: now)
                == .failed(reason: "DeadlineExceeded", message: "Job was active longer than specified deadline"))
        #expect(plan.wantedActive(counted(2, 0)) == 1)
        #expect(plan.wantedActive(counted(0, 0)) == 2)
        // Restarting in place: container restarts count toward the limit.
        let onFailure = JobPlan(["spec": ["backoffLimit": 1, "template": ["spec": ["restartPolicy": "OnFailure"]]]])
        let restarted: JSON = ["status": ["phase": "Running", "containerStatuses": [["restartCount": 2]]]]
        #expect(onFailure.verdict(counted(0, 0), active: [restarted], startTime: now, now: now) != .running)
        // A work queue: done at the first success once the others have stopped.
        let queue = JobPlan(["spec": ["parallelism": 3]])
        #expect(queue.verdict(counted(1, 0), active: [restarted], startTime: now, now: now) == .running)
        #expect(queue.verdict(counted(1, 0), active: [], startTime: now, now: now) == .succeeded)
        #expect(queue.wantedActive(counted(1, 0)) == 0)
    }

    @Test("back-off: 10 s doubling per failure, at most 6 minutes")
    func backoff() {
        #expect(JobPlan.backoff(failures: 0) == 0)
        #expect(JobPlan.backoff(failures: 1) == 10)
        #expect(JobPlan.backoff(failures: 3) == 40)
        #expect(JobPlan.backoff(failures: 20) == 360)
    }

    @Test("conditions: the target first, the end once nothing runs; suspend and resume")
    func conditions() {
        let now = Date()
        var progress = JobProgress(job: ["spec": [:]], now: now)
        #expect(progress.startTime == now)
        let first = progress.markTarget(.failed(reason: "DeadlineExceeded", message: "m"))
        let again = progress.markTarget(.failed(reason: "DeadlineExceeded", message: "m"))
        #expect(first && !again)
        #expect(progress.finished == nil)
        #expect(progress.failureTarget == .failed(reason: "DeadlineExceeded", message: "m"))
        progress.finish(.failed(reason: "DeadlineExceeded", message: "m"))
        #expect(progress.finished == "Failed")
        #expect(progress.finishedAt != nil)

        var suspended = JobProgress(job: ["spec": ["suspend": true]], now: now)
        #expect(suspended.startTime == nil)
        let suspendedNow = suspended.suspend()
        let resumed = suspended.resume()
        #expect(suspendedNow && resumed)
        #expect(suspended.condition("Suspended") == nil)
    }

    @Test("an index's pod: finalizer, index annotation and label, hostname and JOB_COMPLETION_INDEX")
    func indexedPod() {
        let owner = ControllerRef.Owner(apiVersion: "batch/v1", kind: "Job", name: "work", uid: "u")
        let job: JSON = [
            "spec": [
                "template": [
                    "metadata": ["labels": ["job-name": "work"]],
                    "spec": ["containers": [["name": "c", "image": "busybox", "env": [["name": "A", "value": "1"]]]]],
                ]
            ]
        ]
        let pod = JobController.pod(for: job, index: 3, owner: owner, namespace: "ns")
        #expect(pod[path: ["metadata", "generateName"]] == "work-3-")
        #expect(pod[path: ["metadata", "finalizers"]] == [.string(JobAccounting.finalizer)])
        #expect(JobAccounting.index(of: pod) == 3)
        #expect(pod[path: ["metadata", "labels", JobAccounting.indexKey]] == "3")
        #expect(pod[path: ["spec", "hostname"]] == "work-3")
        let env = pod[path: ["spec", "containers"]]?.array?.first?["env"]?.array ?? []
        #expect(env.count == 2)
        #expect(env.last?["name"] == "JOB_COMPLETION_INDEX")
        let plain = JobController.pod(for: job, index: nil, owner: owner, namespace: "ns")
        #expect(plain[path: ["metadata", "generateName"]] == "work-")
        #expect(plain[path: ["spec", "hostname"]] == nil)
    }
}
