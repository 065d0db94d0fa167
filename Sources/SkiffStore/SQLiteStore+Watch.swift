import SkiffAPI

extension SQLiteStore {
    public func watch(prefix: String, after revision: Int64) throws(SkiffError) -> AsyncStream<WatchUpdate> {
        let (stream, continuation) = AsyncStream<WatchUpdate>.makeStream(
            bufferingPolicy: .bufferingOldest(configuration.watcherBuffer))
        // Replay and registration happen under one lock, so no write can fall between them.
        let result: SkiffError? = state.withLock { s in
            if revision < s.compacted { return SkiffError.expired(revision, oldest: s.compacted) }
            for event in s.history where event.object.revision > revision && event.object.key.hasPrefix(prefix) {
                if case .dropped = continuation.yield(.event(event)) {
                    _ = continuation.yield(.tooSlow)
                    continuation.finish()
                    return nil
                }
            }
            let id = s.nextSubscriber
            s.nextSubscriber += 1
            s.subscribers[id] = Subscriber(prefix: prefix, continuation: continuation)
            continuation.onTermination = { [weak self] _ in
                self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
            }
            return nil
        }
        if let result { throw result }
        return stream
    }

    /// Applies a committed event to the cache and history, and hands it to every watcher of
    /// its prefix. A watcher whose buffer is full is ended (it re-lists), never silently skipped.
    func publish(_ event: WatchEvent) {
        // Ending a stream runs its onTermination, which takes the lock: end slow ones outside it.
        let slow: [Subscriber] = state.withLock { s in
            let key = event.object.key
            if event.kind == .deleted {
                s.objects[key] = nil
            } else {
                s.objects[key] = event.object
            }
            s.revision = event.object.revision
            s.history.append(event)
            var slow: [UInt64] = []
            for (id, subscriber) in s.subscribers where key.hasPrefix(subscriber.prefix) {
                if case .dropped = subscriber.continuation.yield(.event(event)) { slow.append(id) }
            }
            return slow.compactMap { s.subscribers.removeValue(forKey: $0) }
        }
        for subscriber in slow {
            _ = subscriber.continuation.yield(.tooSlow)
            subscriber.continuation.finish()
        }
    }
}
