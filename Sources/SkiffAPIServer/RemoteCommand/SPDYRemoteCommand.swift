import NIOCore
import NIOHTTP1
import SkiffAPI

/// Accepts `Upgrade: SPDY/3.1` for exec/attach with the `v4.channel.k8s.io` stream protocol
/// (every kubectl that speaks SPDY offers it).
struct SPDYUpgrader: NIOTypedHTTPServerProtocolUpgrader {
    typealias UpgradeResult = RemoteCommandChannel.Upgrade
    static let streamProtocol = "v4.channel.k8s.io"
    let supportedProtocol = "SPDY/3.1"
    let requiredUpgradeHeaders: [String] = []
    let accepts: @Sendable (HTTPRequestHead) -> Bool

    struct Refused: Error {}

    func buildUpgradeResponse(
        channel: any Channel, upgradeRequest: HTTPRequestHead, initialResponseHeaders: HTTPHeaders
    )
        -> EventLoopFuture<HTTPHeaders>
    {
        let offered = upgradeRequest.headers[canonicalForm: "X-Stream-Protocol-Version"].map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard accepts(upgradeRequest), offered.contains(Self.streamProtocol) else {
            return channel.eventLoop.makeFailedFuture(Refused())
        }
        var headers = initialResponseHeaders
        headers.add(name: "X-Stream-Protocol-Version", value: Self.streamProtocol)
        return channel.eventLoop.makeSucceededFuture(headers)
    }

    func upgrade(channel: any Channel, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<UpgradeResult> {
        channel.eventLoop.makeCompletedFuture {
            let request = RemoteCommandRequest(uri: upgradeRequest.uri)!  // checked by accepts
            return .spdy(try NIOAsyncChannel(wrappingChannelSynchronously: channel), request)
        }
    }
}

/// exec over SPDY/3.1 with the v4 stream protocol: the client opens a stream per channel
/// (`streamtype` error, stdin, stdout, stderr, resize); once every stream the request implies
/// is open (and answered), the command runs; stdout and stderr go out as DATA on their
/// streams, and a failure Status (v4 sends nothing on success) on the error stream.
struct SPDYRemoteCommand {
    let server: APIServer

    func run(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ request: RemoteCommandRequest) async {
        try? await channel.executeThenClose { inbound, outbound in
            var expected: Set<String> = ["error"]
            if request.stdin { expected.insert("stdin") }
            if request.flag("stdout") { expected.insert("stdout") }
            if request.flag("stderr") && !request.tty { expected.insert("stderr") }
            if request.tty { expected.insert("resize") }
            let (input, inputContinuation) = AsyncStream<StreamFrame>.makeStream()
            let (ready, readyContinuation) = AsyncStream<[String: UInt32]>.makeStream()
            let reader = Task {
                defer {
                    inputContinuation.finish()
                    readyContinuation.finish()
                }
                guard let codec = SPDYHeaderCodec() else { return }
                var decoder = SPDYFrameDecoder()
                var streams: [String: UInt32] = [:]
                do {
                    for try await buffer in inbound {
                        for frame in decoder.feed(buffer.readableBytesView) {
                            switch frame {
                            case .synStream(let id, let block):
                                guard let type = codec.decode(block)?["streamtype"], let reply = codec.encode([])
                                else { return }  // a broken header stream cannot be recovered
                                streams[type] = id
                                try await outbound.write(
                                    ByteBuffer(bytes: SPDYFrame.synReply(id: id, headerBlock: reply).encoded))
                                if expected.isSubset(of: streams.keys) { readyContinuation.yield(streams) }
                            case .data(let id, let fin, let payload):
                                if id == streams["stdin"] {
                                    if !payload.isEmpty { inputContinuation.yield(StreamFrame(.stdin, payload)) }
                                    if fin { inputContinuation.yield(StreamFrame(.closeStdin)) }
                                } else if id == streams["resize"], !payload.isEmpty {
                                    inputContinuation.yield(StreamFrame(.resize, payload))
                                }
                            case .rstStream(let id, _) where id == streams["stdin"]:
                                inputContinuation.yield(StreamFrame(.closeStdin))
                            case .ping:
                                try await outbound.write(ByteBuffer(bytes: frame.encoded))
                            case .goAway:
                                return
                            default:
                                break
                            }
                        }
                    }
                } catch {}
            }
            var streamsReady = ready.makeAsyncIterator()
            guard let streams = await streamsReady.next() else {
                reader.cancel()
                return
            }
            let finished = await server.runRemoteCommand(request, input: input, client: reader) { frame in
                let target: UInt32?
                switch frame.channel {
                case .stdout: target = streams["stdout"]
                case .stderr: target = streams["stderr"] ?? streams["stdout"]
                case .error:
                    let status = try? JSON.parse(frame.payload)
                    target = status?["status"]?.string == "Success" ? nil : streams["error"]
                default: target = nil
                }
                if let target {
                    try await outbound.write(
                        ByteBuffer(bytes: SPDYFrame.data(id: target, fin: false, payload: frame.payload).encoded))
                }
            }
            guard finished else { return }  // the client is gone
            for type in ["stdout", "stderr", "error"] {
                guard let id = streams[type] else { continue }
                try await outbound.write(ByteBuffer(bytes: SPDYFrame.data(id: id, fin: true, payload: []).encoded))
            }
            // The client resets its streams and says GOAWAY; give it a moment before closing.
            let deadline = Task {
                try? await Task.sleep(for: .seconds(2))
                reader.cancel()
            }
            _ = await reader.result
            deadline.cancel()
        }
    }
}
