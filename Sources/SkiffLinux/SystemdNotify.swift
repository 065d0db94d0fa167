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
        return UnixSocket.sendDatagram(Array(message.utf8), to: path)
    }
}
