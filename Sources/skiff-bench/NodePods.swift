import Foundation
import SkiffAPI
import SkiffClient

/// Pods on the benchmark's node: startup one after another, the agent's memory and idle CPU
/// while they run, then many more at once, and finally all deleted and removed by the agent.
struct NodePods {
    let client: APIClient
    let agent: BenchAgent
    /// Pods started one after another (and running during the memory and CPU figures).
    let sequential: Int
    /// Pods on the node at the end.
    let total: Int
    let pods = Resources.lookup("pods")!

    static func pod(_ name: String) -> JSON {
        [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "labels": ["app": "bench-node"]],
            "spec": ["containers": [["name": "main", "image": "busybox", "command": ["sleep", "3600"]]]],
        ]
    }

    /// Rows measured before a failure are not lost: they travel in the PartialFailure.
    func rows() async throws -> [Row] {
        let watch = PodWatch()
        try await watch.start(client, namespace: "default")
        let rows = RowLog()
        do {
            try await measure(watch, rows)
            await watch.stop()
            return rows.rows
        } catch {
            await watch.stop()
            throw PartialFailure(rows: rows.rows, error: error)
        }
    }

    func measure(_ watch: PodWatch, _ rows: RowLog) async throws {
        var samples: [Double] = []
        var scheduling: [Double] = []
        for i in 0..<sequential {
            let name = "np-\(i)"
            let start = Measure.now()
            _ = try await client.create(pods, namespace: "default", object: Self.pod(name))
            try await waitRunning([name], watch, seconds: 60)
            let running = await watch.running(name) ?? .nan
            samples.append(running - start)
            scheduling.append((await watch.bound(name) ?? running) - start)
        }
        let startup = Latencies(samples: samples)
        rows.append(
            Row(
                "pod create → Running seen by a watch, busybox `sleep 3600`, \(sequential) one after another",
                measured: Format.percentiles(startup),
                target: "p50 ≤ 30 ms, p99 ≤ 100 ms"
                    + (startup.p50 <= 30 && startup.p99 <= 100 ? " (met)" : " (missed)"),
                anchor: "Kubernetes: SLO p99 5 s (quoted), observed p50 1.1 s (quoted)"))
        let agentPart = Latencies(samples: zip(samples, scheduling).map { $0 - $1 })
        rows.append(
            Row(
                "… of which create → seen bound to the node (scheduler), and bound → Running (agent)",
                measured: "p50 \(Format.ms(Latencies(samples: scheduling).p50)); p50 \(Format.ms(agentPart.p50))",
                target: "", anchor: ""))

        // Idle: nothing changes for a few seconds first, then ~10 s of the agent's own CPU time.
        try await Task.sleep(for: .seconds(3))
        let cpuBefore = ProcStats.cpuSeconds(agent.pid)
        let wallBefore = Measure.now()
        try await Task.sleep(for: .seconds(10))
        let cpu = (ProcStats.cpuSeconds(agent.pid) - cpuBefore) / ((Measure.now() - wallBefore) / 1000) * 100
        let rss = ProcStats.rssMegabytes(agent.pid)
        let rssParts = ProcStats.rssDescription(agent.pid)
        rows.append(
            Row(
                "agent RSS (VmRSS), \(sequential) pods running", measured: rssParts,
                target: "≤ 40 MB" + (rss <= 40 ? " (met)" : " (missed)"), anchor: ""))
        rows.append(
            Row(
                "agent idle CPU (utime+stime over 10 s), \(sequential) pods running",
                measured: String(format: "%.2f %% of a core", cpu),
                target: "≤ 1 %" + (cpu <= 1 ? " (met)" : " (missed)"), anchor: ""))

        let names = (0..<total).map { "np-\($0)" }
        if total > sequential {
            let fillStart = Measure.now()
            try await createConcurrently(Array(names[sequential...]), inFlight: 8)
            try await waitRunning(names, watch, seconds: 600)
            let fill = (Measure.now() - fillStart) / 1000
            let running = await watch.countRunning(names)
            rows.append(
                Row(
                    "\(total) pods on the node: \(total - sequential) more created 8 at a time → all Running",
                    measured: String(format: "%d/%d Running after %.1f s", running, total, fill),
                    target: "all \(total) Running", anchor: ""))
            rows.append(
                Row(
                    "agent RSS (VmRSS), \(total) pods running",
                    measured: ProcStats.rssDescription(agent.pid), target: "", anchor: ""))
        }

        let deleteStart = Measure.now()
        try await deleteConcurrently(names, inFlight: 8)
        try await watch.until("\(total) pods deleted and removed by the agent", seconds: 300) {
            await watch.countDeleted(names) == names.count && agent.podDirectories().isEmpty
        }
        rows.append(
            Row(
                "delete \(total) pods (grace 0) → agent has removed them all",
                measured: String(format: "%.1f s", (Measure.now() - deleteStart) / 1000), target: "", anchor: ""))
        rows.append(try await deploymentRow(watch))
    }

    /// One Deployment of 100 replicas, from its create until a watch has seen every pod
    /// Running: the Deployment and ReplicaSet controllers, scheduler and agent together.
    func deploymentRow(_ watch: PodWatch, replicas: Int = 100) async throws -> Row {
        let deployment: JSON = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "bench-deploy"],
            "spec": [
                "replicas": .int(Int64(replicas)), "selector": ["matchLabels": ["app": "bench-deploy"]],
                "template": [
                    "metadata": ["labels": ["app": "bench-deploy"]],
                    // `sleep` as PID 1 ignores SIGTERM: a short grace keeps the clean-up short.
                    "spec": [
                        "terminationGracePeriodSeconds": 1,
                        "containers": [["name": "main", "image": "busybox", "command": ["sleep", "3600"]]],
                    ],
                ],
            ],
        ]
        let start = Measure.now()
        _ = try await client.create(Resources.deployments, namespace: "default", object: deployment)
        try await watch.until("\(replicas) pods of the Deployment Running", seconds: 120) {
            await watch.running(prefix: "bench-deploy-").count >= replicas
        }
        let seconds = (await watch.running(prefix: "bench-deploy-").last - start) / 1000
        // Scaled to zero first, so the agent removes the pods before the node goes.
        _ = try await client.patch(
            Resources.deployments, namespace: "default", name: "bench-deploy", patch: ["spec": ["replicas": 0]])
        try await watch.until("the Deployment's pods removed", seconds: 120) {
            await watch.existing(prefix: "bench-deploy-") == 0 && agent.podDirectories().isEmpty
        }
        try await client.delete(Resources.deployments, namespace: "default", name: "bench-deploy")
        return Row(
            "Deployment 0 → \(replicas) replicas: create → every pod Running (seen by a watch)",
            measured: String(format: "%.2f s", seconds), target: "≤ 5 s" + (seconds <= 5 ? " (met)" : " (missed)"),
            anchor: "")
    }

    func waitRunning(_ names: [String], _ watch: PodWatch, seconds: Double) async throws {
        do {
            try await watch.until("\(names.count) pod(s) Running", seconds: seconds) {
                await watch.countRunning(names) == names.count
            }
        } catch {
            let stuck = await names.asyncFirst { await watch.running($0) == nil } ?? ""
            let pod = try? await client.get(pods, namespace: "default", name: stuck)
            throw BenchFailure(
                "\(error); \(stuck): \(pod?["status"]?.serializedString() ?? "-"); agent log: \(agent.logTail())")
        }
    }

    func createConcurrently(_ names: [String], inFlight: Int) async throws {
        let (client, pods) = (client, pods)
        try await forEachConcurrently(names, inFlight: inFlight) { name in
            _ = try await client.create(pods, namespace: "default", object: NodePods.pod(name))
        }
    }

    func deleteConcurrently(_ names: [String], inFlight: Int) async throws {
        let (client, pods) = (client, pods)
        try await forEachConcurrently(names, inFlight: inFlight) { name in
            _ = try await client.delete(pods, namespace: "default", name: name, options: ["gracePeriodSeconds": 0])
        }
    }

    func forEachConcurrently(
        _ names: [String], inFlight: Int, _ body: @escaping @Sendable (String) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, name) in names.enumerated() {
                if i >= inFlight { try await group.next() }
                group.addTask { try await body(name) }
            }
            try await group.waitForAll()
        }
    }
}

/// Rows as they are measured, kept when a later step fails.
final class RowLog {
    var rows: [Row] = []
    func append(_ row: Row) { rows.append(row) }
}

/// A section that failed after measuring some rows; `trailer` rows (its clean-up) go after
/// the failure's own row.
struct PartialFailure: Error, CustomStringConvertible {
    var rows: [Row]
    var error: any Error
    var trailer: [Row] = []
    var description: String { "\(error)" }
}

extension Array {
    func asyncFirst(_ predicate: (Element) async -> Bool) async -> Element? {
        for element in self where await predicate(element) { return element }
        return nil
    }
}
