import CSkiffLinux
import Glibc

/// The local terminal of `skiff exec -t`: its size, and raw mode while the session runs (so
/// keys, Ctrl-C included, go to the container's terminal rather than to this process).
public enum Terminal {
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Columns and rows, or nil when `fd` is not a terminal.
    public static func size(_ fd: Int32) -> (columns: Int, rows: Int)? {
        var rows: UInt16 = 0
        var columns: UInt16 = 0
        guard skiff_get_window_size(fd, &rows, &columns) == 0 else { return nil }
        return (Int(columns), Int(rows))
    }

    /// Switches `fd` to raw mode; the returned function restores the previous settings.
    public static func makeRaw(_ fd: Int32) -> (@Sendable () -> Void)? {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        cfmakeraw(&raw)
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return nil }
        let original = saved
        return {
            var restore = original
            _ = tcsetattr(fd, TCSANOW, &restore)
        }
    }
}
