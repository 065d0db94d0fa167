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
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = skiff_spawn(path, argv, envp, logPath, fd ?? -1, &pid)
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
