import Glibc

/// sd_notify(3) without libsystemd: one datagram to `$NOTIFY_SOCKET`, which systemd sets for a
/// `Type=notify` service. `READY=1` says the daemon serves; `STATUS=` is what `systemctl status`
/// shows. Written by hand because the protocol is one sendto(2), and linking libsystemd would add
/// a dependency to every install for it.
public enum SystemdNotify {
    /// Sends `READY=1` (and `STATUS=status`). False when not run by systemd (no `$NOTIFY_SOCKET`)
    /// or the send failed; the daemon works the same either way.
    @discardableResult
    public static func ready(status: String) -> Bool {
        send("READY=1\nSTATUS=\(status)\n")
    }

    @discardableResult
    public static func send(_ message: String, socket: String? = nil) -> Bool {
        guard let path = socket ?? getenv("NOTIFY_SOCKET").map({ String(cString: $0) }), !path.isEmpty else {
            return false
        }
        guard let (address, length) = address(path) else { return false }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(message.utf8)
        var target = address
        let sent = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, length) }
        }
        return sent == bytes.count
    }

    /// A filesystem path, or `@name` for an abstract socket: a leading NUL instead of the `@`,
    /// and an address length that counts only the name's bytes (no terminating NUL).
    static func address(_ path: String) -> (sockaddr_un, socklen_t)? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity, bytes.first == 0 || bytes.first == UInt8(ascii: "/") else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let base = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        let length = abstract ? base + bytes.count : MemoryLayout<sockaddr_un>.size
        return (address, socklen_t(length))
    }
}
