import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import SkiffAPI

/// `pods/exec` as kubectl ≥ 1.30 does it: a WebSocket with the `v5.channel.k8s.io` protocol
/// (shared/K8S-API.md §9). AsyncHTTPClient has no WebSocket, so this is NIO's client upgrader
/// on a plain connection to the endpoint (Unix socket, or TCP with the kubeconfig's CA).
extension APIClient {
    public struct ExecRequest: Sendable {
        public var namespace: String
        public var pod: String
        public var container: String?
        public var command: [String]
        public var stdin: Bool
        public var tty: Bool

        public init(namespace: String, pod: String, container: String?, command: [String], stdin: Bool, tty: Bool) {
            self.namespace = namespace
            self.pod = pod
            self.container = container
            self.command = command
            self.stdin = stdin
            self.tty = tty
        }
    }

    /// One open exec session: `input` takes stdin, resize and close-stdin frames; `output` has
    /// stdout, stderr and, last, the Status frame.
    public struct ExecSession: Sendable {
        public let input: AsyncStream<StreamFrame>.Continuation
        public let output: AsyncStream<StreamFrame>
    }

    enum ExecUpgrade: Sendable {
        case webSocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case refused
    }

    public func exec(_ request: ExecRequest) async throws(SkiffError) -> ExecSession {
        var query = request.command.map { ("command", $0) }
        if let container = request.container { query.append(("container", container)) }
        query += [("stdout", "true"), ("stderr", request.tty ? "false" : "true")]
        if request.stdin { query.append(("stdin", "true")) }
        if request.tty { query.append(("tty", "true")) }
        let uri =
            "/api/v1/namespaces/\(Self.escape(request.namespace))/pods/\(Self.escape(request.pod))/exec?"
            + query.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        let channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>
        do {
            switch try await connectWebSocket(uri: uri) {
            case .webSocket(let upgraded): channel = upgraded
            case .refused: throw SkiffError(.badRequest, "the server refused the exec upgrade for pod \(request.pod)")
            }
        } catch let error as SkiffError {
            throw error
        } catch {
            throw SkiffError(.serviceUnavailable, "cannot reach the API server at \(endpoint) for exec: \(error)")
        }
        let (input, inputContinuation) = AsyncStream<StreamFrame>.makeStream()
        let (output, outputContinuation) = AsyncStream<StreamFrame>.makeStream()
        Task {
            try? await channel.executeThenClose { inbound, outbound in
                let sender = Task {
                    for await frame in input {
                        let message: [UInt8] =
                            frame.channel == .closeStdin ? [255, 0] : [frame.channel.rawValue] + frame.payload
                        try await outbound.write(
                            WebSocketFrame(
                                fin: true, opcode: .binary, maskKey: .random(), data: ByteBuffer(bytes: message)))
                    }
                }
                defer { sender.cancel() }
                for try await frame in inbound {
                    switch frame.opcode {
                    case .binary, .text:
                        let data = Array(frame.unmaskedData.readableBytesView)
                        if let first = data.first, let channel = StreamChannel(rawValue: first) {
                            outputContinuation.yield(StreamFrame(channel, Array(data.dropFirst())))
                        }
                    case .connectionClose:
                        try await outbound.write(
                            WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: frame.data))
                        return
                    default:
                        break
                    }
                }
            }
            outputContinuation.finish()
        }
        return ExecSession(input: inputContinuation, output: output)
    }

    func connectWebSocket(uri: String) async throws -> ExecUpgrade {
        var headers = HTTPHeaders()
        headers.add(name: "Sec-WebSocket-Protocol", value: "v5.channel.k8s.io")
        var tls: NIOSSLContext?
        var host = "localhost"
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        switch endpoint {
        case .unixSocket: break
        case .https(let base, let ca, let token):
            if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let ca {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(ca.utf8)))
            }
            tls = try NIOSSLContext(configuration: configuration)
            host = URL(string: base)?.host ?? "127.0.0.1"
        }
        headers.add(name: "Host", value: host)
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
        let context = tls
        let serverHostname = host.first?.isNumber == true ? nil : host
        let initializer: @Sendable (any Channel) -> EventLoopFuture<EventLoopFuture<ExecUpgrade>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                if let context {
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: context, serverHostname: serverHostname))
                }
                let upgrader = NIOTypedWebSocketClientUpgrader<ExecUpgrade>(
                    maxFrameSize: 1 << 20,
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            .webSocket(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                        }
                    })
                let configuration = NIOTypedHTTPClientUpgradeConfiguration<ExecUpgrade>(
                    upgradeRequestHead: head, upgraders: [upgrader],
                    notUpgradingCompletionHandler: { channel in
                        channel.eventLoop.makeCompletedFuture { .refused }
                    })
                var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
                // The server may send its first frames (a quick error's Status) in the same
                // packet as the 101: NIO's default would drop them with the HTTP decoder.
                pipeline.leftOverBytesStrategy = .forwardBytes
                return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                    configuration: pipeline)
            }
        }
        let upgrade: EventLoopFuture<ExecUpgrade>
        switch endpoint {
        case .unixSocket(let path):
            upgrade = try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
        case .https(let base, _, _):
            let port = URL(string: base)?.port ?? 443
            upgrade = try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
        }
        return try await upgrade.get()
    }
}
