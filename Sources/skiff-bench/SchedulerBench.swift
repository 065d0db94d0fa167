import Foundation
import SkiffAPI
import SkiffClient
import Synchronization

/// The scheduler's throughput against a release `skiffd master`: 1,000 pods wait with no node
/// to go to, then 100 Node objects (no agents) appear; timed from the first node's creation
/// until a watch has seen the last pod bound. Kubernetes' figure is quoted: its scheduler is
/// documented at about 100 pods/s on 5,000-node clusters.
struct SchedulerBench {
    let skiffd: String
    static let pods = 1000
    static let nodes = 100

    func rows() async throws -> [Row] {
        let master = try BenchMaster(skiffd: skiffd)
        defer { master.stop() }
        try await master.waitReady()
        let client = try APIClient(endpoint: .unixSocket(path: master.socket))
        let pods = Resources.pods
        try await Fixture.fill(client, pods, namespace: "default", prefix: "s", from: 0, to: Self.pods)
        // Each pod is reported unschedulable once; the timing starts after that has settled.
        try await waitUntil("every pod reported unschedulable", seconds: 120) {
            let items = try await client.list(pods, namespace: "default").items
            return items.filter { pod in
                (pod[path: ["status", "conditions"]]?.array ?? []).contains {
                    $0["type"] == "PodScheduled" && $0["status"] == "False"
                }
            }.count == Self.pods
        }
        let (_, revision) = try await client.list(pods, namespace: "default")
        let bound = Mutex(Set<String>())
        let events = client.watch(pods, namespace: "default", resourceVersion: revision)
        let watcher = Task {
            for try await event in events
            where !(event.object[path: ["spec", "nodeName"]]?.string ?? "").isEmpty {
                let name = event.object[path: ["metadata", "name"]]?.string ?? ""
                if bound.withLock({
                    $0.insert(name); return $0.count
                }) >= Self.pods {
                    return
                }
            }
        }
        defer { watcher.cancel() }
        let start = Measure.now()
        try await Fixture.fill(client, Resources.nodes, namespace: nil, prefix: "n", from: 0, to: Self.nodes)
        try await waitUntil("all pods bound", seconds: 120) { bound.withLock { $0.count } >= Self.pods }
        let seconds = (Measure.now() - start) / 1000
        return [
            Row(
                "scheduler: \(Self.pods) pending pods onto \(Self.nodes) nodes (Node objects), pods/s",
                measured: String(format: "%.0f pods/s (%.2f s)", Double(Self.pods) / seconds, seconds),
                target: "≥ 2,000 pods/s", anchor: "~100 pods/s at 5,000 nodes (Kubernetes, quoted)")
        ]
    }

    func waitUntil(_ what: String, seconds: Double, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw SkiffError.internalError("timed out after \(Int(seconds)) s waiting for \(what)")
    }
}
