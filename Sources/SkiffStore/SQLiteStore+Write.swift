import Foundation
import GRDB
import SkiffAPI
import Synchronization

extension SQLiteStore {
    public func create(key: String, object: JSON) async throws(SkiffError) -> StoredObject {
        try await write(key: key, kind: .added) { (existing: StoredObject?) throws(SkiffError) -> JSON in
            if existing != nil { throw SkiffError(.alreadyExists, "\(key) already exists") }
            return object
        }
    }

    public func update(key: String, object: JSON, expectedRevision: Int64?) async throws(SkiffError) -> StoredObject {
        try await write(key: key, kind: .modified) { (existing: StoredObject?) throws(SkiffError) -> JSON in
            guard let existing else { throw SkiffError(.notFound, "\(key) not found") }
            if let expectedRevision, expectedRevision != existing.revision {
                throw SkiffError.conflict(key, expected: expectedRevision, actual: existing.revision)
            }
            return object
        }
    }

    public func delete(key: String, expectedRevision: Int64?) async throws(SkiffError) -> StoredObject {
        try await write(key: key, kind: .deleted) { (existing: StoredObject?) throws(SkiffError) -> JSON in
            guard let existing else { throw SkiffError(.notFound, "\(key) not found") }
            if let expectedRevision, expectedRevision != existing.revision {
                throw SkiffError.conflict(key, expected: expectedRevision, actual: existing.revision)
            }
            return try existing.decode()
        }
    }

    /// Queues one write for the next commit and waits for its outcome. A write is answered only
    /// after its commit is durable, and its watchers are told in revision order.
    private func write(
        key: String, kind: WatchEvent.Kind, decide: @escaping @Sendable (StoredObject?) throws(SkiffError) -> JSON
    ) async throws(SkiffError) -> StoredObject {
        let outcome: Result<StoredObject, SkiffError> = await withCheckedContinuation { continuation in
            let startFlushing = pendingWrites.withLock { queue in
                queue.writes.append(PendingWrite(key: key, kind: kind, decide: decide, continuation: continuation))
                defer { queue.flushing = true }
                return !queue.flushing
            }
            if startFlushing { database.asyncWriteWithoutTransaction { db in self.flushPendingWrites(db) } }
        }
        return try outcome.get()
    }

    /// Group commit, on GRDB's writer queue: every write queued meanwhile goes into one
    /// transaction, so N concurrent writers pay for one fsync instead of N (etcd batches its
    /// backend commits the same way). Each write is decided against the state its predecessors
    /// in the batch left, so compare-and-swap means exactly what it does one write at a time.
    private func flushPendingWrites(_ db: Database) {
        while true {
            let batch: [PendingWrite] = pendingWrites.withLock { queue in
                if queue.writes.isEmpty { queue.flushing = false }
                defer { queue.writes = [] }
                return queue.writes
            }
            if batch.isEmpty { return }
            commit(batch, db)
        }
    }

    private func commit(_ batch: [PendingWrite], _ db: Database) {
        var revision = state.withLock { $0.revision }
        // Keys this batch already wrote: nil for one it deleted.
        var written: [String: StoredObject?] = [:]
        var outcomes: [Result<StoredObject, SkiffError>] = []
        var events: [WatchEvent] = []
        for write in batch {
            let existing = written[write.key] ?? state.withLock { $0.objects[write.key] }
            do throws(SkiffError) {
                var object = try write.decide(existing)
                revision += 1
                object[path: ["metadata", "resourceVersion"]] = .string(String(revision))
                let stored = StoredObject(
                    key: write.key, revision: revision, data: StoredObject.compact(object.serialized()))
                written[write.key] = write.kind == .deleted ? .some(nil) : stored
                events.append(WatchEvent(kind: write.kind, object: stored, previous: existing))
                outcomes.append(.success(stored))
            } catch {
                outcomes.append(.failure(error))
            }
        }
        if !events.isEmpty {
            do {
                try db.inTransaction {
                    for event in events { try Self.insert(event, db) }
                    try db.cachedStatement(sql: "UPDATE meta SET value = ? WHERE name = 'revision'")
                        .execute(arguments: [revision])
                    return .commit
                }
            } catch {
                // Nothing of the batch is durable, so nothing of it is published. Every write
                // fails, refusals too: a refusal may rest on a predecessor that was rolled back
                // (a second create of a key the first never stored), and a client must not take
                // it as settled.
                let failure = SkiffError.internalError("store write failed: \(error)")
                outcomes = outcomes.map { _ in .failure(failure) }
                events = []
            }
        }
        for event in events { publish(event) }
        do {
            try compactIfNeeded(db)
        } catch {
            logger.warning("cannot compact the store's history", metadata: ["error": "\(error)"])
        }
        for (write, outcome) in zip(batch, outcomes) { write.continuation.resume(returning: outcome) }
    }

    /// Cached statements: preparing the same SQL on every write was a tenth of a write's cost.
    private static func insert(_ event: WatchEvent, _ db: Database) throws {
        let data = Data(event.object.data)
        if event.kind == .deleted {
            try db.cachedStatement(sql: "DELETE FROM objects WHERE key = ?").execute(arguments: [event.object.key])
        } else {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO objects (key, revision, data) VALUES (?, ?, ?)")
                .execute(arguments: [event.object.key, event.object.revision, data])
        }
        try db.cachedStatement(sql: "INSERT INTO history (revision, kind, key, data) VALUES (?, ?, ?, ?)")
            .execute(arguments: [event.object.revision, event.kind.rawValue, event.object.key, data])
    }

    /// Keeps the history window bounded: once it holds 10% more than the limit, the oldest
    /// events go, in one statement (deleting one row per write would double the write cost).
    private func compactIfNeeded(_ db: Database) throws {
        let limit = configuration.historyLimit
        let cut: Int64? = state.withLock { s in
            guard s.history.count > limit + limit / 10 else { return nil }
            let drop = s.history.count - limit
            let newCompacted = s.history[drop - 1].object.revision
            s.history.removeFirst(drop)
            s.compacted = newCompacted
            return newCompacted
        }
        guard let cut else { return }
        try db.inTransaction {
            try db.execute(sql: "DELETE FROM history WHERE revision <= ?", arguments: [cut])
            try db.execute(sql: "UPDATE meta SET value = ? WHERE name = 'compacted'", arguments: [cut])
            return .commit
        }
    }
}
