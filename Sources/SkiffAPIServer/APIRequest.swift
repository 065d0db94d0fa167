import SkiffAPI

/// One API call, parsed from HTTP and independent of the HTTP library, so handlers can be
/// tested without a socket.
public struct APIRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"
    }

    public var method: Method
    public var path: String
    /// Query parameters; repeated ones (`command=a&command=b`) keep every value in order.
    public var query: [String: [String]]
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(
        method: Method, path: String, query: [String: [String]] = [:], headers: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    public func parameter(_ name: String) -> String? { query[name]?.first }

    public func flag(_ name: String) -> Bool {
        guard let value = parameter(name) else { return false }
        return value == "1" || value == "true" || value.isEmpty
    }

    public var contentType: String {
        (headers["content-type"] ?? "application/json").split(separator: ";").first.map {
            String($0).trimmingSpaces.lowercased()
        } ?? "application/json"
    }

    public var accept: String { headers["accept"] ?? "" }

    /// `dryRun=All`: admit and validate, store nothing.
    public var isDryRun: Bool { query["dryRun"]?.contains("All") ?? false }

    /// kubectl's human-readable `get` asks for `as=Table`.
    public var wantsTable: Bool { accept.contains("as=Table") }

    /// kubectl 1.30+ asks `/api` and `/apis` for aggregated discovery.
    public var wantsAggregatedDiscovery: Bool { accept.contains("as=APIGroupDiscoveryList") }

    /// Parses `a=1&b=2` with percent-decoding and `+` as space.
    public static func parseQuery(_ query: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(parts[0]))
            let value = parts.count > 1 ? percentDecode(String(parts[1])) : ""
            result[key, default: []].append(value)
        }
        return result
    }

    static func percentDecode(_ s: String) -> String {
        guard s.contains("%") || s.contains("+") else { return s }
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if b == UInt8(ascii: "%"), it.count >= 2,
                let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// What a handler answers; the HTTP front end turns it into bytes on the wire.
public struct APIResponse: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// A chunked stream (watch, follow logs); each element is flushed as it comes.
        case stream(AsyncStream<[UInt8]>)
    }

    public var status: Int
    public var contentType: String
    public var body: Body

    public init(status: Int = 200, contentType: String = "application/json", body: Body) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static func json(_ value: JSON, status: Int = 200) -> APIResponse {
        APIResponse(status: status, body: .bytes(value.serialized()))
    }

    public static func error(_ error: SkiffError) -> APIResponse {
        .json(error.statusObject, status: error.code.httpStatus)
    }

    /// The body as bytes; streams are drained (tests only).
    public func collectBody() async -> [UInt8] {
        switch body {
        case .bytes(let b): return b
        case .stream(let s):
            var out: [UInt8] = []
            for await chunk in s { out += chunk }
            return out
        }
    }
}
