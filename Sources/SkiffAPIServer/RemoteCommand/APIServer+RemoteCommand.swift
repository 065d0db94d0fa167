import AsyncHTTPClient
import Foundation
import NIOCore
import SkiffAPI

/// exec (and attach): after the client's WebSocket or SPDY upgrade, the API server checks the
/// pod and container and opens the agent's `POST /exec/…` stream; the protocol handlers
/// translate between the client's framing and `StreamFrame`s.
extension APIServer {
    /// The agent's output frames. Every outcome ends with one `.error` frame (the Status): the
    /// exit code, or why the command could not run.
    func openRemoteCommand(_ request: RemoteCommandRequest, input: AsyncStream<StreamFrame>) async
        -> AsyncStream<StreamFrame>
    {
        let (output, continuation) = AsyncStream<StreamFrame>.makeStream()
        // The request body to the agent: the client's frames until the command is over, then
        // its end, so the agent's connection completes cleanly (the agent reads a body that
        // ends early as a client that left, and ends the command).
        let (body, bodyContinuation) = AsyncStream<ByteBuffer>.makeStream()
        let feeder = Task {
            for await frame in input { bodyContinuation.yield(ByteBuffer(bytes: frame.encoded)) }
            bodyContinuation.finish()
        }
        let response: HTTPClientResponse
        do {
            response = try await agentExecResponse(request, body: body)
        } catch {
            feeder.cancel()
            continuation.yield(StreamFrame(.error, Array(RemoteCommandStatus.failure(error).serializedString().utf8)))
            continuation.finish()
            return output
        }
        let relay = Task {
            var decoder = StreamFrameDecoder()
            var ended = false
            var cause = "its stream ended without a status"
            do {
                for try await buffer in response.body {
                    for frame in decoder.feed(buffer.readableBytesView) {
                        continuation.yield(frame)
                        if frame.channel == .error {
                            ended = true
                            bodyContinuation.finish()
                        }
                    }
                }
            } catch {
                cause = "\(error)"
            }
            if !ended {
                let lost = SkiffError(.serviceUnavailable, "the connection to the node's agent was lost: \(cause)")
                continuation.yield(
                    StreamFrame(.error, Array(RemoteCommandStatus.failure(lost).serializedString().utf8)))
            }
            continuation.finish()
            feeder.cancel()
        }
        continuation.onTermination = { _ in relay.cancel() }
        return output
    }

    /// Runs the command and hands each output frame to `write`, until the last one (true) or
    /// until `client` ends first (false): a client that went away cancels the agent request,
    /// and the agent ends the command.
    func runRemoteCommand(
        _ request: RemoteCommandRequest, input: AsyncStream<StreamFrame>, client: Task<Void, Never>,
        write: @escaping @Sendable (StreamFrame) async throws -> Void
    ) async -> Bool {
        let output = await openRemoteCommand(request, input: input)
        let forwarding = Task {
            for await frame in output { try await write(frame) }
        }
        let watcher = Task {
            _ = await client.value
            forwarding.cancel()
        }
        defer { watcher.cancel() }
        let result = await forwarding.result
        return !forwarding.isCancelled && (try? result.get()) != nil
    }

    func agentExecResponse(_ request: RemoteCommandRequest, body: AsyncStream<ByteBuffer>) async throws(SkiffError)
        -> HTTPClientResponse
    {
        guard request.subresource == "attach" || !request.command.isEmpty else {
            throw SkiffError.badRequest("you must specify at least one command for the container")
        }
        let (pod, nodeName) = try scheduledPod(namespace: request.namespace, name: request.pod)
        let phase = pod[path: ["status", "phase"]]?.string ?? "Pending"
        guard phase != "Succeeded", phase != "Failed" else {
            throw SkiffError.badRequest(
                "cannot \(request.subresource) into a container in a completed pod; current phase is \(phase)")
        }
        let container = try Self.chooseContainer(pod, requested: request.container)
        let socket = try agentSocket(node: nodeName, pod: request.pod)
        var query = request.command.map { "command=" + Self.queryEscaped($0) }
        if request.stdin { query.append("stdin=true") }
        if request.tty { query.append("tty=true") }
        let uri =
            "/" + Self.pathEscaped([request.subresource, request.namespace, request.pod, container]) + "?"
            + query.joined(separator: "&")
        guard let url = URL(httpURLWithSocketPath: socket, uri: uri) else {
            throw SkiffError.internalError("bad agent socket path \(socket) on node \(nodeName)")
        }
        var agentRequest = HTTPClientRequest(url: url.absoluteString)
        agentRequest.method = .POST
        agentRequest.body = .stream(body, length: .unknown)
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(agentRequest, timeout: .hours(24))
        } catch {
            throw SkiffError(.serviceUnavailable, "cannot reach the agent of node \(nodeName) at \(socket): \(error)")
        }
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
            let message = (try? JSON.parse(body))?["message"]?.string ?? String(decoding: body, as: UTF8.self)
            throw SkiffError(.fromHTTP(Int(response.status.code)), message)
        }
        return response
    }

    static func queryEscaped(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    static func pathEscaped(_ parts: [String]) -> String {
        parts.map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0 }.joined(separator: "/")
    }
}
