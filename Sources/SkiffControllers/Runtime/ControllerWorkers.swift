import Logging
import SkiffAPI
import SkiffClient

/// The worker side of a controller: keys from its queue go to `reconcile` one at a time per
/// key (the queue never hands one key to two workers). A failure comes back after the key's
/// back-off; a success may ask to be looked at again after a while (minReadySeconds, a
/// deadline).
struct ControllerWorkers: Sendable {
    let name: String
    let queue: WorkQueue
    let workers: Int
    let logger: Logger

    /// Until cancelled, which shuts the queue down.
    func run(
        after ready: @escaping @Sendable () async -> Void,
        _ reconcile: @escaping @Sendable (String) async throws -> Duration?
    ) async {
        let queue = self.queue
        await withTaskCancellationHandler {
            await work(after: ready, reconcile)
        } onCancel: {
            Task { await queue.shutDown() }
        }
    }

    /// Once every informer has listed.
    func run(
        waitingFor informers: [Informer], _ reconcile: @escaping @Sendable (String) async throws -> Duration?
    ) async {
        await run(after: { for informer in informers { await informer.waitForSync() } }, reconcile)
    }

    private func work(
        after ready: @escaping @Sendable () async -> Void,
        _ reconcile: @escaping @Sendable (String) async throws -> Duration?
    ) async {
        await ready()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while let key = await queue.next() {
                        do {
                            let again = try await reconcile(key)
                            await queue.forget(key)
                            if let again { requeue(key, after: again) }
                        } catch {
                            logger.debug("\(name) will retry", metadata: ["key": "\(key)", "error": "\(error)"])
                            await queue.retry(key)
                        }
                        await queue.done(key)
                    }
                }
            }
        }
    }

    func requeue(_ key: String, after delay: Duration) {
        Task {
            try? await Task.sleep(for: delay)
            await queue.add(key)
        }
    }
}
