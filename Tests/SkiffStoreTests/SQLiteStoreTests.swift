import Foundation
import Logging
import SkiffAPI
import Testing

@testable import SkiffStore

/// A store in a fresh temp directory, removed afterwards.
func withStore<T>(
    historyLimit: Int = 10_000, _ body: (SQLiteStore, String) async throws -> T
) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var config = SQLiteStore.Configuration()
    config.historyLimit = historyLimit
    let path = dir.appendingPathComponent("state.db").path
    let store = try SQLiteStore(path: path, configuration: config, logger: Logger(label: "test"))
    return try await body(store, path)
}

func pod(_ name: String, _ extra: JSON = .null) -> JSON {
    var o: JSON = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "namespace": "default"]]
    if !extra.isNull { o["spec"] = extra }
    return o
}

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test("every write takes the next global revision and sets resourceVersion to it")
    func revisions() async throws {
        try await withStore { store, _ in
            let a = try await store.create(key: "/registry/pods/default/a", object: pod("a"))
            let b = try await store.create(key: "/registry/pods/default/b", object: pod("b"))
            let a2 = try await store.update(key: a.key, object: pod("a", ["x": 1]), expectedRevision: a.revision)
            #expect(a.revision == 1)
            #expect(b.revision == 2)
            #expect(a2.revision == 3)
            #expect(try a2.decode()[path: ["metadata", "resourceVersion"]] == "3")
            #expect(store.currentRevision == 3)
        }
    }

    @Test("create of an existing key fails with AlreadyExists and writes nothing")
    func createExisting() async throws {
        try await withStore { store, _ in
            _ = try await store.create(key: "/k", object: pod("a"))
            await #expect(throws: SkiffError.self) { _ = try await store.create(key: "/k", object: pod("b")) }
            do {
                _ = try await store.create(key: "/k", object: pod("b"))
            } catch {
                #expect((error as? SkiffError)?.code == .alreadyExists)
            }
            #expect(store.currentRevision == 1)
            #expect(try store.get(key: "/k")?.decode()[path: ["metadata", "name"]] == "a")
        }
    }

    @Test("update and delete with a stale resourceVersion fail with Conflict; without one they succeed")
    func compareAndSwap() async throws {
        try await withStore { store, _ in
            let a = try await store.create(key: "/k", object: pod("a"))
            _ = try await store.update(key: "/k", object: pod("a", ["v": 2]), expectedRevision: a.revision)
            do {
                _ = try await store.update(key: "/k", object: pod("a", ["v": 3]), expectedRevision: a.revision)
                Issue.record("stale update succeeded")
            } catch {
                #expect((error as? SkiffError)?.code == .conflict)
            }
            do {
                _ = try await store.delete(key: "/k", expectedRevision: a.revision)
                Issue.record("stale delete succeeded")
            } catch {
                #expect((error as? SkiffError)?.code == .conflict)
            }
            let unconditional = try await store.update(key: "/k", object: pod("a", ["v": 4]), expectedRevision: nil)
            #expect(unconditional.revision == 3)
            let deleted = try await store.delete(key: "/k", expectedRevision: nil)
            #expect(deleted.revision == 4)
            #expect(store.get(key: "/k") == nil)
            do {
                _ = try await store.update(key: "/k", object: pod("a"), expectedRevision: nil)
                Issue.record("update of a missing key succeeded")
            } catch {
                #expect((error as? SkiffError)?.code == .notFound)
            }
        }
    }

    @Test("list returns objects under a prefix in key order with the current revision")
    func listPrefix() async throws {
        try await withStore { store, _ in
            _ = try await store.create(key: "/registry/pods/ns2/b", object: pod("b"))
            _ = try await store.create(key: "/registry/pods/ns1/a", object: pod("a"))
            _ = try await store.create(key: "/registry/services/ns1/a", object: pod("s"))
            let all = store.list(prefix: "/registry/pods/")
            #expect(all.objects.map(\.key) == ["/registry/pods/ns1/a", "/registry/pods/ns2/b"])
            #expect(all.revision == 3)
            #expect(store.list(prefix: "/registry/pods/ns1/").objects.count == 1)
        }
    }

    @Test("watch replays changes after a revision, then delivers live ones, filtered by prefix")
    func watchFromRevision() async throws {
        try await withStore { store, _ in
            let a = try await store.create(key: "/registry/pods/d/a", object: pod("a"))
            _ = try await store.update(key: a.key, object: pod("a", ["v": 1]), expectedRevision: nil)
            _ = try await store.create(key: "/registry/services/d/x", object: pod("x"))
            let stream = try store.watch(prefix: "/registry/pods/", after: a.revision)
            _ = try await store.delete(key: a.key, expectedRevision: nil)
            var seen: [String] = []
            for await update in stream {
                guard case .event(let e) = update else { break }
                seen.append("\(e.kind.rawValue)@\(e.object.revision)")
                if seen.count == 2 { break }
            }
            #expect(seen == ["MODIFIED@2", "DELETED@4"])
        }
    }

    @Test("a watch from a compacted revision fails with 410 Gone")
    func watchExpired() async throws {
        try await withStore(historyLimit: 10) { store, _ in
            for i in 0..<30 { _ = try await store.create(key: "/k/\(i)", object: pod("p\(i)")) }
            #expect(throws: SkiffError.self) { _ = try store.watch(prefix: "/k/", after: 1) }
            do {
                _ = try store.watch(prefix: "/k/", after: 1)
            } catch {
                #expect((error as? SkiffError)?.code == .gone)
                #expect((error as? SkiffError)?.code.httpStatus == 410)
            }
            // The newest revisions are still served.
            _ = try store.watch(prefix: "/k/", after: store.currentRevision - 5)
        }
    }

    @Test("objects, revision and history survive reopening the database")
    func reopen() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        do {
            let store = try SQLiteStore(path: path, logger: Logger(label: "t"))
            _ = try await store.create(key: "/a", object: pod("a"))
            _ = try await store.create(key: "/b", object: pod("b"))
            _ = try await store.delete(key: "/a", expectedRevision: nil)
        }
        let store = try SQLiteStore(path: path, logger: Logger(label: "t"))
        #expect(store.currentRevision == 3)
        #expect(store.get(key: "/a") == nil)
        #expect(store.get(key: "/b")?.revision == 2)
        let c = try await store.create(key: "/c", object: pod("c"))
        #expect(c.revision == 4)
        let stream = try store.watch(prefix: "/", after: 1)
        var kinds: [String] = []
        for await update in stream {
            guard case .event(let e) = update else { break }
            kinds.append(e.kind.rawValue)
            if kinds.count == 3 { break }
        }
        #expect(kinds == ["ADDED", "DELETED", "ADDED"])
    }

    @Test("concurrent writers each get a distinct revision and watchers see them in order")
    func concurrentWrites() async throws {
        try await withStore { store, _ in
            let stream = try store.watch(prefix: "/c/", after: 0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<50 {
                    group.addTask { _ = try await store.create(key: "/c/\(i)", object: pod("p\(i)")) }
                }
                try await group.waitForAll()
            }
            var revisions: [Int64] = []
            for await update in stream {
                guard case .event(let e) = update else { break }
                revisions.append(e.object.revision)
                if revisions.count == 50 { break }
            }
            #expect(revisions == Array(1...50))
        }
    }

    @Test(
        "writes batched into one commit keep CAS: of 20 updates from one revision exactly one wins, and a batch sees its own earlier writes"
    )
    func groupCommitKeepsCompareAndSwap() async throws {
        try await withStore { store, path in
            let base = try await store.create(key: "/g/x", object: pod("x"))
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await store.update(
                                key: "/g/x", object: pod("x", ["n": .int(Int64(i))]), expectedRevision: base.revision)
                            return true
                        } catch let error as SkiffError where error.code == .conflict {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            // Create, delete and create again of one key, all in flight together: each sees the
            // one before, whichever batch it lands in.
            async let first = store.create(key: "/g/y", object: pod("y"))
            _ = try await first
            async let deleted = store.delete(key: "/g/y", expectedRevision: nil)
            async let other = store.create(key: "/g/z", object: pod("z"))
            _ = try await (deleted, other)
            let again = try await store.create(key: "/g/y", object: pod("y"))
            #expect(store.get(key: "/g/y")?.revision == again.revision)
            // What was acknowledged is on disk.
            let reopened = try SQLiteStore(path: path, logger: Logger(label: "test"))
            #expect(reopened.currentRevision == store.currentRevision)
            #expect(reopened.get(key: "/g/x")?.revision == store.get(key: "/g/x")?.revision)
            #expect(reopened.get(key: "/g/z") != nil)
        }
    }
}
