import Foundation
import SkiffAPI
import SkiffClient

/// N watchers on one object; each change is timed from just before the write until each
/// watcher has it. The p99 is over every (change, watcher) delivery.
enum WatchFanout {
    actor Deliveries {
        var samples: [Double] = []
        var pending: [String: (start: Double, left: Int)] = [:]
        var waiters: [String: CheckedContinuation<Void, Never>] = [:]

        func expect(_ marker: String, watchers: Int) { pending[marker] = (Measure.now(), watchers) }

        func seen(_ marker: String) {
            guard var entry = pending[marker] else { return }
            samples.append(Measure.now() - entry.start)
            entry.left -= 1
            pending[marker] = entry.left == 0 ? nil : entry
            if entry.left == 0, let waiter = waiters.removeValue(forKey: marker) { waiter.resume() }
        }

        func wait(_ marker: String) async {
            if pending[marker] == nil { return }
            await withCheckedContinuation { waiters[marker] = $0 }
        }
    }

    static func measure(client: APIClient, watchers: Int, changes: Int) async throws -> Latencies {
        let configmaps = Resources.lookup("configmaps")!
        let created = try await client.create(
            configmaps, namespace: "default",
            object: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "fanout"], "data": ["n": "0"]])
        let rv = created[path: ["metadata", "resourceVersion"]]?.string
        let deliveries = Deliveries()
        var tasks: [Task<Void, Never>] = []
        for _ in 0..<watchers {
            let events = client.watch(
                configmaps, namespace: "default", resourceVersion: rv, fieldSelector: "metadata.name=fanout")
            tasks.append(
                Task {
                    do {
                        for try await event in events {
                            if let marker = event.object[path: ["data", "n"]]?.string { await deliveries.seen(marker) }
                        }
                    } catch {}
                })
        }
        defer { tasks.forEach { $0.cancel() } }
        try await Task.sleep(for: .seconds(1))  // let every watch connect
        for n in 1...changes {
            let marker = String(n)
            await deliveries.expect(marker, watchers: watchers)
            _ = try await client.patch(
                configmaps, namespace: "default", name: "fanout", patch: ["data": ["n": .string(marker)]])
            await deliveries.wait(marker)
            try await Task.sleep(for: .milliseconds(20))
        }
        return Latencies(samples: await deliveries.samples)
    }
}
