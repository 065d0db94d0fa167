import SkiffAPI

/// One object as stored: its key, the revision of its last write and its JSON bytes, with
/// `metadata.resourceVersion` already set to that revision.
public struct StoredObject: Sendable, Equatable {
    public var key: String
    /// Revision of the last write; the object's `resourceVersion`.
    public var revision: Int64
    public var data: [UInt8]

    public init(key: String, revision: Int64, data: [UInt8]) {
        self.key = key
        self.revision = revision
        self.data = data
    }

    /// A copy of `bytes` with exactly their size as capacity. Serialising grows its buffer by
    /// doubling; the store keeps every object for the master's lifetime, so the slack would
    /// cost up to twice the data's size.
    static func compact(_ bytes: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: bytes)
        }
    }

    public func decode() throws(SkiffError) -> JSON {
        do {
            return try JSON.parse(data)
        } catch {
            throw SkiffError.internalError("stored object \(key) is corrupt: \(error)")
        }
    }
}

/// A change, in revision order. For `deleted`, `object` is the last state, carrying the
/// deletion's revision as its resourceVersion (as Kubernetes reports it).
public struct WatchEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }
    public var kind: Kind
    public var object: StoredObject
    /// The state before this write, when known (not for events replayed after a restart).
    /// Filtered watches need it to turn a change that leaves the filter into DELETED.
    public var previous: StoredObject?

    public init(kind: Kind, object: StoredObject, previous: StoredObject? = nil) {
        self.kind = kind
        self.object = object
        self.previous = previous
    }
}

/// What a watch yields: events, or the end of history it started from (410 Gone).
public enum WatchUpdate: Sendable, Equatable {
    case event(WatchEvent)
    /// The watcher fell too far behind; the stream ends after this. Clients re-list.
    case tooSlow
}

/// A versioned key-value store shaped like etcd as Kubernetes uses it: one global revision,
/// compare-and-swap writes, watch from a revision, compaction.
///
/// `SQLiteStore` is the embedded default; an etcd backend can implement the same protocol
/// without callers changing.
public protocol Store: Sendable {
    /// The revision of the newest write.
    var currentRevision: Int64 { get }

    /// Fails with AlreadyExists when the key exists. Sets `metadata.resourceVersion`.
    func create(key: String, object: JSON) async throws(SkiffError) -> StoredObject

    /// Replaces the object. With `expectedRevision`, fails with Conflict unless it matches.
    /// NotFound when the key does not exist.
    func update(key: String, object: JSON, expectedRevision: Int64?) async throws(SkiffError) -> StoredObject

    /// Removes the object and returns its last state. CAS as for update.
    func delete(key: String, expectedRevision: Int64?) async throws(SkiffError) -> StoredObject

    func get(key: String) -> StoredObject?

    /// Every object whose key starts with `prefix`, in key order, and the revision they reflect.
    func list(prefix: String) -> (objects: [StoredObject], revision: Int64)

    /// Changes after `revision` under `prefix`, then live changes. Throws Gone (410) when
    /// `revision` is older than the history window.
    func watch(prefix: String, after revision: Int64) throws(SkiffError) -> AsyncStream<WatchUpdate>
}

extension SkiffError {
    static func conflict(_ key: String, expected: Int64, actual: Int64) -> SkiffError {
        SkiffError(
            .conflict,
            "the object has been modified; please apply your changes to the latest version and try again "
                + "(resourceVersion \(expected) is stale, the stored version is \(actual))")
    }

    public static func expired(_ revision: Int64, oldest: Int64) -> SkiffError {
        SkiffError(.gone, "too old resource version: \(revision) (\(oldest))")
    }
}
