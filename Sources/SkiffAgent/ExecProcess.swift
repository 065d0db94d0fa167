import CSkiffLinux
import Dispatch
import Foundation
import Glibc
import SkiffAPI
import SkiffLinux
import Synchronization

/// One `skiff-init exec` helper and its pipes, from the agent's side. The agent never forks:
/// the helper is posix_spawned with the session's pipes as its fds 0–4 (ContainerExec).
/// Pipes are read by a thread each (blocking reads; a session is rare and short-lived next to
/// the agent's event loops) and written on a serial queue, so nothing blocks a Swift task.
final class ExecProcess: RemoteInput {
    let pidfd: Int32
    let stdin: InputWriter?
    /// `columns rows` lines to the helper, which sets its terminal's size.
    let resizes: InputWriter?
    let output: AsyncStream<(StreamChannel, [UInt8])>
    let report: AsyncStream<(StreamChannel, [UInt8])>

    init(initPath: String, pid: Int32, specFile: String, command: [String], stdin: Bool, tty: Bool) throws {
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        func pipe() throws -> (read: Int32, write: Int32) {
            let ends = try Syscalls.pipe()
            parentEnds += [ends.read, ends.write]
            return ends
        }
        do {
            let input = stdin ? try pipe() : nil
            let out = try pipe()
            let err = tty ? nil : try pipe()
            let rep = try pipe()
            let resize = tty ? try pipe() : nil
            childEnds = [input?.read ?? -1, out.write, err?.write ?? -1, rep.write, resize?.read ?? -1]
            let arguments =
                ["exec", "--pid", "\(pid)", "--spec", specFile] + (tty ? ["--tty"] : []) + ["--"] + command
            let helper = try ProcessSpawner.spawn(
                initPath, arguments, environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], fds: childEnds)
            pidfd = skiff_pidfd_open(helper)  // before the agent's reaper can reap it
            for fd in childEnds where fd >= 0 { close(fd) }
            self.stdin = input.map { InputWriter(fd: $0.write) }
            resizes = resize.map { InputWriter(fd: $0.write) }
            var readers: [(StreamChannel, Int32)] = [(.stdout, out.read)]
            if let err { readers.append((.stderr, err.read)) }
            output = Self.readAll(readers)
            report = Self.readAll([(.error, rep.read)])
        } catch {
            for fd in parentEnds { close(fd) }
            throw error
        }
    }

    /// Everything written to the pipes, chunk by chunk, until every writer has closed them.
    static func readAll(_ pipes: [(StreamChannel, Int32)]) -> AsyncStream<(StreamChannel, [UInt8])> {
        let (stream, continuation) = AsyncStream<(StreamChannel, [UInt8])>.makeStream()
        let open = Countdown(pipes.count) { continuation.finish() }
        for (channel, fd) in pipes {
            let thread = Thread {
                let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    continuation.yield((channel, Array(data)))
                }
                open.done()
            }
            thread.start()
        }
        return stream
    }

    func write(_ bytes: [UInt8]) { stdin?.write(bytes) }

    /// End of the client's input: the command sees EOF once what was queued is written.
    func closeStdin() { stdin?.close() }

    func resize(columns: Int, rows: Int) { resizes?.write(Array("\(columns) \(rows)\n".utf8)) }

    /// The client has gone; after a normal exit the kill finds nothing (a pidfd is never reused).
    func end() { kill() }

    /// The session is over before the command is (the client went away): end the helper, and
    /// with it the command (its parent-death signal).
    func kill() {
        if pidfd >= 0 { _ = skiff_pidfd_send_signal(pidfd, SIGKILL) }
    }

    deinit {
        if pidfd >= 0 { close(pidfd) }
    }
}

/// Calls `finished` once `done()` has been called `count` times.
final class Countdown: Sendable {
    private let remaining: Mutex<Int>
    private let finished: @Sendable () -> Void

    init(_ count: Int, finished: @escaping @Sendable () -> Void) {
        remaining = Mutex(count)
        self.finished = finished
    }

    func done() {
        let last = remaining.withLock {
            $0 -= 1
            return $0 == 0
        }
        if last { finished() }
    }
}
