import Foundation
import SkiffAPI
import SkiffClient
import Testing

@Suite("crash recovery")
struct CrashRecoveryTests {
    @Test("kill -9 during a stream of writes loses no acknowledged write and the store reopens clean")
    func killDuringWrites() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let cm = Resources.named("cm")
            let acknowledged = Acknowledged()
            let writer = Task {
                for i in 0..<100_000 {
                    let object: JSON = [
                        "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string("c\(i)")],
                        "data": ["i": .string("\(i)")],
                    ]
                    do {
                        _ = try await client.create(cm, namespace: "default", object: object)
                        await acknowledged.add("c\(i)")
                    } catch {
                        return
                    }
                }
            }
            while await acknowledged.count < 50 { try await Task.sleep(for: .milliseconds(5)) }
            master.kill9()
            _ = await writer.value
            let written = await acknowledged.names
            #expect(written.count >= 50)

            try await master.start()
            let after = try master.socketClient()
            let stored = Set(
                try await after.list(cm, namespace: "default").items.compactMap {
                    $0[path: ["metadata", "name"]]?.string
                })
            let lost = written.subtracting(stored)
            #expect(lost.isEmpty, "acknowledged but lost: \(lost.sorted().prefix(10))")
            // The store takes new writes after recovery, with a newer revision.
            let next = try await after.create(
                cm, namespace: "default",
                object: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "after"]])
            #expect((Int(next[path: ["metadata", "resourceVersion"]]?.string ?? "0") ?? 0) > written.count)
        }
    }
}

actor Acknowledged {
    var names: Set<String> = []
    var count: Int { names.count }
    func add(_ name: String) { names.insert(name) }
}
