import AsyncHTTPClient
import Foundation
import NIOCore
import SkiffAPI

/// One event of a watch stream.
public struct WatchEventJSON: Sendable, Equatable {
    public var type: String
    public var object: JSON
}

extension APIClient {
    /// `/api/v1/namespaces/NS/pods/NAME/SUB`, `/apis/apps/v1/deployments`, …
    public static func path(_ info: ResourceInfo, namespace: String?, name: String? = nil, subresource: String? = nil)
        -> String
    {
        var p = info.group.isEmpty ? "/api/v1" : "/apis/\(info.group)/\(info.version)"
        if info.namespaced, let namespace { p += "/namespaces/\(namespace)" }
        p += "/\(info.resource)"
        if let name { p += "/\(name)" }
        if let subresource { p += "/\(subresource)" }
        return p
    }

    public func get(_ info: ResourceInfo, namespace: String?, name: String) async throws(SkiffError) -> JSON {
        try await send("GET", Self.path(info, namespace: namespace, name: name)).json
    }

    /// Objects and the list's resourceVersion (to watch from).
    public func list(
        _ info: ResourceInfo, namespace: String?, labelSelector: String? = nil, fieldSelector: String? = nil
    ) async throws(SkiffError) -> (items: [JSON], resourceVersion: String) {
        var query: [(String, String)] = []
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        let list = try await send("GET", Self.path(info, namespace: namespace), query: query).json
        return (list["items"]?.array ?? [], list[path: ["metadata", "resourceVersion"]]?.string ?? "")
    }

    public func create(_ info: ResourceInfo, namespace: String?, object: JSON) async throws(SkiffError) -> JSON {
        try await send("POST", Self.path(info, namespace: namespace), body: object).json
    }

    public func update(_ info: ResourceInfo, namespace: String?, object: JSON, subresource: String? = nil)
        async throws(SkiffError) -> JSON
    {
        let name = object[path: ["metadata", "name"]]?.string ?? ""
        return try await send(
            "PUT", Self.path(info, namespace: namespace, name: name, subresource: subresource), body: object
        )
        .json
    }

    public func patch(
        _ info: ResourceInfo, namespace: String?, name: String, patch: JSON,
        type: String = "application/merge-patch+json", subresource: String? = nil
    ) async throws(SkiffError) -> JSON {
        try await send(
            "PATCH", Self.path(info, namespace: namespace, name: name, subresource: subresource), body: patch,
            contentType: type
        ).json
    }

    @discardableResult
    public func delete(_ info: ResourceInfo, namespace: String?, name: String, options: JSON? = nil)
        async throws(SkiffError) -> JSON
    {
        try await send("DELETE", Self.path(info, namespace: namespace, name: name), body: options).json
    }

    /// A watch: events until the server ends the stream (timeout) or the task is cancelled.
    /// An `ERROR` event (410 Gone) is delivered like any other; informers re-list on it.
    public func watch(
        _ info: ResourceInfo, namespace: String?, resourceVersion: String?, labelSelector: String? = nil,
        fieldSelector: String? = nil, timeoutSeconds: Int? = nil
    ) -> AsyncThrowingStream<WatchEventJSON, any Error> {
        var query: [(String, String)] = [("watch", "true")]
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        if let timeoutSeconds { query.append(("timeoutSeconds", String(timeoutSeconds))) }
        let chunks = stream(Self.path(info, namespace: namespace), query: query, accept: "application/json")
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var pending: [UInt8] = []
                    for try await chunk in chunks {
                        pending += chunk
                        while let newline = pending.firstIndex(of: 0x0A) {
                            let line = Array(pending[..<newline])
                            pending.removeSubrange(...newline)
                            guard !line.isEmpty else { continue }
                            let event = try decodeJSON(line)
                            continuation.yield(
                                WatchEventJSON(type: event["type"]?.string ?? "", object: event["object"] ?? .null))
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// A streamed GET (watch, `logs -f`): the body's chunks as they arrive, until the server
    /// ends it or the task is cancelled; a non-2xx answer throws the server's Status.
    public func stream(_ path: String, query: [(String, String)], accept: String = "*/*")
        -> AsyncThrowingStream<[UInt8], any Error>
    {
        let request = makeRequest("GET", path, query: query, body: nil, contentType: "", accept: accept)
        let http = self.http
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let response = try await http.execute(request, timeout: .hours(24))
                    guard response.status.code < 300 else {
                        let body = Array(try await response.body.collect(upTo: 1 << 20).readableBytesView)
                        throw Self.error(from: Response(status: Int(response.status.code), contentType: "", body: body))
                    }
                    for try await buffer in response.body { continuation.yield(Array(buffer.readableBytesView)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
