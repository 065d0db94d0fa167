import CSkiffLinux
import Glibc

/// With a terminal, the exec helper sits between the session's pipes and the pty master: stdin
/// (fd 0) goes to the terminal, the terminal's output to stdout (fd 1), and resize lines (fd 4)
/// become TIOCSWINSZ. It ends when the command has exited and its output is drained.
struct ExecTerminalRelay {
    let master: Int32
    let child: pid_t

    /// kubectl sends the terminal's size just after the streams open; a command started before
    /// it arrives sees a 0x0 terminal (`stty size` fails, full-screen programs misdraw). So the
    /// first size is awaited before the command starts, for at most `milliseconds` (a client
    /// that never sends one only waits that long), as `docker exec` gets it with the request.
    /// Returns the partial line read past it, for `run`.
    static func awaitInitialSize(master: Int32, milliseconds: Int) -> [UInt8] {
        var pending: [UInt8] = []
        let deadline = Syscalls.monotonicNanoseconds() + UInt64(milliseconds) * 1_000_000
        while true {
            let now = Syscalls.monotonicNanoseconds()
            var handle = pollfd(fd: ContainerExec.resizeFD, events: Int16(POLLIN), revents: 0)
            guard now < deadline, poll(&handle, 1, Int32((deadline - now) / 1_000_000) + 1) > 0 else { return pending }
            let (open, applied) = readResize(master, into: &pending)
            if !open || applied > 0 { return pending }
        }
    }

    /// Returns the command's exit code (128 + signal when killed).
    func run(resizeBuffer pendingResize: [UInt8] = []) -> Int32 {
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        var inputOpen = true
        var resizeOpen = true
        var resizeBuffer = pendingResize
        while true {
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                drainTerminal()
                return Syscalls.exitCode(status).code
            }
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            if inputOpen { fds.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
            if resizeOpen { fds.append(pollfd(fd: ContainerExec.resizeFD, events: Int16(POLLIN), revents: 0)) }
            // A short timeout: the child's exit is noticed by polling waitpid, not a signal.
            guard poll(&fds, nfds_t(fds.count), 100) > 0 else { continue }
            for entry in fds where entry.revents != 0 {
                switch entry.fd {
                case master:
                    drainTerminal()
                case 0:
                    inputOpen = copy(from: 0, to: master) != .end
                case ContainerExec.resizeFD:
                    resizeOpen = Self.readResize(master, into: &resizeBuffer).open
                default:
                    break
                }
            }
        }
    }

    enum Copied { case data, nothingNow, end }

    /// Copies one read's worth: `.nothingNow` when a non-blocking source has no more yet.
    func copy(from source: Int32, to target: Int32) -> Copied {
        var buffer = [UInt8](repeating: 0, count: 16384)
        let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
        if count < 0 && (errno == EAGAIN || errno == EINTR) { return .nothingNow }
        if count <= 0 { return .end }
        // A failed write means the session is gone: nothing is left to deliver to.
        try? Syscalls.writeAll(target, Array(buffer[0..<count]))
        return .data
    }

    /// Everything the terminal has now; back to poll when it has no more, so that input and
    /// resizes keep flowing while the command runs.
    func drainTerminal() {
        while copy(from: master, to: 1) == .data {}
    }

    /// Applies every complete `<columns> <rows>` line; `open` is false at end of input.
    static func readResize(_ master: Int32, into pending: inout [UInt8]) -> (open: Bool, applied: Int) {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { read(ContainerExec.resizeFD, $0.baseAddress, $0.count) }
        guard count > 0 else { return (count < 0 && errno == EINTR, 0) }
        pending += buffer[0..<count]
        var applied = 0
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let fields = String(decoding: pending[..<newline], as: UTF8.self).split(separator: " ")
            pending.removeSubrange(...newline)
            if fields.count == 2, let columns = UInt16(fields[0]), let rows = UInt16(fields[1]) {
                _ = skiff_set_window_size(master, rows, columns)
                applied += 1
            }
        }
        return (true, applied)
    }
}
