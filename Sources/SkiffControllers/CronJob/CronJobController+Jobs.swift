import Foundation
import SkiffAPI
import SkiffClient

/// A CronJob's Jobs: made from its `jobTemplate`, deleted when replaced or beyond the history
/// limits, and its status written.
extension CronJobController {
    static let scheduledTimestamp = "batch.kubernetes.io/cronjob-scheduled-timestamp"

    /// `getJobFromTemplate2`: the template's labels and annotations, the scheduled time (in
    /// the CronJob's zone), the CronJob as controller, and the template's spec.
    static func job(for cronJob: JSON, name: String, time: Date, zone: TimeZone) -> JSON {
        let template = cronJob[path: ["spec", "jobTemplate"]]
        var metadata: [String: JSON] = [
            "name": .string(name), "namespace": cronJob[path: ["metadata", "namespace"]] ?? "default",
        ]
        for field in ["labels", "annotations"] {
            if let value = template?[path: ["metadata", field]], value != .null { metadata[field] = value }
        }
        var annotations = metadata["annotations"]?.object ?? [:]
        annotations[scheduledTimestamp] = .string(RFC3339.format(time, in: zone))
        metadata["annotations"] = .object(annotations)
        let owner = ControllerRef.Owner(
            apiVersion: apiVersion, kind: "CronJob", name: Self.name(cronJob),
            uid: cronJob[path: ["metadata", "uid"]]?.string ?? "")
        metadata["ownerReferences"] = [ControllerRef.reference(to: owner)]
        return [
            "apiVersion": "batch/v1", "kind": "Job", "metadata": .object(metadata),
            "spec": template?["spec"] ?? .object([:]),
        ]
    }

    func deleteJob(_ job: JSON, _ cronJob: JSON) async throws {
        let name = Self.name(job)
        do throws(SkiffError) {
            _ = try await client.delete(
                Resources.jobs, namespace: job[path: ["metadata", "namespace"]]?.string, name: name,
                options: ["propagationPolicy": "Background"])
            post(cronJob, .normal, "SuccessfulDelete", "Deleted job \(name)")
        } catch {
            guard error.code == .notFound else {
                post(cronJob, .warning, "FailedDelete", "Deleted job: \(error.message)")
                throw error
            }
        }
    }

    /// The oldest finished Jobs beyond `successfulJobsHistoryLimit` (3) and
    /// `failedJobsHistoryLimit` (1). A failed delete waits for the next reconcile.
    func deleteHistory(_ cronJob: JSON, _ jobs: [JSON]) async {
        let spec = cronJob["spec"]
        for (condition, field, limit) in [
            ("Complete", "successfulJobsHistoryLimit", 3), ("Failed", "failedJobsHistoryLimit", 1),
        ] {
            let keep = Int(spec?[field]?.int ?? Int64(limit))
            let finished = jobs.filter { CronJobStatus.finished($0) == condition && !PodFacts.isDeleting($0) }
                .sorted { Self.started($0) < Self.started($1) }
            for job in finished.dropLast(keep) { try? await deleteJob(job, cronJob) }
        }
    }

    static func started(_ job: JSON) -> String {
        job[path: ["status", "startTime"]]?.string ?? job[path: ["metadata", "creationTimestamp"]]?.string ?? ""
    }

    func write(_ cronJob: JSON, _ status: CronJobStatus) async throws {
        let fields = JSON.object(status.fields)
        guard (cronJob["status"] ?? .object([:])) != fields else { return }
        var updated = cronJob
        updated["status"] = fields
        _ = try await client.update(
            Resources.cronJobs, namespace: cronJob[path: ["metadata", "namespace"]]?.string, object: updated,
            subresource: "status")
    }
}
