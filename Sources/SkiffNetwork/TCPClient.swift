import Glibc
import SkiffLinux

/// A blocking TCP client whose socket is made in a chosen network namespace (the node's, to
/// reach pod addresses as kubelet's probes do). Bounded by a timeout on every step.
public struct TCPClient: ~Copyable {
    public let fd: Int32

    /// Connects to `address:port` from the namespace at `namespacePath` (nil: the caller's).
    public init(
        to address: IPv4Address, port: UInt16, namespacePath: String?, timeout: Duration = .seconds(1)
    ) throws(LinuxError) {
        let make = { () throws(LinuxError) -> Int32 in
            try check("socket(tcp)") { Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0) }
        }
        let socketFD: Int32
        if let namespacePath {
            let namespace = try NetworkNamespace.open(namespacePath)
            defer { Glibc.close(namespace) }
            socketFD = try NetworkNamespace.run(in: namespace, make)
        } else {
            socketFD = try make()
        }
        var limit = timeval(
            tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        for option in [SO_SNDTIMEO, SO_RCVTIMEO] {
            setsockopt(socketFD, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        var target = address.socketAddress(port: port)
        let rc = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if rc != 0 {
            let error = LinuxError("connect(\(address):\(port))")
            Glibc.close(socketFD)
            throw error
        }
        fd = socketFD
    }

    deinit { Glibc.close(fd) }

    public func send(_ text: String) throws(LinuxError) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { throw LinuxError("send") }
            bytes = bytes.dropFirst(n)
        }
    }

    /// Reads until the peer closes, up to `limit` bytes (a probe reads no more than it needs).
    public func receiveAll(limit: Int = 1 << 20) throws(LinuxError) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while out.count < limit {
            let n = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { throw LinuxError("recv") }
            if n == 0 { break }
            out += buffer.prefix(n)
        }
        return out
    }
}
