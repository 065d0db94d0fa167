import Glibc

/// Blocking Unix stream sockets for the pod control protocol: one request line, one reply
/// line, per connection. Plain syscalls, so skiff-init stays single-threaded.
public enum UnixSocket {
    public static func listen(_ path: String) throws(LinuxError) -> Int32 {
        let fd = try bound(path, type: Int32(SOCK_STREAM.rawValue))
        try check("listen(\(path))") { Glibc.listen(fd, 64) }
        return fd
    }

    /// A socket of `type` bound at `path` (a stale file there is replaced), mode 0600.
    static func bound(_ path: String, type: Int32) throws(LinuxError) -> Int32 {
        let fd = try check("socket") { socket(AF_UNIX, type | Int32(SOCK_CLOEXEC.rawValue), 0) }
        unlink(path)
        let (made, length) = try makeAddress(path)
        var address = made
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        if bound == -1 {
            let error = LinuxError("bind(\(path))")
            close(fd)
            throw error
        }
        chmod(path, 0o600)
        return fd
    }

    public static func connect(_ path: String, timeoutSeconds: Int = 10) throws(LinuxError) -> Int32 {
        let fd = try check("socket") { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        let (made, length) = try makeAddress(path)
        var address = made
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
        if connected == -1 {
            let error = LinuxError("connect(\(path))")
            close(fd)
            throw error
        }
        setTimeout(fd, seconds: timeoutSeconds)
        return fd
    }

    /// Bounds how long a read or write may block, so a stuck peer cannot stall the supervisor.
    public static func setTimeout(_ fd: Int32, seconds: Int) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        let size = socklen_t(MemoryLayout<timeval>.size)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, size)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, size)
    }

    /// Reads up to the first newline (excluded); nil on EOF, timeout or a line over `limit`.
    /// Reads in chunks (a start request carries a compiled seccomp program, ~12 KB): the
    /// protocol has one line per connection, so nothing after the newline is lost.
    public static func readLine(_ fd: Int32, limit: Int = 1 << 20) -> [UInt8]? {
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while line.count < limit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                if let newline = chunk[0..<n].firstIndex(of: UInt8(ascii: "\n")) {
                    return line + chunk[0..<newline]
                }
                line += chunk[0..<n]
            } else if n == -1 && errno == EINTR {
                continue
            } else {
                return nil
            }
        }
        return nil
    }

    /// A datagram socket bound at `path` (a stale file there is replaced), mode 0600.
    public static func bindDatagram(_ path: String) throws(LinuxError) -> Int32 {
        try bound(path, type: Int32(SOCK_DGRAM.rawValue))
    }

    /// Sends one datagram to the socket at `path` from an unbound socket, never blocking; false
    /// when nobody listens there (or its queue is full).
    @discardableResult
    public static func sendDatagram(_ bytes: [UInt8], to path: String) -> Bool {
        guard let (made, length) = try? makeAddress(path) else { return false }
        var address = made
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let sent = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, Int32(MSG_DONTWAIT), $0, length)
            }
        }
        return sent == bytes.count
    }

    /// A filesystem path, or `@name` for an abstract socket (systemd's `$NOTIFY_SOCKET` may be
    /// one): a leading NUL instead of the `@`, and a length that counts only the name's bytes.
    static func makeAddress(_ path: String) throws(LinuxError) -> (sockaddr_un, socklen_t) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw LinuxError("socket path \(path) is longer than \(capacity - 1) bytes", errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let base = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        return (address, socklen_t(abstract ? base + bytes.count : MemoryLayout<sockaddr_un>.size))
    }
}
