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

    func send(_ request: JSON) throws(LinuxError) -> [String: JSON] {
        let fd = try UnixSocket.connect(socketPath, timeoutSeconds: 30)
        defer { close(fd) }
        try Syscalls.writeAll(fd, Array((request.serializedString() + "\n").utf8))
        guard let line = UnixSocket.readLine(fd), let reply = try? JSON.parse(line), let fields = reply.object else {
            throw LinuxError("no reply from pod supervisor at \(socketPath)", errno: EIO)
        }
        guard fields["ok"]?.bool == true else {
            throw LinuxError(
                fields["error"]?.string ?? "pod supervisor error", errno: Int32(clamping: fields["errno"]?.int ?? 0))
        }
        return fields
    }
}
