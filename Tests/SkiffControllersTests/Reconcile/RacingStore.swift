import SkiffAPI
import SkiffStore
import Synchronization

/// A store in front of the real one that plays a second writer: just before chosen updates it
/// rewrites the same object unchanged, so the update's expected revision is stale and the real
/// store refuses it with a genuine Conflict, as when another client won the race. A client's
/// PUT then gets 409 and must retry; a patch is retried inside the API server.
final class RacingStore: Store {
    let base: any Store
    /// Per key prefix, how many races are left to lose; and the keys that lost one.
    let budget: Mutex<(left: [String: Int], raced: [String])>

    init(_ base: any Store, racing budgets: [String: Int]) {
        self.base = base
        self.budget = Mutex((budgets, []))
    }

    var raced: [String] { budget.withLock { $0.raced } }

    var currentRevision: Int64 { base.currentRevision }

    func create(key: String, object: JSON) async throws(SkiffError) -> StoredObject {
        try await base.create(key: key, object: object)
    }

    func update(key: String, object: JSON, expectedRevision: Int64?) async throws(SkiffError) -> StoredObject {
        let race =
            expectedRevision != nil
            && budget.withLock { b in
                guard let prefix = b.left.keys.first(where: { key.hasPrefix($0) }), b.left[prefix, default: 0] > 0
                else { return false }
                b.left[prefix, default: 0] -= 1
                b.raced.append(key)
                return true
            }
        if race, let current = base.get(key: key) {
            _ = try await base.update(key: key, object: try current.decode(), expectedRevision: nil)
        }
        return try await base.update(key: key, object: object, expectedRevision: expectedRevision)
    }

    func delete(key: String, expectedRevision: Int64?) async throws(SkiffError) -> StoredObject {
        try await base.delete(key: key, expectedRevision: expectedRevision)
    }

    func get(key: String) -> StoredObject? { base.get(key: key) }

    func list(prefix: String) -> (objects: [StoredObject], revision: Int64) { base.list(prefix: prefix) }

    func watch(prefix: String, after revision: Int64) throws(SkiffError) -> AsyncStream<WatchUpdate> {
        try base.watch(prefix: prefix, after: revision)
    }
}
