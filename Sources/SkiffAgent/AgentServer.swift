import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SkiffAPI
import SkiffLinux

/// The agent's own API on `DATA/agent.sock` (mode 0600: root, i.e. the master, only), which the
/// API server proxies `pods/log` to. Paths as kubelet's:
/// `GET /containerLogs/{namespace}/{pod}/{container}?follow&timestamps&tailLines&sinceSeconds&sinceTime&limitBytes&previous`.
/// Errors are Kubernetes Status objects, passed through to the client unchanged.
struct AgentServer: HTTPResponder {
    typealias Context = BasicRequestContext

    let logs: ContainerLogs

    static func application(socket: String, logs: ContainerLogs, logger: Logger) throws -> some Service {
        guard socket.utf8.count < 108 else {
            throw AgentError(
                "agent socket path \(socket) is longer than Unix sockets allow (107 bytes): use a shorter --data-dir")
        }
        unlink(socket)  // left by a killed agent: bind would fail
        return Application(
            responder: AgentServer(logs: logs),
            configuration: .init(address: .unixDomainSocket(path: socket), serverName: "skiffd-agent"),
            onServerRunning: { _ in
                chmod(socket, 0o600)
                logger.info("agent API serving", metadata: ["socket": "\(socket)"])
            },
            logger: logger)
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let parts = request.uri.path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        do throws(SkiffError) {
            if request.method == .post, parts.count == 4, parts[0] == "exec" {
                return try await exec(namespace: parts[1], pod: parts[2], container: parts[3], request: request)
            }
            if request.method == .post, parts.count == 4, parts[0] == "attach" {
                return try await attach(namespace: parts[1], pod: parts[2], container: parts[3], request: request)
            }
            if request.method == .get, parts.count == 3, parts[0] == "inspect" {
                return try await inspect(namespace: parts[1], pod: parts[2])
            }
            guard request.method == .get, parts.count == 4, parts[0] == "containerLogs" else {
                throw SkiffError(
                    .notFound,
                    "the agent serves GET /containerLogs/{namespace}/{pod}/{container}, GET /inspect/{namespace}/{pod} and POST /exec|attach/{namespace}/{pod}/{container}"
                )
            }
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            return try await containerLogs(namespace: parts[1], pod: parts[2], container: parts[3], query: query)
        } catch {
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(
                status: .init(code: error.code.httpStatus), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: error.statusObject.serializedString())))
        }
    }

    func containerLogs(namespace: String, pod: String, container: String, query: [String: String])
        async throws(SkiffError) -> Response
    {
        let (options, previous) = try ContainerLogs.options(query)
        let source = try await logs.source(namespace: namespace, pod: pod, container: container, previous: previous)
        let logs = self.logs
        var headers = HTTPFields()
        headers[.contentType] = "text/plain"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await Self.stream(source, options: options, logs: logs) {
                    try await writer.write(ByteBuffer(bytes: $0))
                }
                try await writer.finish(nil)
            })
    }

    /// Sends the log, then (follow) what is appended, until the run exits or the client goes.
    static func stream(
        _ source: ContainerLogs.Source, options: LogOptions, logs: ContainerLogs,
        write: ([UInt8]) async throws -> Void
    ) async throws {
        guard let file = FileHandle(forReadingAtPath: source.path) else { return }
        defer { try? file.close() }
        var reader = CRILogReader(options: options)
        var first = true
        try await follow(file, source: source, logs: logs) { records in
            let out = first ? reader.renderInitial(records) : reader.render(records)
            first = false
            if !out.isEmpty { try await write(out) }
            return !reader.limitReached && options.follow && source.followable
        }
    }

    /// Hands `handle` the log's complete records as they are written (first everything from the
    /// file's current offset), polling every 100 ms, until `handle` returns false or the run has
    /// exited and its log is drained (the loop reads once more after the exit was seen).
    static func follow(
        _ file: FileHandle, source: ContainerLogs.Source, logs: ContainerLogs,
        handle: ([CRILogRecord]) async throws -> Bool
    ) async throws {
        var pending: [UInt8] = []
        var exited = false
        var lastCheck = ContinuousClock.now
        while true {
            pending += (try file.readToEnd()).map(Array.init) ?? []
            let (records, used) = CRILogReader.parse(pending[...])
            pending.removeFirst(used)
            if try await !handle(records) || exited { return }
            if ContinuousClock.now - lastCheck > .milliseconds(500) {
                exited = !logs.isWriting(source)
                lastCheck = ContinuousClock.now
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
