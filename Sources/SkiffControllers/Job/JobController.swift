import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// Runs a Job's pods to completion, as Kubernetes' job controller: up to `parallelism` at a
/// time until `completions` have succeeded (each index once, for Indexed), replacing failed
/// ones after a back-off (10 s doubling, at most 6 min) until `backoffLimit`; fails the Job
/// at the limit or at `activeDeadlineSeconds`; stops the pods while `suspend`ed; reports
/// counts and conditions (SuccessCriteriaMet then Complete, FailureTarget then Failed) and
/// deletes the finished Job after `ttlSecondsAfterFinished`. Every pod is counted exactly
/// once (`JobAccounting`).
actor JobController: PodOwningController {
    static let workers = 4
    static let apiVersion = "batch/v1"

    let client: APIClient
    let jobs: Informer
    let pods: Informer
    let events: EventRecorder
    let logger: Logger
    let queue = WorkQueue()

    var ownerInformer: Informer { jobs }
    var expectations = ReplicaExpectations()
    /// Pods created and not seen yet, with their index (Indexed Jobs) and when, per Job.
    var startingIndexes: [String: [String: (index: Int, at: Date)]] = [:]
    /// The failure count last seen and when it rose, per Job: the back-off runs from there.
    var lastFailure: [String: (count: Int, at: Date)] = [:]
    var podOwners = DependentOwners(ownerKind: "Job")

    init(client: APIClient, informers: SharedInformers, logger: Logger) async {
        self.client = client
        self.logger = logger
        jobs = await informers.informer(Resources.jobs)
        pods = await informers.informer(Resources.pods)
        events = EventRecorder(client: client, component: "job-controller", logger: logger)
        await jobs.feed(queue)
        await pods.addHandler { [weak self] key in await self?.podChanged(key) }
        await pods.addHandler { [weak self] key in await self?.releaseIfOrphaned(key) }
    }

    func run() async {
        let workers = ControllerWorkers(name: "Job", queue: queue, workers: Self.workers, logger: logger)
        await workers.run(waitingFor: [self.jobs, self.pods]) { key in try await self.reconcile(key) }
    }

    /// A tracked pod whose Job is gone, or is another Job of that name, or that no Job
    /// controls any more (orphaned, or released): nothing will count it, so its finalizer goes.
    func releaseIfOrphaned(_ key: String) async {
        guard let pod = await pods.get(key), JobAccounting.isTracked(pod) else { return }
        let namespace = pod[path: ["metadata", "namespace"]]?.string ?? ""
        if let ref = ControllerRef.of(pod), ref.kind == "Job",
            await jobs.get(namespace + "/" + ref.name)?[path: ["metadata", "uid"]]?.string == ref.uid
        {
            return
        }
        await queue.add(Self.orphanPrefix + key)
    }

    static let orphanPrefix = "orphan-pod:"

    func reconcile(_ key: String) async throws -> Duration? {
        if key.hasPrefix(Self.orphanPrefix) {
            if let pod = await pods.get(String(key.dropFirst(Self.orphanPrefix.count))) { try await release([pod]) }
            return nil
        }
        guard let job = await jobs.get(key) else {
            forget(key)
            try await releaseOrphans(of: key)
            return nil
        }
        let namespace = job[path: ["metadata", "namespace"]]?.string ?? "default"
        let me = ControllerRef.Owner(
            apiVersion: Self.apiVersion, kind: "Job", name: job[path: ["metadata", "name"]]?.string ?? "",
            uid: job[path: ["metadata", "uid"]]?.string ?? "")
        let deleting = PodFacts.isDeleting(job)
        let candidates = await pods.list().filter { $0[path: ["metadata", "namespace"]]?.string == namespace }
        let owned = try await ControllerClaims.claim(
            candidates, Resources.pods, selector: ReplicaKind.specSelector(job), owner: me, adopting: !deleting,
            adoptable: PodFacts.isActive, client: client)
        let plan = JobPlan(job)
        let accounting = JobAccounting(job: job, pods: owned, completions: plan.completions)
        let active = owned.filter(PodFacts.isActive)
        let names = { (pods: [JSON]) in Set(pods.compactMap { $0[path: ["metadata", "name"]]?.string }) }
        let seen = names(owned)
        let pending = expectations.settle(key, seen: seen, active: names(active))
        startingIndexes[key] = startingIndexes[key]?.filter {
            !seen.contains($0.key) && Date().timeIntervalSince($0.value.at) < ReplicaExpectations.timeout
        }

        var progress = JobProgress(job: job, now: Date())
        var again: Duration?
        if progress.finished == nil && !deleting {
            again = try await advance(
                job, key: key, me: me, plan: plan, accounting: accounting, owned: owned, active: active,
                creating: pending.creating, progress: &progress)
        }
        try await writeStatus(job, progress: progress, accounting: accounting, owned: owned)
        try await release(accounting.releasable(owned))
        let expiry = try await collectIfExpired(job, progress: progress)
        return [again, expiry].compactMap { $0 }.min()
    }

    /// A running Job's next step: finish it, or start, stop and replace its pods.
    private func advance(
        _ job: JSON, key: String, me: ControllerRef.Owner, plan: JobPlan, accounting: JobAccounting, owned: [JSON],
        active: [JSON], creating: Int, progress: inout JobProgress
    ) async throws -> Duration? {
        let verdict =
            progress.failureTarget
            ?? plan.verdict(
                accounting, active: active, startTime: progress.startTime, now: progress.now)
        if verdict != .running {
            if progress.markTarget(verdict) { postVerdict(job, verdict) }
            await deletePods(active, job)
            // The end waits for every pod to stop and be counted, as Kubernetes' does.
            let counted = accounting.uncountedSucceeded.isEmpty && accounting.uncountedFailed.isEmpty
            let stopping = owned.contains { PodFacts.isDeleting($0) && !PodFacts.isTerminal($0) }
            if active.isEmpty && counted && !stopping { progress.finish(verdict) }
            return nil
        }
        if plan.suspended {
            if progress.suspend() { post(job, .normal, "Suspended", "Job suspended") }
            await deletePods(active, job)
            return nil
        }
        if progress.resume() { post(job, .normal, "Resumed", "Job resumed") }
        let wait = backoffWait(key, failures: accounting.totalFailed, now: progress.now)
        let deadline = plan.deadline(startTime: progress.startTime).map { $0.timeIntervalSince(progress.now) }
        if plan.indexed {
            let starting = (startingIndexes[key] ?? [:]).values.map(\.index)
            let running = Set(active.compactMap(JobAccounting.index(of:)) + starting)
            let missing = plan.indexesToStart(accounting, running: running)
            if !missing.isEmpty, wait <= 0 { try await createPods(missing.map { Optional($0) }, job, key: key, me: me) }
        } else {
            let diff = plan.wantedActive(accounting) - active.count - creating
            if diff > 0, wait <= 0 {
                try await createPods(Array(repeating: nil, count: diff), job, key: key, me: me)
            } else if diff < 0 {
                await deletePods(Array(PodRanking.deletionOrder(active).prefix(-diff)), job)
            }
        }
        let waits = [wait > 0 ? wait : nil, deadline].compactMap { $0 }.map { max($0, 0) + 0.1 }
        return waits.min().map { .milliseconds(Int64($0 * 1000)) }
    }

    /// Seconds until the back-off after the latest failure ends (≤ 0: none).
    private func backoffWait(_ key: String, failures: Int, now: Date) -> TimeInterval {
        guard failures > 0 else { return 0 }
        if failures > (lastFailure[key]?.count ?? 0) { lastFailure[key] = (failures, now) }
        guard let since = lastFailure[key]?.at else { return 0 }
        return JobPlan.backoff(failures: failures) - now.timeIntervalSince(since)
    }

    private func forget(_ key: String) {
        expectations.forget(key)
        startingIndexes[key] = nil
        lastFailure[key] = nil
    }

    func post(_ job: JSON, _ type: EventRecorder.Kind, _ reason: String, _ message: String) {
        events.post(job, kind: "Job", apiVersion: Self.apiVersion, type, reason, message)
    }

    private func postVerdict(_ job: JSON, _ verdict: JobPlan.Verdict) {
        if case .failed(let reason, let message) = verdict { post(job, .warning, reason, message) }
    }
}
