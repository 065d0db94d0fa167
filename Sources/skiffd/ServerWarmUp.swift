import Foundation
import Glibc
import SkiffLinux

/// The API server's first connection, made with plain syscalls before the controllers' HTTP
/// client starts. Swift 6.3.1's runtime crashed once (CI, a null metadata pointer in
/// `swift_conformsToProtocol`) while one event loop set up the server's first pipeline and
/// another set up the client's connection pool, both instantiating generic metadata for the
/// first time. Serving one request first means the server's types exist before the client's
/// are made.
enum ServerWarmUp {
    /// Until the socket answers (at most ~30 s; the controllers then start regardless). True
    /// once the API server answered.
    @discardableResult
    static func firstRequest(socket: String) async -> Bool {
        for _ in 0..<300 {
            if answered(socket) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    static func answered(_ socket: String) -> Bool {
        guard let fd = try? UnixSocket.connect(socket, timeoutSeconds: 2) else { return false }
        defer { close(fd) }
        UnixSocket.setTimeout(fd, seconds: 5)
        let request = Array("GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == request.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return count > 0 && String(decoding: buffer.prefix(count), as: UTF8.self).hasPrefix("HTTP/1.1 200")
    }
}
