import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import SkiffAPI

/// Puts `APIServer` on HTTP: turns Hummingbird requests into `APIRequest`s and back, checks the
/// bearer token on TCP (the Unix socket is trusted by its file mode), and caps bodies at 3 MiB
/// as Kubernetes does.
struct HTTPFrontend: HTTPResponder {
    typealias Context = BasicRequestContext
    static let maxBodyBytes = 3 * 1024 * 1024

    let server: APIServer
    /// The token TCP clients must present; nil on the Unix socket.
    let requiredToken: String?

    func respond(to request: Request, context: Context) async throws -> Response {
        if let requiredToken, !Self.bearerMatches(request.headers[.authorization], token: requiredToken) {
            return encode(.error(SkiffError(.unauthorized, "Unauthorized: a valid bearer token is required")))
        }
        guard let method = APIRequest.Method(rawValue: request.method.rawValue) else {
            return encode(.error(SkiffError(.methodNotAllowed, "method \(request.method.rawValue) is not allowed")))
        }
        var body: [UInt8] = []
        do {
            let buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
            body = Array(buffer.readableBytesView)
        } catch {
            return encode(
                .error(SkiffError(.requestEntityTooLarge, "the request body is larger than the limit of 3 MiB")))
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
        }
        let api = APIRequest(
            method: method, path: request.uri.path, query: APIRequest.parseQuery(request.uri.query ?? ""),
            headers: headers, body: body)
        return encode(await server.handle(api))
    }

    static func bearerMatches(_ header: String?, token: String) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.dropFirst(7).utf8)
        let expected = Array(token.utf8)
        // Constant-time comparison: the token is the only secret on this listener.
        guard given.count == expected.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<given.count { diff |= given[i] ^ expected[i] }
        return diff == 0
    }

    private func encode(_ response: APIResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = response.contentType
        let status = HTTPResponse.Status(code: response.status)
        switch response.body {
        case .bytes(let bytes):
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        case .stream(let stream):
            headers[.cacheControl] = "no-cache, private"
            return Response(
                status: status, headers: headers,
                body: ResponseBody { writer in
                    // A watch may run for half an hour: end it when the master shuts down
                    // rather than holding shutdown until its timeout.
                    let (relay, relayInput) = AsyncStream<[UInt8]>.makeStream()
                    let forward = Task {
                        for await chunk in stream { relayInput.yield(chunk) }
                        relayInput.finish()
                    }
                    defer { forward.cancel() }
                    try await withGracefulShutdownHandler {
                        for await chunk in relay {
                            try await writer.write(ByteBuffer(bytes: chunk))
                        }
                    } onGracefulShutdown: {
                        relayInput.finish()
                    }
                    try await writer.finish(nil)
                })
        }
    }
}
