import Foundation
import Logging
import SkiffAPI
import Testing

@testable import SkiffStore

@Suite("Object table and in-memory store")
struct ObjectTableTests {
    func object(_ key: String) -> StoredObject { StoredObject(key: key, revision: 1, data: Array(key.utf8)) }

    @Test("a prefix lists exactly the keys under it, within one resource or across all; deletes leave no trace")
    func prefixes() {
        var table = ObjectTable()
        let keys = [
            "/registry/pods/default/a", "/registry/pods/default/b", "/registry/pods/kube-system/a",
            "/registry/podtemplates/default/a", "/registry/nodes/n1", "/short",
        ]
        for key in keys { table[key] = object(key) }
        #expect(table.count == 6)
        func listed(_ prefix: String) -> [String] { table.objects(withPrefix: prefix).map(\.key).sorted() }
        #expect(listed("/registry/pods/") == keys[0...2].sorted())
        #expect(listed("/registry/pods/default/") == ["/registry/pods/default/a", "/registry/pods/default/b"])
        // A prefix shorter than a resource reaches across resources (pods and podtemplates).
        #expect(listed("/registry/pod") == keys[0...3].sorted())
        #expect(listed("/") == keys.sorted())
        #expect(listed("/registry/services/").isEmpty)
        table["/registry/pods/default/a"] = nil
        table["/registry/pods/default/missing"] = nil
        #expect(table.count == 5)
        #expect(table["/registry/pods/default/a"] == nil)
        #expect(listed("/registry/pods/default/") == ["/registry/pods/default/b"])
        table["/registry/pods/default/b"] = object("/registry/pods/default/b")
        #expect(table.count == 5)
    }

    @Test("the in-memory store keeps compare-and-swap, lists and watches like the one on disk")
    func inMemory() async throws {
        let store = try SQLiteStore(inMemory: .init(), logger: Logger(label: "test"))
        let created = try await store.create(key: "/registry/pods/default/x", object: pod("x"))
        let stream = try store.watch(prefix: "/registry/pods/", after: created.revision)
        await #expect(throws: SkiffError.self) {
            _ = try await store.update(key: "/registry/pods/default/x", object: pod("x"), expectedRevision: 99)
        }
        let updated = try await store.update(
            key: "/registry/pods/default/x", object: pod("x", ["n": 1]), expectedRevision: created.revision)
        #expect(store.list(prefix: "/registry/pods/default/").objects.map(\.revision) == [updated.revision])
        for await update in stream {
            guard case .event(let event) = update else { break }
            #expect(event.kind == .modified && event.object.revision == updated.revision)
            break
        }
    }
}
