import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import SkiffAPI

/// A Kubernetes API client over a Unix socket or HTTPS. Errors from the server come back as
/// `SkiffError` rebuilt from the `Status` body, so callers print what kubectl would.
public final class APIClient: Sendable {
    public let endpoint: ClusterEndpoint
    let http: HTTPClient
    let timeout: TimeAmount

    public init(endpoint: ClusterEndpoint, timeout: TimeAmount = .seconds(30)) throws {
        self.endpoint = endpoint
        self.timeout = timeout
        var configuration = HTTPClient.Configuration()
        if case .https(_, let ca, _) = endpoint, let ca {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(ca.utf8)))
            configuration.tlsConfiguration = tls
        }
        configuration.timeout = .init(connect: .seconds(5))
        // Watches hold a connection each for minutes; with AHC's default of 8 per host, an
        // informer-heavy process would queue ordinary requests behind them.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    deinit { try? http.syncShutdown() }

    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: [UInt8]
        public var json: JSON { get throws(SkiffError) { try decodeJSON(body) } }
    }

    func url(_ path: String, query: [(String, String)]) -> String {
        var q = ""
        if !query.isEmpty {
            q = "?" + query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        switch endpoint {
        case .unixSocket(let socket):
            return "http+unix://" + socket.replacingOccurrences(of: "/", with: "%2F") + path + q
        case .https(let base, _, _):
            return (base.hasSuffix("/") ? String(base.dropLast()) : base) + path + q
        }
    }

    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    func makeRequest(
        _ method: String, _ path: String, query: [(String, String)], body: [UInt8]?, contentType: String, accept: String
    ) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url(path, query: query))
        request.method = .init(rawValue: method)
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "skiff/0.1")
        if case .https(_, _, let token) = endpoint, let token {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    /// One request; a non-2xx answer throws the server's Status as a `SkiffError`.
    @discardableResult
    public func send(
        _ method: String, _ path: String, query: [(String, String)] = [], body: JSON? = nil,
        contentType: String = "application/json", accept: String = "application/json"
    ) async throws(SkiffError) -> Response {
        let request = makeRequest(
            method, path, query: query, body: body?.serialized(), contentType: contentType, accept: accept)
        do {
            let response = try await http.execute(request, timeout: timeout)
            let bytes = Array(try await response.body.collect(upTo: 512 * 1024 * 1024).readableBytesView)
            let result = Response(
                status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type") ?? "",
                body: bytes)
            if result.status >= 300 { throw Self.error(from: result) }
            return result
        } catch let error as SkiffError {
            throw error
        } catch {
            throw SkiffError(.serviceUnavailable, "cannot reach the API server at \(endpoint): \(error)")
        }
    }

    /// Rebuilds the server's `Status` as an error (or describes a non-Status body).
    static func error(from response: Response) -> SkiffError {
        let code = SkiffError.Code.fromHTTP(response.status)
        guard let status = try? decodeJSON(response.body), status["kind"]?.string == "Status" else {
            return SkiffError(
                code,
                "the server answered \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
        var error = SkiffError(code, status["message"]?.string ?? "unknown error")
        if let reason = status["reason"]?.string, let c = SkiffError.Code.fromReason(reason) { error.code = c }
        if let d = status["details"] {
            error.details = .init(name: d["name"]?.string, group: d["group"]?.string, kind: d["kind"]?.string)
            error.causes = (d["causes"]?.array ?? []).map {
                .init(
                    reason: $0["reason"]?.string ?? "", message: $0["message"]?.string ?? "",
                    field: $0["field"]?.string ?? "")
            }
        }
        return error
    }
}

func decodeJSON(_ bytes: [UInt8]) throws(SkiffError) -> JSON {
    do {
        return try JSON.parse(bytes)
    } catch {
        throw SkiffError.internalError("the server sent invalid JSON: \(error)")
    }
}

extension APIClient {
    /// A request with a raw body (tests of malformed input).
    package func makeRawRequest(_ method: String, _ path: String, body: [UInt8], contentType: String)
        -> HTTPClientRequest
    {
        makeRequest(method, path, query: [], body: body, contentType: contentType, accept: "application/json")
    }

    /// Status and body, whatever the status.
    package func executeRaw(_ request: HTTPClientRequest) async throws -> (Int, [UInt8]) {
        let response = try await http.execute(request, timeout: timeout)
        return (Int(response.status.code), Array(try await response.body.collect(upTo: 64 << 20).readableBytesView))
    }
}
