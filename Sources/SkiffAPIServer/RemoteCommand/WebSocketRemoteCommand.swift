import NIOCore
import NIOWebSocket
import SkiffAPI

/// exec over WebSocket, `v5.channel.k8s.io` or `v4.channel.k8s.io` (shared/K8S-API.md §9):
/// binary messages whose first byte is the channel. The client sends stdin (0), resize (4)
/// and, in v5, `[255, 0]` to close its stdin; the server sends stdout (1), stderr (2), the
/// Status (3), then a normal close.
struct WebSocketRemoteCommand {
    let server: APIServer
    let version: Int

    func run(_ channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, _ request: RemoteCommandRequest) async {
        try? await channel.executeThenClose { inbound, outbound in
            let (input, inputContinuation) = AsyncStream<StreamFrame>.makeStream()
            let clientClosed = Task {
                var message: [UInt8] = []
                do {
                    for try await frame in inbound {
                        switch frame.opcode {
                        case .binary, .text, .continuation:
                            message += frame.unmaskedData.readableBytesView
                            guard frame.fin else { continue }
                            if let frame = Self.clientFrame(message) { inputContinuation.yield(frame) }
                            message = []
                        case .ping:
                            try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
                        case .connectionClose:
                            inputContinuation.finish()
                            return
                        default:
                            break
                        }
                    }
                } catch {}
                inputContinuation.finish()
            }
            let finished = await server.runRemoteCommand(request, input: input, client: clientClosed) { frame in
                try await outbound.write(
                    WebSocketFrame(
                        fin: true, opcode: .binary, data: ByteBuffer(bytes: [frame.channel.rawValue] + frame.payload)))
            }
            guard finished else { return }  // the client is gone
            var code = ByteBuffer()
            code.write(webSocketErrorCode: .normalClosure)
            try await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: code))
            // The client answers with its own close; give it a moment before the socket goes.
            let deadline = Task {
                try? await Task.sleep(for: .seconds(2))
                clientClosed.cancel()
            }
            _ = await clientClosed.result
            deadline.cancel()
        }
    }

    /// A client message as a frame for the agent; nil for channels a client may not send on.
    static func clientFrame(_ message: [UInt8]) -> StreamFrame? {
        guard let first = message.first, let channel = StreamChannel(rawValue: first) else { return nil }
        switch channel {
        case .stdin, .resize: return StreamFrame(channel, Array(message.dropFirst()))
        // v5's close signal names the channel it closes; only stdin can be closed.
        case .closeStdin: return message.count > 1 && message[1] == 0 ? StreamFrame(.closeStdin) : nil
        default: return nil
        }
    }
}
