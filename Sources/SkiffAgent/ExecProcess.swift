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
final class ExecProcess: Sendable {
    let pidfd: Int32
    let stdinFD: Int32?
    let resizeFD: Int32?
    let output: AsyncStream<(StreamChannel, [UInt8])>
    let report: AsyncStream<(StreamChannel, [UInt8])>
    private let writer = DispatchQueue(label: "skiff.exec.stdin")
    private let stdinOpen = Mutex(true)

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
            let helper = try Self.spawn(initPath, arguments, fds: childEnds)
            pidfd = skiff_pidfd_open(helper)  // before the agent's reaper can reap it
            for fd in childEnds where fd >= 0 { close(fd) }
            stdinFD = input?.write
            resizeFD = resize?.write
            var readers: [(StreamChannel, Int32)] = [(.stdout, out.read)]
            if let err { readers.append((.stderr, err.read)) }
            output = Self.readAll(readers)
            report = Self.readAll([(.error, rep.read)])
        } catch {
            for fd in parentEnds { close(fd) }
            throw error
        }
    }

    static func spawn(_ path: String, _ arguments: [String], fds: [Int32]) throws -> pid_t {
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = skiff_spawn_with_fds(path, argv, envp, fds, Int32(fds.count), &pid)
        guard rc == 0 else { throw LinuxError("posix_spawn(\(path) exec)", errno: rc) }
        return pid
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

    func write(_ bytes: [UInt8]) {
        guard let stdinFD, stdinOpen.withLock({ $0 }) else { return }
        writer.async { Self.writeAll(stdinFD, bytes) }
    }

    /// End of the client's input: the command sees EOF once what was queued is written.
    func closeStdin() {
        guard let stdinFD,
            stdinOpen.withLock({ open in
                defer { open = false }; return open
            })
        else { return }
        writer.async { close(stdinFD) }
    }

    func resize(columns: Int, rows: Int) {
        guard let resizeFD else { return }
        writer.async { Self.writeAll(resizeFD, Array("\(columns) \(rows)\n".utf8)) }
    }

    /// The session is over before the command is (the client went away): end the helper, and
    /// with it the command (its parent-death signal).
    func kill() {
        if pidfd >= 0 { _ = skiff_pidfd_send_signal(pidfd, SIGKILL) }
    }

    deinit {
        if pidfd >= 0 { close(pidfd) }
        if let resizeFD { close(resizeFD) }
        closeStdin()  // if the session ended before the client closed it
        writer.sync {}
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return  // EPIPE: the command stopped reading
            }
            offset += written
        }
    }
}

/// Calls `finished` once `done()` has been called `count` times.
final class Countdown: @unchecked Sendable {
    private var remaining: Int
    private let lock = NSLock()
    private let finished: @Sendable () -> Void

    init(_ count: Int, finished: @escaping @Sendable () -> Void) {
        remaining = count
        self.finished = finished
    }

    func done() {
        let last = lock.withLock {
            remaining -= 1
            return remaining == 0
        }
        if last { finished() }
    }
}
