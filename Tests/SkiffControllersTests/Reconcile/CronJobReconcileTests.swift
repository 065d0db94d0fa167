import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// The CronJob controller's reconcile against a scripted history: runs missed while no master
/// ran are caught up once, with the latest missed time, not once per miss.
@Suite("reconcile: CronJob")
struct CronJobReconcileTests {
    @Test("five missed runs (lastScheduleTime 5 min ago) start exactly one Job, named for the latest missed minute")
    func missedRuns() async throws {
        try await TestCluster.with { cluster in
            try await cluster.withNodes {
                let before = Date()
                try await cluster.create(
                    Resources.cronJobs,
                    [
                        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": ["name": "tick"],
                        "spec": [
                            // Forbid: a minute turning during the test adds no second Job beside
                            // the running one. Suspended until the scripted history is written:
                            // a minute turning before that would start a run the script then hides.
                            "schedule": "*/1 * * * *", "concurrencyPolicy": "Forbid", "suspend": true,
                            "jobTemplate": [
                                "spec": ["template": TestCluster.template(["job": "tick"], restartPolicy: "Never")]
                            ],
                        ],
                    ])
                // The controller may write the status meanwhile: a lost race is tried again.
                try await cluster.eventually("the scripted lastScheduleTime written") {
                    var cronJob = try await cluster.get(Resources.cronJobs, "tick")
                    cronJob[path: ["status", "lastScheduleTime"]] = .string(
                        RFC3339.format(before.addingTimeInterval(-300)))
                    _ = try await cluster.client.update(
                        Resources.cronJobs, namespace: "default", object: cronJob, subresource: "status")
                    return true
                }
                #expect(try await cluster.client.list(Resources.jobs, namespace: "default").items.isEmpty)
                _ = try await cluster.client.patch(
                    Resources.cronJobs, namespace: "default", name: "tick", patch: ["spec": ["suspend": false]])
                try await cluster.eventually("a Job started for the missed runs") {
                    try await !cluster.client.list(Resources.jobs, namespace: "default").items.isEmpty
                }
                try await Task.sleep(for: .milliseconds(300))
                let after = Date()
                let jobs = try await cluster.client.list(Resources.jobs, namespace: "default").items
                #expect(jobs.count == 1, "one catch-up run, not one per miss: \(jobs.map(\.name))")
                let minutes = Int((jobs.first?.name ?? "").split(separator: "-").last ?? "") ?? 0
                let range = Int(before.timeIntervalSince1970 / 60)...Int(after.timeIntervalSince1970 / 60)
                #expect(range.contains(minutes), "named for the latest missed minute: \(minutes) in \(range)")
                try await cluster.eventually("the CronJob lists it as active and records the time") {
                    let status = try await cluster.get(Resources.cronJobs, "tick")["status"]
                    let active = status?["active"]?.array?.compactMap { $0["name"]?.string } ?? []
                    return active == jobs.map(\.name)
                        && status?["lastScheduleTime"]?.string
                            != RFC3339.format(before.addingTimeInterval(-300))
                }
            }
        }
    }
}
