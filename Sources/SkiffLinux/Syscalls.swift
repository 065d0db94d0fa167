import CSkiffLinux
import Glibc

/// Thin, throwing wrappers over the calls container set-up makes. No Dispatch, no async:
/// they run in `skiff-init`, which must stay single-threaded (unshare(CLONE_NEWUSER) fails with
/// EINVAL once a second thread exists).
public enum Syscalls {
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

    public static func fork() throws(LinuxError) -> pid_t {
        try check("fork") { Glibc.fork() }
    }

    /// Waits for `pid` and returns its exit code, or 128 + signal as a shell reports it.
    public static func wait(_ pid: pid_t) throws(LinuxError) -> Int32 {
        var status: Int32 = 0
        try check("waitpid(\(pid))") { Glibc.waitpid(pid, &status, 0) }
        if skiff_wifexited(status) != 0 { return skiff_wexitstatus(status) }
        if skiff_wifsignaled(status) != 0 { return 128 + skiff_wtermsig(status) }
        return 255
    }
}
