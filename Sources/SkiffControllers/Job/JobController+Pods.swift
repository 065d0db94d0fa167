import Foundation
import SkiffAPI
import SkiffClient

/// A Job's pods: made from its template with the tracking finalizer (and, for Indexed Jobs,
/// their index), stopped, and released once counted.
extension JobController {
    /// One pod per entry: its completion index, or nil for a NonIndexed Job. Creation stops at
    /// the first error, which is thrown (the Job is retried after a back-off).
    func createPods(_ indexes: [Int?], _ job: JSON, key: String, me: ControllerRef.Owner) async throws {
        let namespace = job[path: ["metadata", "namespace"]]?.string ?? "default"
        for index in indexes {
            let pod = Self.pod(for: job, index: index, owner: me, namespace: namespace)
            do throws(SkiffError) {
                let created = try await client.create(Resources.pods, namespace: namespace, object: pod)
                let name = created[path: ["metadata", "name"]]?.string ?? ""
                expectations.created(key, pod: name)
                if let index { startingIndexes[key, default: [:]][name] = (index, Date()) }
                post(job, .normal, "SuccessfulCreate", "Created pod: \(name)")
            } catch {
                post(job, .warning, "FailedCreate", "Error creating: \(error.message)")
                throw error
            }
        }
    }

    /// `GetPodFromTemplate` plus what the job controller adds: the tracking finalizer and, for an
    /// index, its annotation and label, `JOB_COMPLETION_INDEX` in every container's environment
    /// and the hostname `<job>-<index>`.
    static func pod(for job: JSON, index: Int?, owner: ControllerRef.Owner, namespace: String) -> JSON {
        let prefix = owner.name + "-" + (index.map { "\($0)-" } ?? "")
        var pod = PodTemplate.pod(
            from: job[path: ["spec", "template"]], namePrefix: prefix, namespace: namespace, owner: owner)
        let finalizers = pod[path: ["metadata", "finalizers"]]?.array ?? []
        pod[path: ["metadata", "finalizers"]] = .array(finalizers + [.string(JobAccounting.finalizer)])
        guard let index else { return pod }
        pod[path: ["metadata", "annotations", JobAccounting.indexKey]] = .string(String(index))
        pod[path: ["metadata", "labels", JobAccounting.indexKey]] = .string(String(index))
        if pod[path: ["spec", "hostname"]]?.string == nil {
            pod[path: ["spec", "hostname"]] = .string(owner.name + "-" + String(index))
        }
        let variable: JSON = [
            "name": "JOB_COMPLETION_INDEX",
            "valueFrom": ["fieldRef": ["fieldPath": .string("metadata.annotations['\(JobAccounting.indexKey)']")]],
        ]
        for list in ["initContainers", "containers"] {
            guard var containers = pod[path: ["spec", list]]?.array else { continue }
            for i in containers.indices {
                let env = containers[i]["env"]?.array ?? []
                if !env.contains(where: { $0["name"]?.string == "JOB_COMPLETION_INDEX" }) {
                    containers[i]["env"] = .array(env + [variable])
                }
            }
            pod[path: ["spec", list]] = .array(containers)
        }
        return pod
    }

    func deletePods(_ victims: [JSON], _ job: JSON) async {
        for pod in victims {
            let name = pod[path: ["metadata", "name"]]?.string ?? ""
            do throws(SkiffError) {
                try await client.delete(
                    Resources.pods, namespace: pod[path: ["metadata", "namespace"]]?.string, name: name)
                post(job, .normal, "SuccessfulDelete", "Deleted pod: \(name)")
            } catch {
                if error.code != .notFound { post(job, .warning, "FailedDelete", "Error deleting: \(error.message)") }
            }
        }
    }

    /// Removes the tracking finalizer (a pod that is deleting then goes).
    func release(_ tracked: [JSON]) async throws {
        for pod in tracked {
            let rest = (pod[path: ["metadata", "finalizers"]]?.array ?? []).filter {
                $0.string != JobAccounting.finalizer
            }
            var metadata: JSON = ["finalizers": rest.isEmpty ? .null : .array(rest)]
            if let version = pod[path: ["metadata", "resourceVersion"]] { metadata["resourceVersion"] = version }
            try await ControllerClaims.patch(pod, Resources.pods, ["metadata": metadata], client)
        }
    }

    /// The pods of a Job that is gone keep nothing to be counted for: their finalizers go.
    func releaseOrphans(of key: String) async throws {
        let tracked = await pods.list().filter { pod in
            guard JobAccounting.isTracked(pod), let ref = ControllerRef.of(pod), ref.kind == "Job" else { return false }
            return (pod[path: ["metadata", "namespace"]]?.string ?? "") + "/" + ref.name == key
        }
        try await release(tracked)
    }

    /// The status Kubernetes reports: counts (ready and terminating always, the others when
    /// not zero), uncounted pods, completed indexes, times and conditions.
    func writeStatus(_ job: JSON, progress: JobProgress, accounting: JobAccounting, owned: [JSON]) async throws {
        let active = owned.filter(PodFacts.isActive)
        var status = accounting.statusFields
        for (field, count) in [
            ("active", active.count), ("succeeded", accounting.succeeded), ("failed", accounting.failed),
        ] where count > 0 {
            status[field] = .int(Int64(count))
        }
        status["ready"] = .int(Int64(active.count(where: PodFacts.isReady)))
        status["terminating"] = .int(Int64(owned.count { PodFacts.isDeleting($0) && !PodFacts.isTerminal($0) }))
        if JobPlan(job).indexed, accounting.completed.count > 0 {
            status["completedIndexes"] = .string(accounting.completed.text)
        }
        if let start = progress.startTime { status["startTime"] = .string(RFC3339.format(start)) }
        if let end = progress.completionTime { status["completionTime"] = .string(RFC3339.format(end)) }
        if !progress.conditions.isEmpty { status["conditions"] = .array(progress.conditions) }
        guard job["status"] != .object(status) else { return }
        var updated = job
        updated["status"] = .object(status)
        _ = try await client.update(
            Resources.jobs, namespace: job[path: ["metadata", "namespace"]]?.string, object: updated,
            subresource: "status")
        if progress.finished == "Complete", job[path: ["status", "completionTime"]] == nil {
            post(job, .normal, "Completed", "Job completed")
        }
    }

    /// `ttlSecondsAfterFinished` (Kubernetes' TTL-after-finished controller): a finished Job is
    /// deleted, with its pods, once the time is up; until then, when to look again.
    func collectIfExpired(_ job: JSON, progress: JobProgress) async throws -> Duration? {
        guard let ttl = job[path: ["spec", "ttlSecondsAfterFinished"]]?.int, let finishedAt = progress.finishedAt,
            !PodFacts.isDeleting(job)
        else { return nil }
        let left = finishedAt.addingTimeInterval(Double(ttl)).timeIntervalSince(Date())
        guard left <= 0 else { return .milliseconds(Int64(left * 1000) + 100) }
        do throws(SkiffError) {
            _ = try await client.delete(
                Resources.jobs, namespace: job[path: ["metadata", "namespace"]]?.string,
                name: job[path: ["metadata", "name"]]?.string ?? "",
                options: [
                    "propagationPolicy": "Background",
                    "preconditions": ["uid": job[path: ["metadata", "uid"]] ?? .null],
                ])
        } catch {
            if error.code != .notFound { throw error }
        }
        return nil
    }
}
