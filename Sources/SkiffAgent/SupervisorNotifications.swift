import Foundation
import Glibc
import SkiffLinux

/// The agent's end of the supervisors' notifications: each `skiff-init pod` sends a datagram
/// holding its pod's key (`namespace/name`) to the agent's `notify.sock` when one of its
/// containers, or its sandbox, exits. An exit thus reaches status at once, and the agent need
/// not ask every supervisor every second (the periodic resync is only a safety net). A
/// datagram sent while the agent is down is lost, which costs nothing: a starting agent syncs
/// every pod.
///
/// A thread of its own blocks in recv: NIO's datagram channel refuses datagrams from unbound
/// Unix sockets ("unsupported" address), and an unbound socket is what a supervisor sends from.
final class SupervisorNotifications: Sendable {
    let fd: Int32

    /// Binds `path` (replacing a stale socket file) and calls `onKey` for each notification.
    init(path: String, onKey: @escaping @Sendable (String) -> Void) throws {
        let fd = try UnixSocket.bindDatagram(path)
        self.fd = fd
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }  // shut down
                if let key = Self.key(buffer[0..<n]) { onKey(key) }
            }
            Glibc.close(fd)
        }
        thread.start()
    }

    /// A key is `namespace/name`; anything else is not from a supervisor.
    static func key(_ bytes: ArraySlice<UInt8>) -> String? {
        let key = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return key.split(separator: "/", omittingEmptySubsequences: false).count == 2 ? key : nil
    }

    /// Ends the receiving thread (shutdown wakes its recv), which closes the socket.
    func stop() { shutdown(fd, Int32(SHUT_RDWR)) }
}
