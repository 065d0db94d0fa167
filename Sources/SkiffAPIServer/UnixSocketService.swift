import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SkiffAPI

extension APIServer {
    /// The API on a Unix socket, as `skiffd master` serves it: no token (the socket's mode,
    /// 0660, is the access control), exec and attach upgrades included. Also what tests run
    /// in-process to drive controllers against a real API server.
    package func unixSocketService(path socket: String, logger: Logger) throws(SkiffError) -> some Service {
        guard socket.utf8.count < 108 else {
            throw SkiffError.badRequest(
                "socket path \(socket) is \(socket.utf8.count) bytes; Unix sockets allow 107: use a shorter --data-dir or --socket"
            )
        }
        // A socket file left by a killed master would make bind fail with EADDRINUSE.
        unlink(socket)
        return Application(
            responder: HTTPFrontend(server: self, requiredToken: nil),
            server: RemoteCommandChannel.builder(server: self, requiredToken: nil),
            configuration: .init(address: .unixDomainSocket(path: socket), serverName: "skiff"),
            onServerRunning: { _ in
                chmod(socket, 0o660)
                logger.info("serving", metadata: ["listen.socket": "\(socket)"])
            },
            logger: logger)
    }
}
