import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import SkiffAPI
import SkiffMemory
import SkiffStore

/// `skiffd master`: the store, the API on a Unix socket and on HTTPS, and the master's own
/// controllers, run as one ServiceGroup that shuts down gracefully on SIGTERM/SIGINT.
public struct Master {
    public struct Configuration: Sendable {
        public var dataDirectory: URL
        /// Defaults to `DATA/api.sock`.
        public var socketPath: String?
        public var listenHost = "127.0.0.1"
        /// 0 picks a free port; the kubeconfig names the one bound.
        public var listenPort = 6443

        public init(dataDirectory: URL) { self.dataDirectory = dataDirectory }

        public var resolvedSocketPath: String { socketPath ?? dataDirectory.appendingPathComponent("api.sock").path }
    }

    let configuration: Configuration
    let logger: Logger
    /// Extra services run in the same group: the scheduler and the controllers.
    public var services: [any Service] = []

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        MemoryTrimmer.limitArenas()
        let dir = configuration.dataDirectory
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: dir.appendingPathComponent("state.db").path, logger: logger)
        let server = APIServer(store: store, logger: logger)
        let credentials = try Credentials.loadOrCreate(in: dir)

        let logger = self.logger
        let unixApp = try server.unixSocketService(path: configuration.resolvedSocketPath, logger: logger)

        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(credentials.certificatePEM.utf8)).map {
                .certificate($0)
            },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(credentials.privateKeyPEM.utf8), format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        let kubeconfigPath = dir.appendingPathComponent("kubeconfig")
        let tcpApp = Application(
            responder: HTTPFrontend(server: server, requiredToken: credentials.token),
            server: try .tls(
                RemoteCommandChannel.builder(server: server, requiredToken: credentials.token), tlsConfiguration: tls),
            configuration: .init(
                address: .hostname(configuration.listenHost, port: configuration.listenPort), serverName: "skiff"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                // Written only once the port is bound, so a client that finds it can connect.
                let temp = kubeconfigPath.appendingPathExtension("tmp")
                do {
                    try credentials.kubeconfig(port: port).write(to: temp, atomically: false, encoding: .utf8)
                    chmod(temp.path, 0o600)
                    _ = rename(temp.path, kubeconfigPath.path)
                } catch {
                    logger.error("cannot write kubeconfig", metadata: ["error": "\(error)"])
                }
                logger.info(
                    "serving", metadata: ["listen.https": "127.0.0.1:\(port)", "kubeconfig": "\(kubeconfigPath.path)"])
            },
            logger: logger)

        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: unixApp), .init(service: tcpApp),
                    .init(service: NamespaceController(server: server, logger: logger)),
                    .init(service: MemoryTrimmer { store.currentRevision }),
                ] + services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
