import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// The API server's connections: HTTP/1.1 for every request, plus the two upgrades `kubectl
/// exec` uses (shared/K8S-API.md §9): WebSocket with the `v5.channel.k8s.io`/`v4` subprotocols
/// (kubectl ≥ 1.30, the Python client) and SPDY/3.1 (kubectl ≤ 1.29, and newer ones as a
/// fallback). Hummingbird's own HTTP1 channel has no hook for a second upgrade, so this is
/// Hummingbird's HTTP1 pipeline behind NIO's typed upgrade handler, as hummingbird-websocket
/// builds it (that package is not used: it would bring a WebSocket API we do not need and no SPDY).
struct RemoteCommandChannel: ServerChildChannel, HTTPChannelHandler {
    enum Upgrade: Sendable {
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case webSocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, RemoteCommandRequest, version: Int)
        case spdy(NIOAsyncChannel<ByteBuffer, ByteBuffer>, RemoteCommandRequest)
    }
    struct Value: ServerChildChannelValue {
        let channel: any Channel
        let upgrade: EventLoopFuture<Upgrade>
    }

    static let webSocketProtocols = ["v5.channel.k8s.io": 5, "v4.channel.k8s.io": 4]

    let responder: HTTPChannelHandler.Responder
    let server: APIServer
    /// The bearer token a TCP client must present; nil on the Unix socket.
    let requiredToken: String?

    static func builder(server: APIServer, requiredToken: String?) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            RemoteCommandChannel(responder: responder, server: server, requiredToken: requiredToken)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            Value(channel: channel, upgrade: try Self.configurePipeline(channel, logger: logger, accepts: accepts))
        }
    }

    static func configurePipeline(
        _ channel: any Channel, logger: Logger, accepts: @escaping @Sendable (HTTPRequestHead) -> Bool
    ) throws -> EventLoopFuture<Upgrade> {
        let webSocket = NIOTypedWebSocketServerUpgrader<Upgrade>(
            maxFrameSize: 1 << 20,
            shouldUpgrade: { channel, head in
                channel.eventLoop.makeCompletedFuture {
                    guard accepts(head), let version = Self.webSocketVersion(head) else { return nil }
                    return HTTPHeaders([("Sec-WebSocket-Protocol", "v\(version).channel.k8s.io")])
                }
            },
            upgradePipelineHandler: { channel, head in
                channel.eventLoop.makeCompletedFuture {
                    let request = RemoteCommandRequest(uri: head.uri)!  // checked by shouldUpgrade
                    let asyncChannel = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                        wrappingChannelSynchronously: channel)
                    return .webSocket(asyncChannel, request, version: Self.webSocketVersion(head) ?? 4)
                }
            })
        let spdy = SPDYUpgrader(accepts: accepts)
        let configuration = NIOTypedHTTPServerUpgradeConfiguration<Upgrade>(
            upgraders: [webSocket, spdy],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        HTTP1ToHTTPServerCodec(secure: false),
                        HTTPConnectionStateHandler(idleTimeout: nil, logger: logger),
                    ])
                    return .http(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                }
            })
        return try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
            configuration: .init(upgradeConfiguration: configuration))
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgrade.get() {
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .webSocket(let channel, let request, let version):
                await WebSocketRemoteCommand(server: server, version: version).run(channel, request)
            case .spdy(let channel, let request):
                await SPDYRemoteCommand(server: server).run(channel, request)
            }
        } catch {
            logger.debug("connection ended during upgrade", metadata: ["error": "\(error)"])
        }
    }

    /// An exec/attach URI from an authorized client; anything else stays plain HTTP (where a
    /// bad token gets its 401 and a non-upgrade exec its 400).
    var accepts: @Sendable (HTTPRequestHead) -> Bool {
        let requiredToken = self.requiredToken
        return { head in
            guard RemoteCommandRequest(uri: head.uri) != nil else { return false }
            guard let requiredToken else { return true }
            return HTTPFrontend.bearerMatches(head.headers.first(name: "Authorization"), token: requiredToken)
        }
    }

    /// The best subprotocol both sides speak (v5 first).
    static func webSocketVersion(_ head: HTTPRequestHead) -> Int? {
        let offered = head.headers[canonicalForm: "Sec-WebSocket-Protocol"].map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        return offered.compactMap { webSocketProtocols[$0] }.max()
    }
}
