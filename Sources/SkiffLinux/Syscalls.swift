import CSkiffLinux
import Glibc

/// Thin, throwing wrappers over the calls container set-up makes. No Dispatch, no async:
/// they run in `skiff-init`, which must stay single-threaded (unshare(CLONE_NEWUSER) fails with
/// EINVAL once a second thread exists).
public enum Syscalls {
    /// CLOCK_MONOTONIC, for deadlines in code that must not call Foundation (skiff-init).
    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    public static func unshare(_ flags: Int32) throws(LinuxError) {
        try check("unshare(0x\(String(flags, radix: 16)))") { skiff_unshare(flags) }
    }

    public static func mount(
        _ source: String, on target: String, type: String?, flags: UInt, data: String? = nil
    ) throws(LinuxError) {
        try check("mount(\(type ?? "bind") \(source) on \(target))") {
            Glibc.mount(source, target, type, flags, data)
        }
    }

    /// A bind seen through the user namespace open at `fd` (hostUsers: false): ids on disk
    /// appear as the same ids inside it, so nothing needs chowning per id range.
    /// `target` is an open file or directory (O_PATH), so no path is resolved again.
    public static func idmappedBind(
        _ source: String, on target: Int32, named name: String, userNamespace fd: Int32, readOnly: Bool
    ) throws(LinuxError) {
        try check("idmapped mount(\(source) on \(name))") { skiff_idmapped_bind(source, target, fd, readOnly ? 1 : 0) }
    }

    /// Stops mount events of this namespace from reaching the host's (and back).
    public static func makeMountsPrivate() throws(LinuxError) {
        try check("mount(make / rprivate)") { Glibc.mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil) }
    }

    public static func mkdir(_ path: String, mode: mode_t = 0o755) throws(LinuxError) {
        if Glibc.mkdir(path, mode) == -1 && errno != EEXIST { throw LinuxError("mkdir(\(path))") }
    }

    /// Creates an empty file to bind a device over.
    public static func touch(_ path: String) throws(LinuxError) {
        let fd = try check("open(\(path))") { Glibc.open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644) }
        Glibc.close(fd)
    }

    public static func sethostname(_ name: String) throws(LinuxError) {
        try check("sethostname(\(name))") { Glibc.sethostname(name, name.utf8.count) }
    }

    /// `pivot_root(".", ".")` then a lazy unmount of the old root, as runc does: no directory
    /// for the old root is needed inside the image.
    public static func pivotRoot(_ newRoot: String) throws(LinuxError) {
        try check("chdir(\(newRoot))") { Glibc.chdir(newRoot) }
        try check("pivot_root(\(newRoot))") { skiff_pivot_root(".", ".") }
        try check("umount2(old root)") { Glibc.umount2(".", Int32(MNT_DETACH)) }
        try check("chdir(/)") { Glibc.chdir("/") }
    }

    /// A close-on-exec pipe: the child keeps an end only by dup2-ing it.
    public static func pipe() throws(LinuxError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        try check("pipe2") { skiff_pipe_cloexec(&fds) }
        return (fds[0], fds[1])
    }

    /// A connected pair of Unix stream sockets (close-on-exec), which can carry descriptors.
    public static func socketPair() throws(LinuxError) -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        try check("socketpair") { skiff_socketpair_cloexec(&fds) }
        return (fds[0], fds[1])
    }

    /// clone3 with fork semantics into new namespaces and, when given, straight into a cgroup
    /// v2 directory (no later move). Single-threaded callers only.
    public static func clone3(_ namespaces: Int32, cgroupDirectory: String?) throws(LinuxError) -> pid_t {
        var cgroupFD: Int32 = -1
        if let cgroupDirectory {
            cgroupFD = try check("open(\(cgroupDirectory))") {
                Glibc.open(cgroupDirectory, O_PATH | O_DIRECTORY | O_CLOEXEC)
            }
        }
        defer { if cgroupFD >= 0 { Glibc.close(cgroupFD) } }
        return try check("clone3") { skiff_clone3(namespaces, cgroupFD) }
    }

    /// Writes `text` to an existing file (cgroup and /proc files take one write each).
    public static func writeFile(_ path: String, _ text: String) throws(LinuxError) {
        let fd = try check("open(\(path))") { Glibc.open(path, O_WRONLY | O_CLOEXEC) }
        defer { Glibc.close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if written != bytes.count { throw LinuxError("write(\(path), \(text))") }
    }

    /// Writes all of `bytes` to a pipe, socket or terminal: retries EINTR, and waits for room
    /// (poll) when a non-blocking descriptor is full, rather than spinning.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(LinuxError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 {
                offset += n
            } else if n == -1 && errno == EAGAIN {
                var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&entry, 1, -1)
            } else if n == -1 && errno == EINTR {
                continue
            } else {
                throw LinuxError("write(fd \(fd))")
            }
        }
    }

    /// `writeAll` of a text, ignoring failure: for reports and messages on the way to exit.
    public static func writeText(_ fd: Int32, _ text: String) { try? writeAll(fd, Array(text.utf8)) }

    /// Replaces `path` whole (write a temporary file, then rename), so a reader never sees half.
    public static func writeFileAtomically(_ path: String, _ text: String) throws(LinuxError) {
        let temporary = path + ".tmp"
        let fd = try check("open(\(temporary))") {
            Glibc.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        defer { Glibc.close(fd) }
        try writeAll(fd, Array(text.utf8))
        try check("rename(\(path))") { rename(temporary, path) }
    }

    /// Alive and not a zombie: an exited process stays a zombie until whoever adopted it reaps
    /// it, and some PID 1s (a container's init) take tens of seconds to (LINUX-NOTES §8.10).
    public static func isRunning(_ pid: pid_t) -> Bool {
        guard pid > 0, Glibc.kill(pid, 0) == 0, let stat = readFile("/proc/\(pid)/stat"),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[close...].hasPrefix(") Z")
    }

    public static func readFile(_ path: String) -> String? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        return String(decoding: readAll(fd), as: UTF8.self)
    }

    /// mkdir -p of the directory that will hold `path`.
    public static func makeParents(of path: String) {
        var prefix = ""
        for component in path.split(separator: "/").dropLast() {
            prefix += "/" + component
            _ = Glibc.mkdir(prefix, 0o755)
        }
    }

    public static func readAll(_ fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                out += buffer[0..<n]
            } else if n == -1 && errno == EINTR {
                continue
            } else {
                return out
            }
        }
    }

    /// Creates the container's writable layer and the mount point of its root.
    static func prepareStateDirectory(_ spec: ContainerSpec) throws(LinuxError) {
        makeParents(of: spec.stateDirectory)
        for dir in [spec.stateDirectory, spec.upperDirectory, spec.workDirectory, spec.rootfs] {
            try mkdir(dir)
        }
    }

    /// Waits for `pid` and returns its exit code, or 128 + signal as a shell reports it.
    public static func wait(_ pid: pid_t) throws(LinuxError) -> Int32 {
        var status: Int32 = 0
        try check("waitpid(\(pid))") { Glibc.waitpid(pid, &status, 0) }
        return exitCode(status).code
    }

    /// A wait status as a shell reports it: the exit code, or 128 + signal (with the signal).
    public static func exitCode(_ status: Int32) -> (code: Int32, signal: Int32?) {
        if skiff_wifexited(status) != 0 { return (skiff_wexitstatus(status), nil) }
        if skiff_wifsignaled(status) != 0 { return (128 + skiff_wtermsig(status), skiff_wtermsig(status)) }
        return (255, nil)
    }
}

/// O_PATH (a GNU name the Glibc module hides): an fd that names a file without opening it.
let O_PATH = Int32(SKIFF_O_PATH)
