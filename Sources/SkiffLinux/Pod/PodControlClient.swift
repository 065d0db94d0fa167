import CSkiffLinux
import Glibc
import SkiffJSON

/// The agent's side of a pod's control socket (see PodSupervisor+Control for the protocol).
/// Blocking, with a bounded timeout: callers run it off their event loops.
public struct PodControlClient: Sendable {
    public let socketPath: String

    public init(directory: PodDirectory) { socketPath = directory.controlSocket }

    public func start(_ container: ContainerSpec) throws(LinuxError) -> ContainerRecord {
        let reply = try send(.object(["op": "start", "container": container.json]))
        return try ContainerRecord(json: reply["record"] ?? .null)
    }

    /// Signals the container's first process; with `attempt`, only while that run is the one
    /// running (a signal meant for a run that ended must not reach its successor).
    public func signal(_ name: String, _ signal: Int32, attempt: Int? = nil) throws(LinuxError) {
        var request: [String: JSON] = ["op": "signal", "name": .string(name), "signal": .int(Int64(signal))]
        if let attempt { request["attempt"] = .int(Int64(attempt)) }
        _ = try send(.object(request))
    }

    public func state() throws(LinuxError) -> PodState {
        try PodState(json: try send(.object(["op": "state"]))["state"] ?? .null)
    }

    public func stop() throws(LinuxError) {
        _ = try send(.object(["op": "stop"]))
    }

    /// A descriptor writing to the run's stdin (its terminal, for a `tty` container); the
    /// caller owns and closes it. Fails for a container started without `stdin`.
    public func stdin(_ name: String, attempt: Int) throws(LinuxError) -> Int32 {
        var received: Int32 = -1
        _ = try send(
            .object(["op": "stdin", "name": .string(name), "attempt": .int(Int64(attempt))]), receiving: &received)
        guard received >= 0 else { throw LinuxError("stdin: no descriptor came with the reply", errno: EIO) }
        return received
    }

    /// `stdinOnce`: the supervisor lets go of the run's stdin, so it reads EOF once the
    /// callers holding copies have closed them.
    public func closeStdin(_ name: String, attempt: Int) throws(LinuxError) {
        _ = try send(.object(["op": "closeStdin", "name": .string(name), "attempt": .int(Int64(attempt))]))
    }

    func send(_ request: JSON) throws(LinuxError) -> [String: JSON] {
        var unused: Int32 = -1
        return try send(request, receiving: &unused)
    }

    /// One request, one reply line; a descriptor sent along with the reply lands in `received`.
    func send(_ request: JSON, receiving received: inout Int32) throws(LinuxError) -> [String: JSON] {
        let fd = try UnixSocket.connect(socketPath, timeoutSeconds: 30)
        defer { close(fd) }
        try Syscalls.writeAll(fd, Array((request.serializedString() + "\n").utf8))
        var first = [UInt8](repeating: 0, count: 4096)
        let n = first.withUnsafeMutableBytes { skiff_recv_with_fd(fd, $0.baseAddress, $0.count, &received) }
        var line = n > 0 ? Array(first[0..<n]) : []
        if n > 0, line.last != UInt8(ascii: "\n") { line += UnixSocket.readLine(fd) ?? [] }
        if line.last == UInt8(ascii: "\n") { line.removeLast() }
        guard let reply = try? JSON.parse(line), let fields = reply.object else {
            if received >= 0 { close(received) }
            throw LinuxError("no reply from pod supervisor at \(socketPath)", errno: EIO)
        }
        guard fields["ok"]?.bool == true else {
            if received >= 0 { close(received) }
            throw LinuxError(
                fields["error"]?.string ?? "pod supervisor error", errno: Int32(clamping: fields["errno"]?.int ?? 0))
        }
        return fields
    }
}
