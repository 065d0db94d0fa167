import Foundation
import GRDB
import Logging
import SkiffAPI
import Synchronization

/// The embedded store: SQLite in WAL mode, with every object also held in memory.
///
/// Durability: `synchronous = FULL`. In WAL mode that fsyncs the log on every commit, so a write
/// acknowledged to a client survives a crash of the machine, not only of the process — the
/// promise etcd makes by fsyncing its log. `NORMAL` would be faster but may lose the last
/// commits on power loss, which would let a client see a write that later disappears.
///
/// Reads are served from memory (the whole data set is small: one box), writes go through
/// GRDB's single serial writer, which also orders cache updates and watch fan-out, so watchers
/// see exactly the commit order.
public final class SQLiteStore: Store {
    public struct Configuration: Sendable {
        /// How many past revisions a watch may start from.
        public var historyLimit: Int = 10_000
        /// How many undelivered events a watcher may have before it is dropped as too slow.
        public var watcherBuffer: Int = 10_000
        public init() {}
    }

    struct Subscriber {
        var prefix: String
        var continuation: AsyncStream<WatchUpdate>.Continuation
    }

    struct State {
        var objects = ObjectTable()
        var revision: Int64 = 0
        /// Events after `compacted`, oldest first.
        var history: [WatchEvent] = []
        /// Watches may start from any revision ≥ this.
        var compacted: Int64 = 0
        var subscribers: [UInt64: Subscriber] = [:]
        var nextSubscriber: UInt64 = 0
    }

    /// A write waiting for the next commit (see `flushPendingWrites`).
    struct PendingWrite {
        var key: String
        var kind: WatchEvent.Kind
        var decide: @Sendable (StoredObject?) throws(SkiffError) -> JSON
        var continuation: CheckedContinuation<Result<StoredObject, SkiffError>, Never>
    }

    struct WriteQueue {
        var writes: [PendingWrite] = []
        /// A flush is scheduled or running on the writer queue; it takes whatever arrives.
        var flushing = false
    }

    let database: DatabaseQueue
    let configuration: Configuration
    let logger: Logger
    let state = Mutex(State())
    let pendingWrites = Mutex(WriteQueue())

    public var currentRevision: Int64 { state.withLock { $0.revision } }

    /// Opens (creating if needed) `path`. SQLite recovers the WAL after a crash on open.
    public convenience init(path: String, configuration: Configuration = Configuration(), logger: Logger) throws {
        var config = GRDB.Configuration()
        config.journalMode = .wal
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Reads come from memory; SQLite's page cache only helps writes find B-tree pages.
            try db.execute(sql: "PRAGMA cache_size = -512")
        }
        try self.init(database: DatabaseQueue(path: path, configuration: config), configuration, logger)
    }

    /// A store whose SQLite database lives in memory and ends with it: the same code as on
    /// disk (batching, compare-and-swap, watches, history) for tests that script cluster states.
    public convenience init(inMemory configuration: Configuration = Configuration(), logger: Logger) throws {
        try self.init(database: DatabaseQueue(), configuration, logger)
    }

    private init(database: DatabaseQueue, _ configuration: Configuration, _ logger: Logger) throws {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        try migrate()
        try load()
    }

    private func migrate() throws {
        try database.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS objects (
                        key TEXT PRIMARY KEY NOT NULL, revision INTEGER NOT NULL, data BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS history (
                        revision INTEGER PRIMARY KEY NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
                        data BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                    INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0), ('compacted', 0);
                    """)
        }
    }

    private func load() throws {
        let loaded = try database.read { db in
            var s = State()
            for row in try Row.fetchAll(db, sql: "SELECT key, revision, data FROM objects") {
                let object = StoredObject(
                    key: row["key"], revision: row["revision"], data: [UInt8](row["data"] as Data))
                s.objects[object.key] = object
            }
            for row in try Row.fetchAll(db, sql: "SELECT revision, kind, key, data FROM history ORDER BY revision") {
                let kind = WatchEvent.Kind(rawValue: row["kind"]) ?? .modified
                let object = StoredObject(
                    key: row["key"], revision: row["revision"], data: [UInt8](row["data"] as Data))
                s.history.append(WatchEvent(kind: kind, object: object))
            }
            s.revision = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'revision'") ?? 0
            s.compacted = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE name = 'compacted'") ?? 0
            return s
        }
        state.withLock { $0 = loaded }
        logger.info(
            "store opened",
            metadata: ["store.objects": "\(loaded.objects.count)", "store.revision": "\(loaded.revision)"])
    }

    public func get(key: String) -> StoredObject? {
        state.withLock { $0.objects[key] }
    }

    public func list(prefix: String) -> (objects: [StoredObject], revision: Int64) {
        let (objects, revision) = state.withLock { s in
            (s.objects.objects(withPrefix: prefix), s.revision)
        }
        return (objects.sorted { $0.key < $1.key }, revision)
    }
}
