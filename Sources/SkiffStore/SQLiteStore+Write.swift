import Foundation
import GRDB
import SkiffAPI

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

    /// One write, run on GRDB's serial writer queue: check against the cache (which only this
    /// queue changes), commit, then update the cache and notify watchers — in that order, so a
    /// watcher never sees a change that is not durable, and sees changes in revision order.
    private func write(
        key: String, kind: WatchEvent.Kind, decide: @escaping @Sendable (StoredObject?) throws(SkiffError) -> JSON
    ) async throws(SkiffError) -> StoredObject {
        do {
            return try await database.writeWithoutTransaction { db in
                let (existing, revision) = self.state.withLock { ($0.objects[key], $0.revision) }
                var object = try decide(existing)
                let next = revision + 1
                object[path: ["metadata", "resourceVersion"]] = .string(String(next))
                let stored = StoredObject(key: key, revision: next, data: StoredObject.compact(object.serialized()))
                let data = Data(stored.data)
                try db.inTransaction {
                    if kind == .deleted {
                        try db.execute(sql: "DELETE FROM objects WHERE key = ?", arguments: [key])
                    } else {
                        try db.execute(
                            sql: "INSERT OR REPLACE INTO objects (key, revision, data) VALUES (?, ?, ?)",
                            arguments: [key, next, data])
                    }
                    try db.execute(
                        sql: "INSERT INTO history (revision, kind, key, data) VALUES (?, ?, ?, ?)",
                        arguments: [next, kind.rawValue, key, data])
                    try db.execute(sql: "UPDATE meta SET value = ? WHERE name = 'revision'", arguments: [next])
                    return .commit
                }
                self.publish(WatchEvent(kind: kind, object: stored, previous: existing))
                try self.compactIfNeeded(db)
                return stored
            }
        } catch let error as SkiffError {
            throw error
        } catch {
            throw SkiffError.internalError("store write of \(key) failed: \(error)")
        }
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
