import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// Jobs and CronJobs with real pods: run to completion within parallelism, fail at the
/// back-off limit, complete each index once, go after their TTL, release their pods when
/// deleted, and start on a cron schedule.
@Suite("jobs run real pods", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentJobTests {
    static func job(_ name: String, _ script: String, spec: [String: JSON] = [:]) -> JSON {
        var jobSpec: [String: JSON] = [
            "template": [
                "spec": ["restartPolicy": "Never", "containers": [AgentPodTests.container("main", script)]]
            ]
        ]
        jobSpec.merge(spec) { $1 }
        return ["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": .string(name)], "spec": .object(jobSpec)]
    }

    static func get(_ client: APIClient, _ name: String) async throws -> JSON {
        try await client.get(Resources.jobs, namespace: "default", name: name)
    }

    static func condition(_ job: JSON, _ type: String) -> JSON? {
        (job[path: ["status", "conditions"]]?.array ?? []).first {
            $0["type"]?.string == type && $0["status"]?.string == "True"
        }
    }

    static func pods(_ client: APIClient, of job: String) async throws -> [JSON] {
        try await client.list(Resources.pods, namespace: "default").items.filter {
            $0[path: ["metadata", "labels", "batch.kubernetes.io/job-name"]]?.string == job
        }
    }

    @Test("completions 3, parallelism 2: never more than 2 at once, Complete, each pod counted and released")
    func completes() async throws {
        try await withCluster { master, _, client in
            let job = Self.job("work", "sleep 1; echo done", spec: ["completions": 3, "parallelism": 2])
            _ = try await client.create(Resources.jobs, namespace: "default", object: job)
            var mostActive = 0
            try await eventually("work Complete", seconds: 90) {
                let running = try await Self.pods(client, of: "work").count {
                    ["Pending", "Running"].contains($0[path: ["status", "phase"]]?.string ?? "Pending")
                }
                mostActive = max(mostActive, running)
                return Self.condition(try await Self.get(client, "work"), "Complete") != nil
            }
            #expect(mostActive <= 2, "at most parallelism pods ran at once: \(mostActive)")
            let done = try await Self.get(client, "work")
            #expect(done[path: ["status", "succeeded"]] == 3)
            #expect(done[path: ["status", "failed"]] == nil)
            #expect(done[path: ["status", "completionTime"]]?.string != nil)
            #expect(Self.condition(done, "SuccessCriteriaMet") != nil)
            let pods = try await Self.pods(client, of: "work")
            #expect(pods.count == 3)
            #expect(pods.allSatisfy { $0[path: ["status", "phase"]] == "Succeeded" })
            try await eventually("finalizers released") {
                try await Self.pods(client, of: "work").allSatisfy { $0[path: ["metadata", "finalizers"]] == nil }
            }
            // What people type: kubectl waits for the condition and shows the counts.
            let kubectl = AgentLogsTests.kubectls[0].1
            let wait = try await runProgram(
                kubectl,
                [
                    "--kubeconfig", master.kubeconfigPath, "wait", "--for=condition=complete", "job/work",
                    "--timeout=10s",
                ])
            #expect(wait.status == 0, "kubectl wait: \(wait.output)")
            let table = try await runProgram(kubectl, ["--kubeconfig", master.kubeconfigPath, "get", "job", "work"])
            #expect(table.output.contains("3/3"), "kubectl get job: \(table.output)")
            // Deleting the Job takes its pods (the garbage collector, background propagation).
            try await client.delete(Resources.jobs, namespace: "default", name: "work")
            try await eventually("its pods gone") { try await Self.pods(client, of: "work").isEmpty }
        }
    }

    @Test("a failing pod is replaced after a back-off until backoffLimit, then the Job is Failed")
    func backoffLimit() async throws {
        try await withCluster { _, _, client in
            let job = Self.job("flaky", "exit 3", spec: ["backoffLimit": 1])
            _ = try await client.create(Resources.jobs, namespace: "default", object: job)
            try await eventually("flaky Failed", seconds: 60) {
                Self.condition(try await Self.get(client, "flaky"), "Failed") != nil
            }
            let failed = try await Self.get(client, "flaky")
            #expect(Self.condition(failed, "Failed")?["reason"] == "BackoffLimitExceeded")
            #expect(failed[path: ["status", "failed"]] == 2)
            #expect(failed[path: ["status", "succeeded"]] == nil)
            let pods = try await Self.pods(client, of: "flaky")
            #expect(pods.count == 2, "one pod, one replacement: \(pods.count)")
            // The replacement waited out the back-off (10 s after the first failure).
            let starts = pods.compactMap {
                ($0[path: ["metadata", "creationTimestamp"]]?.string).flatMap(RFC3339.parse)
            }
            .sorted()
            #expect(starts.count == 2 && starts[1].timeIntervalSince(starts[0]) >= 9, "\(starts)")
        }
    }

    @Test("an Indexed Job runs each index once, with its index in the environment, and goes after its TTL")
    func indexed() async throws {
        try await withCluster { _, _, client in
            let job = Self.job(
                "shards", "echo shard=$JOB_COMPLETION_INDEX host=$(hostname)",
                spec: ["completions": 3, "parallelism": 3, "completionMode": "Indexed", "ttlSecondsAfterFinished": 3])
            _ = try await client.create(Resources.jobs, namespace: "default", object: job)
            var logs: Set<String> = []
            try await eventually("shards Complete", seconds: 60) {
                let current = try await Self.get(client, "shards")
                if current[path: ["status", "completedIndexes"]] == "0-2" {
                    for pod in try await Self.pods(client, of: "shards") {
                        let name = pod[path: ["metadata", "name"]]?.string ?? ""
                        logs.insert(try await AgentLogsTests.log(client, name, []))
                    }
                }
                return Self.condition(current, "Complete") != nil && logs.count == 3
            }
            #expect(logs == ["shard=0 host=shards-0\n", "shard=1 host=shards-1\n", "shard=2 host=shards-2\n"])
            try await eventually("deleted after its TTL, pods too", seconds: 30) {
                do {
                    _ = try await Self.get(client, "shards")
                    return false
                } catch let error as SkiffError where error.code == .notFound {
                    return try await Self.pods(client, of: "shards").isEmpty
                }
            }
        }
    }

    @Test("a Job deleted while its pod runs: the pod is stopped and goes, its finalizer released")
    func deletedWhileRunning() async throws {
        try await withCluster { _, agent, client in
            let job = Self.job("long", "trap 'exit 0' TERM; while true; do sleep 0.2; done")
            _ = try await client.create(Resources.jobs, namespace: "default", object: job)
            try await eventually("its pod Running", seconds: 60) {
                try await Self.pods(client, of: "long").first?[path: ["status", "phase"]] == "Running"
            }
            #expect(try await Self.get(client, "long")[path: ["status", "active"]] == 1)
            try await client.delete(Resources.jobs, namespace: "default", name: "long")
            try await eventually("the pod gone", seconds: 60) { try await Self.pods(client, of: "long").isEmpty }
        }
    }

    @Test("a CronJob every minute starts a Job within 70 s, which completes; status and history follow")
    func cronJob() async throws {
        try await withCluster { master, _, client in
            let cronJob: JSON = [
                "apiVersion": "batch/v1", "kind": "CronJob", "metadata": ["name": "tick"],
                "spec": [
                    "schedule": "*/1 * * * *", "concurrencyPolicy": "Forbid",
                    "jobTemplate": ["spec": Self.job("", "echo tick")["spec"] ?? [:]],
                ],
            ]
            _ = try await client.create(Resources.cronJobs, namespace: "default", object: cronJob)
            var jobName = ""
            try await eventually("a Job started", seconds: 70) {
                let jobs = try await client.list(Resources.jobs, namespace: "default").items
                jobName =
                    jobs.first { $0[path: ["metadata", "name"]]?.string?.hasPrefix("tick-") == true }?[
                        path: ["metadata", "name"]]?.string ?? ""
                return !jobName.isEmpty
            }
            let job = try await Self.get(client, jobName)
            #expect(job[path: ["metadata", "annotations", "batch.kubernetes.io/cronjob-scheduled-timestamp"]] != nil)
            try await eventually("\(jobName) Complete", seconds: 30) {
                Self.condition(try await Self.get(client, jobName), "Complete") != nil
            }
            try await eventually("lastSuccessfulTime and no active Job") {
                let status = try await client.get(Resources.cronJobs, namespace: "default", name: "tick")["status"]
                return status?["lastSuccessfulTime"] != nil && status?["lastScheduleTime"] != nil
                    && status?["active"] == nil
            }
            let kubectl = AgentLogsTests.kubectls[0].1
            let table = try await runProgram(
                kubectl, ["--kubeconfig", master.kubeconfigPath, "get", "cronjob", "tick"])
            #expect(table.output.contains("*/1 * * * *"), "kubectl get cronjob: \(table.output)")
            try await client.delete(Resources.cronJobs, namespace: "default", name: "tick")
            try await eventually("its Jobs and pods gone") {
                let jobGone = (try? await Self.get(client, jobName)) == nil
                return try await Self.pods(client, of: jobName).isEmpty && jobGone
            }
        }
    }
}
