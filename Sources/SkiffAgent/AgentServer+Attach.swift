import Foundation
import Hummingbird
import NIOCore
import SkiffAPI
import SkiffLinux
import Synchronization

/// `POST /attach/{namespace}/{pod}/{container}`: the running container's output from now on,
/// stdout and stderr on their own channels, until that run exits (then a Success status) or
/// the API server ends the request body (its client left). Frames as for exec.
///
/// Containers start with stdin on /dev/null and no terminal (`stdin`/`tty` in a container spec
/// are not supported yet), so an attach has nothing to write to: client input is read and
/// dropped, as the container runtime does for a container that did not allocate stdin.
extension AgentServer {
    func attach(namespace: String, pod: String, container: String, request: Request) async throws(SkiffError)
        -> Response
    {
        let source = try await logs.source(namespace: namespace, pod: pod, container: container, previous: false)
        guard source.followable, let file = FileHandle(forReadingAtPath: source.path) else {
            throw SkiffError.badRequest("container \"\(container)\" in pod \"\(pod)\" is not running")
        }
        _ = try? file.seekToEnd()  // attach shows what comes next; `logs` shows what was
        let logs = self.logs
        var headers = HTTPFields()
        headers[.contentType] = "application/vnd.skiff.stream"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                defer { try? file.close() }
                // The body ends when the client has gone: stop following.
                let clientGone = Mutex(false)
                // Read to its end inside this closure, never cancelled (see exec); the API server
                // ends the body once it has the status.
                let input = Task {
                    do { for try await _ in request.body {} } catch {}
                    clientGone.withLock { $0 = true }
                }
                do {
                    try await Self.follow(file, source: source, logs: logs) { records in
                        for record in records {
                            let channel: StreamChannel = record.stream == "stderr" ? .stderr : .stdout
                            let line = Array(record.content) + (record.partial ? [] : [10])
                            try await writer.write(ByteBuffer(bytes: StreamFrame(channel, line).encoded))
                        }
                        return !clientGone.withLock { $0 }
                    }
                } catch {
                    await input.value  // the connection broke: the body ends too
                    throw error
                }
                if clientGone.withLock({ $0 }) { return }
                let status = RemoteCommandStatus.success.serializedString()
                try await writer.write(ByteBuffer(bytes: StreamFrame(.error, Array(status.utf8)).encoded))
                await input.value
                try await writer.finish(nil)
            })
    }
}
