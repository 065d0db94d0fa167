import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// Starts a CronJob's Jobs on its schedule (in `spec.timeZone`, else the master's), as
/// Kubernetes' cronjob controller: one Job per scheduled time, named for it; a time missed
/// while the master was down runs once when it is back, unless `startingDeadlineSeconds` has
/// passed; `concurrencyPolicy` Allow, Forbid (skip while one runs) or Replace (delete the
/// running ones); `suspend`; the finished Jobs beyond the history limits deleted; status
/// `active`, `lastScheduleTime`, `lastSuccessfulTime`.
actor CronJobController {
    static let workers = 2
    static let apiVersion = "batch/v1"

    let client: APIClient
    let cronJobs: Informer
    let jobs: Informer
    let events: EventRecorder
    let logger: Logger
    let queue = WorkQueue()
    var jobOwners = DependentOwners(ownerKind: "CronJob")

    init(client: APIClient, informers: SharedInformers, logger: Logger) async {
        self.client = client
        self.logger = logger
        cronJobs = await informers.informer(Resources.cronJobs)
        jobs = await informers.informer(Resources.jobs)
        events = EventRecorder(client: client, component: "cronjob-controller", logger: logger)
        await cronJobs.feed(queue)
        await jobs.addHandler { [weak self] key in await self?.jobChanged(key) }
    }

    func run() async {
        let workers = ControllerWorkers(name: "CronJob", queue: queue, workers: Self.workers, logger: logger)
        await workers.run(waitingFor: [self.cronJobs, self.jobs]) { key in try await self.reconcile(key) }
    }

    /// CronJobs adopt nothing: a Job concerns only the CronJob that made it.
    func jobChanged(_ key: String) async {
        let job = await jobs.get(key)
        for target in jobOwners.targets(for: key, job, candidates: [], selector: { _ in .nothing }) {
            await queue.add(target)
        }
    }

    func reconcile(_ key: String) async throws -> Duration? {
        guard let cronJob = await cronJobs.get(key), !PodFacts.isDeleting(cronJob) else { return nil }
        let namespace = cronJob[path: ["metadata", "namespace"]]?.string ?? "default"
        let uid = cronJob[path: ["metadata", "uid"]]?.string ?? ""
        let owned = await jobs.list().filter {
            $0[path: ["metadata", "namespace"]]?.string == namespace && ControllerRef.of($0)?.uid == uid
        }
        let now = Date()
        var status = CronJobStatus(cronJob, jobs: owned)
        for job in status.newlyFinished {
            post(
                cronJob, .normal, "SawCompletedJob",
                "Saw completed job: \(Self.name(job)), condition: \(CronJobStatus.finished(job) ?? "")")
        }
        await deleteHistory(cronJob, owned)
        let spec = cronJob["spec"]
        guard spec?["suspend"]?.bool != true else {
            try await write(cronJob, status)
            return nil
        }
        let schedule = spec?["schedule"]?.string ?? ""
        guard case .success(let expression) = CronSchedule.parse(schedule) else {
            post(cronJob, .warning, "UnparseableSchedule", "unparseable schedule: \"\(schedule)\"")
            try await write(cronJob, status)
            return nil
        }
        let zone = (spec?["timeZone"]?.string).flatMap(TimeZone.init(identifier:)) ?? .current
        let times = ScheduleTimes(expression: expression, zone: zone)
        let deadline = (spec?["startingDeadlineSeconds"]?.int).map { Int($0) }
        let created = (cronJob[path: ["metadata", "creationTimestamp"]]?.string).flatMap(RFC3339.parse) ?? now
        let earliest = ScheduleTimes.earliest(
            lastScheduled: status.lastScheduleTime, created: created, deadlineSeconds: deadline, now: now)
        if let due = times.mostRecent(since: earliest, now: now) {
            if due.manyMissed {
                post(
                    cronJob, .warning, "TooManyMissedTimes",
                    "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew")
            }
            if ScheduleTimes.isTooLate(due.time, deadlineSeconds: deadline, now: now) {
                post(
                    cronJob, .warning, "MissSchedule",
                    "Missed scheduled time to start a job: \(RFC3339.format(due.time))")
            } else {
                try await start(cronJob, at: due.time, zone: zone, status: &status)
            }
        }
        try await write(cronJob, status)
        guard let next = expression.next(after: now, in: zone) else { return nil }
        return .milliseconds(Int64(next.timeIntervalSince(Date()) * 1000) + 100)
    }

    /// The run for `time`, as the concurrency policy allows.
    private func start(_ cronJob: JSON, at time: Date, zone: TimeZone, status: inout CronJobStatus) async throws {
        let name = ScheduleTimes.jobName(Self.name(cronJob), time)
        // Its Job exists (running or done): this time has had its run.
        guard !status.all.contains(where: { Self.name($0) == name }) else { return }
        switch cronJob[path: ["spec", "concurrencyPolicy"]]?.string ?? "Allow" {
        case "Forbid" where !status.active.isEmpty:
            post(
                cronJob, .normal, "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid")
            return
        case "Replace":
            for job in status.all where CronJobStatus.finished(job) == nil && !PodFacts.isDeleting(job) {
                try await deleteJob(job, cronJob)
            }
            status.active = []
        default: break
        }
        let job = Self.job(for: cronJob, name: name, time: time, zone: zone)
        do throws(SkiffError) {
            let made = try await client.create(
                Resources.jobs, namespace: job[path: ["metadata", "namespace"]]?.string, object: job)
            status.active.append(made)
            post(cronJob, .normal, "SuccessfulCreate", "Created job \(name)")
        } catch {
            guard error.code == .alreadyExists else {
                post(cronJob, .warning, "FailedCreate", "Error creating job: \(error.message)")
                throw error
            }
        }
        status.lastScheduleTime = time
    }

    func post(_ cronJob: JSON, _ type: EventRecorder.Kind, _ reason: String, _ message: String) {
        events.post(cronJob, kind: "CronJob", apiVersion: Self.apiVersion, type, reason, message)
    }

    static func name(_ object: JSON) -> String { object[path: ["metadata", "name"]]?.string ?? "" }
}
