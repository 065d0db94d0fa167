import Foundation
import Logging
import SkiffAPI
import SkiffClient
import Testing

@Suite("informer and work queue")
struct InformerTests {
    @Test("the informer lists, then follows changes into its cache and enqueues each changed key")
    func informerFollowsChanges() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let pods = Resources.named("pods")
            _ = try await client.create(pods, namespace: "default", object: podManifest("before", unscheduled: true))
            let informer = Informer(client: client, info: pods, logger: Logger(label: "test"))
            let queue = WorkQueue()
            await informer.feed(queue)
            let run = Task { await informer.run() }
            defer { run.cancel() }
            await informer.waitForSync()
            #expect(await queue.next() == "default/before")
            await queue.done("default/before")

            _ = try await client.create(pods, namespace: "default", object: podManifest("after", unscheduled: true))
            #expect(await queue.next() == "default/after")
            await queue.done("default/after")
            #expect(await informer.get("default/after")?[path: ["metadata", "name"]] == "after")

            try await client.delete(pods, namespace: "default", name: "before")
            #expect(await queue.next() == "default/before")
            #expect(await informer.get("default/before") == nil)
            #expect(await informer.listCount == 1)
        }
    }

    @Test("a key is never handed out twice at once, and one added while in work comes back after done")
    func queueSemantics() async throws {
        let queue = WorkQueue()
        await queue.add("a")
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.count == 2)
        #expect(await queue.next() == "a")
        await queue.add("a")  // while "a" is in work
        #expect(await queue.next() == "b")
        await queue.done("b")
        #expect(await queue.count == 0)
        await queue.done("a")
        #expect(await queue.next() == "a")
        await queue.done("a")
        await queue.retry("a")
        #expect(await queue.failureCount("a") == 1)
        #expect(await queue.next() == "a")  // after its back-off
        await queue.forget("a")
        #expect(await queue.failureCount("a") == 0)
    }
}
