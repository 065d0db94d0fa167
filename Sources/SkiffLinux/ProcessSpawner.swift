import CSkiffLinux
import Glibc

/// Starts helper processes from a multi-threaded program without fork (LINUX-NOTES §2: fork
/// cost grows with the parent's memory and leaves other threads' locks held in the child).
public enum ProcessSpawner {
    /// Spawns `path` in a new session with output appended to `logPath` and, when given, the
    /// write end of `report` as its fd 3. Returns the pid.
    public static func spawn(
        _ path: String, _ arguments: [String], environment: [String], logPath: String, passing fd: Int32? = nil
    ) throws(LinuxError) -> pid_t {
        try withCStrings(path, arguments, environment) { argv, envp, pid in
            skiff_spawn(path, argv, envp, logPath, fd ?? -1, &pid)
        }
    }

    /// Spawns `path` in a new session with `fds[i]` as its descriptor i (-1: /dev/null) and no
    /// other descriptor.
    public static func spawn(_ path: String, _ arguments: [String], environment: [String], fds: [Int32])
        throws(LinuxError) -> pid_t
    {
        try withCStrings(path, arguments, environment) { argv, envp, pid in
            skiff_spawn_with_fds(path, argv, envp, fds, Int32(fds.count), &pid)
        }
    }

    /// argv and envp as C strings for the duration of `spawn`, which returns an errno value.
    static func withCStrings(
        _ path: String, _ arguments: [String], _ environment: [String],
        _ spawn: ([UnsafeMutablePointer<CChar>?], [UnsafeMutablePointer<CChar>?], inout pid_t) -> Int32
    ) throws(LinuxError) -> pid_t {
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = spawn(argv, envp, &pid)
        guard rc == 0 else { throw LinuxError("posix_spawn(\(path))", errno: rc) }
        return pid
    }

    /// Spawns `skiff-init pod` and waits until the pod is ready (fd 3 closed) or failed (an
    /// error written to fd 3 before exit).
    public static func startPod(initPath: String, directory: PodDirectory) throws(LinuxError) -> pid_t {
        let report = try Syscalls.pipe()
        let pid: pid_t
        do {
            pid = try spawn(
                initPath, ["pod", "--dir", directory.path], environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
                logPath: directory.infraLog, passing: report.write)
        } catch {
            close(report.read)
            close(report.write)
            throw error
        }
        close(report.write)
        let failure = ContainerProcess.awaitExec(report.read)
        close(report.read)
        if let failure { throw failure }
        return pid
    }
}
