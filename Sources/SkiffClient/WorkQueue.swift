import Foundation
import SkiffAPI

/// A keyed work queue as controllers need it (client-go's workqueue): a key waits at most once,
/// is never handed to two workers at the same time, and a key added while it is being worked
/// on is handed out again after `done`. Failed keys come back after a per-key exponential
/// back-off.
public actor WorkQueue {
    public struct Configuration: Sendable {
        public var initialBackoff: Duration = .milliseconds(5)
        public var maxBackoff: Duration = .seconds(30)
        public init() {}
    }

    private var queue: [String] = []
    private var dirty: Set<String> = []
    private var processing: Set<String> = []
    private var failures: [String: Int] = [:]
    private var waiters: [CheckedContinuation<String?, Never>] = []
    private var shuttingDown = false
    private let configuration: Configuration

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public func add(_ key: String) {
        guard !shuttingDown, !dirty.contains(key) else { return }
        dirty.insert(key)
        if processing.contains(key) { return }
        if !waiters.isEmpty {
            dirty.remove(key)
            processing.insert(key)
            waiters.removeFirst().resume(returning: key)
        } else {
            queue.append(key)
        }
    }

    public func add(contentsOf keys: [String]) {
        for key in keys { add(key) }
    }

    /// The next key to work on; nil once the queue is shut down.
    public func next() async -> String? {
        if let key = popReady() { return key }
        if shuttingDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func popReady() -> String? {
        guard !queue.isEmpty else { return nil }
        let key = queue.removeFirst()
        dirty.remove(key)
        processing.insert(key)
        return key
    }

    /// Marks the key's work finished; if it was added meanwhile, it is queued again.
    public func done(_ key: String) {
        processing.remove(key)
        if dirty.contains(key) {
            dirty.remove(key)
            add(key)
        }
    }

    /// Requeues after the key's back-off (doubling per consecutive failure).
    public func retry(_ key: String) {
        let n = failures[key, default: 0]
        failures[key] = n + 1
        let initial = configuration.initialBackoff.seconds
        let cap = configuration.maxBackoff.seconds
        let delay = min(initial * pow(2, Double(n)), cap)
        Task {
            try? await Task.sleep(for: .seconds(delay))
            self.add(key)
        }
    }

    /// Forgets the key's failures after a success.
    public func forget(_ key: String) { failures[key] = nil }

    public func failureCount(_ key: String) -> Int { failures[key, default: 0] }

    public var count: Int { queue.count }

    public func shutDown() {
        shuttingDown = true
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters.removeAll()
    }
}
