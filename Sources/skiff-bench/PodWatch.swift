import Foundation
import SkiffAPI
import SkiffClient

/// One watch on the namespace's pods, as a client of the cluster would hold it: records when
/// each pod was first seen bound to a node, first seen Running, and deleted, stamped as the
/// event arrives. Waiters wake on each event (and every 100 ms, for deadlines and conditions
/// outside the API), so waiting costs the 2-core machine nothing while the agent works, and a
/// late wake-up delays only the benchmark's next step, never a measured time.
actor PodWatch {
    private(set) var runningAt: [String: Double] = [:]
    private(set) var boundAt: [String: Double] = [:]
    private(set) var deleted: Set<String> = []
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var tasks: [Task<Void, Never>] = []

    func start(_ client: APIClient, namespace: String) async throws {
        let pods = Resources.lookup("pods")!
        let rv = try await client.list(pods, namespace: namespace).resourceVersion
        tasks.append(
            Task { [weak self] in
                var resourceVersion = rv
                // A watch the server ends (timeout) is resumed from the last event seen.
                while !Task.isCancelled {
                    do {
                        let events = client.watch(pods, namespace: namespace, resourceVersion: resourceVersion)
                        for try await event in events {
                            let seen = Measure.now()
                            if let rv = event.object[path: ["metadata", "resourceVersion"]]?.string {
                                resourceVersion = rv
                            }
                            await self?.record(event, at: seen)
                        }
                    } catch {
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                }
            })
        tasks.append(
            Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    await self?.wakeWaiters()
                }
            })
    }

    func stop() {
        tasks.forEach { $0.cancel() }
        wakeWaiters()
    }

    func record(_ event: WatchEventJSON, at time: Double) {
        defer { wakeWaiters() }
        guard let name = event.object[path: ["metadata", "name"]]?.string else { return }
        if event.type == "DELETED" {
            deleted.insert(name)
            return
        }
        if boundAt[name] == nil, event.object[path: ["spec", "nodeName"]]?.string != nil { boundAt[name] = time }
        if runningAt[name] == nil, event.object[path: ["status", "phase"]]?.string == "Running" {
            runningAt[name] = time
        }
    }

    func running(_ name: String) -> Double? { runningAt[name] }

    func bound(_ name: String) -> Double? { boundAt[name] }

    func countRunning(_ names: [String]) -> Int { names.count { runningAt[$0] != nil } }

    func countDeleted(_ names: [String]) -> Int { names.count { deleted.contains($0) } }

    /// Pods whose name starts with `prefix` (a controller's, `web-7d4f9-`): how many have been
    /// seen Running, and the latest time one was.
    func running(prefix: String) -> (count: Int, last: Double) {
        let times = runningAt.filter { $0.key.hasPrefix(prefix) && !deleted.contains($0.key) }.values
        return (times.count, times.max() ?? .nan)
    }

    /// Pods whose name starts with `prefix` that exist (not deleted).
    func existing(prefix: String) -> Int {
        Set(boundAt.keys).union(runningAt.keys).count { $0.hasPrefix(prefix) && !deleted.contains($0) }
    }

    private func wakeWaiters() {
        let woken = waiters
        waiters.removeAll()
        woken.forEach { $0.resume() }
    }

    private func nextChange() async { await withCheckedContinuation { waiters.append($0) } }

    /// Returns once `condition` holds; throws after `seconds`.
    nonisolated func until(_ what: String, seconds: Double, _ condition: () async -> Bool) async throws {
        let deadline = Measure.now() + seconds * 1000
        while await !condition() {
            if Measure.now() > deadline { throw BenchFailure("timed out after \(Int(seconds)) s: \(what)") }
            await nextChange()
        }
    }
}
