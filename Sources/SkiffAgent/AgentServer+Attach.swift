import CSkiffLinux
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
/// With `stdin=true` and a container that has `stdin: true`, the client's input goes to the
/// container's stdin (for `tty: true`, its terminal, which resize frames size); with
/// `stdinOnce: true` the container reads EOF once this session ends. A container without
/// `stdin` has nothing to write to: input is read and dropped, as container runtimes do.
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
        let stdin = try await attachInput(
            namespace: namespace, pod: pod, source: source, wanted: Self.flag(request.uri.queryParameters["stdin"]))
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
                    if let stdin {
                        await stdin.feed(from: request.body)
                    } else {
                        do { for try await _ in request.body {} } catch {}
                    }
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

extension AgentServer {
    /// The container's stdin for this session, when the client sends input and the container
    /// takes it; nil to drop the input.
    func attachInput(namespace: String, pod name: String, source: ContainerLogs.Source, wanted: Bool)
        async throws(SkiffError) -> AttachedStdin?
    {
        guard wanted, let pod = await logs.informer.get(namespace + "/" + name) else { return nil }
        let specs =
            (pod[path: ["spec", "initContainers"]]?.array ?? []) + (pod[path: ["spec", "containers"]]?.array ?? [])
        guard let container = specs.first(where: { $0["name"]?.string == source.container }),
            container["stdin"]?.bool == true
        else { return nil }
        let client = PodControlClient(directory: logs.runtime.directory(uid: source.uid))
        do {
            let fd = try client.stdin(source.container, attempt: source.attempt)
            return AttachedStdin(
                writer: InputWriter(fd: fd), tty: container["tty"]?.bool == true,
                once: container["stdinOnce"]?.bool == true
            ) {
                try? client.closeStdin(source.container, attempt: source.attempt)
            }
        } catch {
            throw SkiffError.internalError("cannot attach to the stdin of container \"\(source.container)\": \(error)")
        }
    }
}

/// An attach session's hold on a container's stdin (or terminal): a copy of the supervisor's
/// descriptor, closed when the client closes stdin or leaves; with `stdinOnce` the supervisor
/// then lets go of its own, so the container reads EOF.
final class AttachedStdin: RemoteInput {
    let writer: InputWriter
    let tty: Bool
    let once: Bool
    let release: @Sendable () -> Void

    init(writer: InputWriter, tty: Bool, once: Bool, release: @escaping @Sendable () -> Void) {
        self.writer = writer
        self.tty = tty
        self.once = once
        self.release = release
    }

    func write(_ bytes: [UInt8]) { writer.write(bytes) }

    func closeStdin() {
        guard writer.close(), once else { return }
        release()
    }

    func resize(columns: Int, rows: Int) {
        guard tty else { return }
        let fd = writer.fd
        writer.perform { _ = skiff_set_window_size(fd, UInt16(clamping: rows), UInt16(clamping: columns)) }
    }

    func end() { closeStdin() }
}
