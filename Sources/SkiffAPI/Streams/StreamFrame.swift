/// The channels of a remote command (exec, attach), numbered as Kubernetes' channel protocols
/// (`v4.channel.k8s.io`, `v5.channel.k8s.io`) number them.
public enum StreamChannel: UInt8, Sendable {
    case stdin = 0
    case stdout = 1
    case stderr = 2
    /// The final Status object (success, a non-zero exit code, or why the command did not run).
    case error = 3
    /// `{"Width":w,"Height":h}` for a terminal.
    case resize = 4
    /// v5: the client closed its stdin.
    case closeStdin = 255
}

/// One message between the API server and an agent on an exec stream: `[channel][length,
/// 4 bytes big-endian][payload]`. A WebSocket message carries its own length and SPDY has
/// streams, but a plain HTTP body needs the length to keep messages apart.
public struct StreamFrame: Equatable, Sendable {
    public var channel: StreamChannel
    public var payload: [UInt8]

    public init(_ channel: StreamChannel, _ payload: [UInt8] = []) {
        self.channel = channel
        self.payload = payload
    }

    public var encoded: [UInt8] {
        let count = UInt32(payload.count)
        return [
            channel.rawValue, UInt8(count >> 24), UInt8((count >> 16) & 0xff), UInt8((count >> 8) & 0xff),
            UInt8(count & 0xff),
        ] + payload
    }
}

/// Splits a byte stream into frames, whatever the chunking; unknown channels are skipped.
public struct StreamFrameDecoder: Sendable {
    var buffer: [UInt8] = []

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [StreamFrame] {
        buffer.append(contentsOf: bytes)
        var frames: [StreamFrame] = []
        var start = 0
        while buffer.count - start >= 5 {
            let count =
                Int(buffer[start + 1]) << 24 | Int(buffer[start + 2]) << 16 | Int(buffer[start + 3]) << 8
                | Int(buffer[start + 4])
            guard buffer.count - start - 5 >= count else { break }
            if let channel = StreamChannel(rawValue: buffer[start]) {
                frames.append(StreamFrame(channel, Array(buffer[(start + 5)..<(start + 5 + count)])))
            }
            start += 5 + count
        }
        buffer.removeFirst(start)
        return frames
    }
}

/// The Status objects that end a remote command (shared/K8S-API.md §9): kubectl exits with the
/// code in `details.causes[ExitCode]`, and prints the message of any other failure.
public enum RemoteCommandStatus {
    public static let success: JSON = ["metadata": [:], "status": "Success"]

    public static func exitCode(_ code: Int32) -> JSON {
        guard code != 0 else { return success }
        return [
            "metadata": [:], "status": "Failure",
            "message": .string("command terminated with non-zero exit code: exit status \(code)"),
            "reason": "NonZeroExitCode",
            "details": ["causes": [["reason": "ExitCode", "message": .string("\(code)")]]],
        ]
    }

    /// The command did not run (or the session broke): kubectl prints `error: <message>`.
    public static func failure(_ error: SkiffError) -> JSON {
        [
            "metadata": [:], "status": "Failure", "message": .string(error.message),
            "reason": .string(error.code.reason), "code": .int(Int64(error.code.httpStatus)),
        ]
    }

    /// The exit code a Status carries (0 for success, nil when it is not an exit).
    public static func code(of status: JSON) -> Int32? {
        if status["status"]?.string == "Success" { return 0 }
        let causes = status[path: ["details", "causes"]]?.array ?? []
        return causes.first { $0["reason"]?.string == "ExitCode" }.flatMap { $0["message"]?.string }.flatMap {
            Int32($0)
        }
    }
}
