import Foundation
import Glibc
import SkiffLinux
import Testing

@testable import SkiffAgent

/// The agent hears a supervisor's datagram (sent from an unbound socket, as skiff-init does)
/// as the pod's key, and ignores what is not a key.
@Suite("supervisor notifications")
struct SupervisorNotificationsTests {
    @Test("a datagram from an unbound socket arrives as the pod key; junk is dropped")
    func receivesKeys() async throws {
        let path = NSTemporaryDirectory() + "notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        defer { unlink(path) }
        let (keys, continuation) = AsyncStream<String>.makeStream()
        let notifications = try SupervisorNotifications(path: path) { continuation.yield($0) }
        defer { notifications.stop() }
        for message in ["not a key\n", "a/b/c\n", "default/web-0\n"] {
            #expect(UnixSocket.sendDatagram(Array(message.utf8), to: path))
        }
        var iterator = keys.makeAsyncIterator()
        #expect(await iterator.next() == "default/web-0")
    }
}
