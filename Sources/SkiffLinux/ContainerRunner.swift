import CSkiffLinux
import Glibc

/// Starts one container and waits for it.
///
/// Order matters: the caller unshares pid, uts, ipc, net and cgroup namespaces, so the child it
/// forks is PID 1 of the new pid namespace; the child then unshares its OWN mount namespace
/// (were the caller in it, pivot_root would move the caller's root too), makes it private so
/// nothing propagates to the host, assembles the root (overlay, /proc, /dev, /sys), pivots and
/// execs. Set-up errors travel back over a close-on-exec pipe: EOF means execve succeeded.
public enum ContainerRunner {
    public static let namespaces =
        SKIFF_CLONE_NEWPID | SKIFF_CLONE_NEWUTS | SKIFF_CLONE_NEWIPC | SKIFF_CLONE_NEWNET | SKIFF_CLONE_NEWCGROUP

    /// Runs `spec` to completion and returns the container's exit code (128 + signal if killed).
    public static func run(_ spec: ContainerSpec) throws(LinuxError) -> Int32 {
        for dir in [spec.stateDirectory, spec.upperDirectory, spec.workDirectory, spec.rootfs] {
            try Syscalls.mkdir(dir)
        }
        var report: [Int32] = [0, 0]
        try check("pipe") { Glibc.pipe(&report) }
        for fd in report { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        try Syscalls.unshare(Int32(namespaces))
        let pid = try Syscalls.fork()
        if pid == 0 {
            Glibc.close(report[0])
            do {
                try setUpAndExec(spec)
            } catch {
                let message = Array("\(error.errno)\t\(error.call)".utf8)
                _ = message.withUnsafeBytes { Glibc.write(report[1], $0.baseAddress, $0.count) }
            }
            _exit(127)
        }
        Glibc.close(report[1])
        let failure = readAll(report[0])
        Glibc.close(report[0])
        let status = try Syscalls.wait(pid)
        if !failure.isEmpty {
            let text = String(decoding: failure, as: UTF8.self)
            let parts = text.split(separator: "\t", maxSplits: 1).map(String.init)
            throw LinuxError(parts.count == 2 ? parts[1] : text, errno: Int32(parts[0]) ?? 0)
        }
        return status
    }

    /// In the child (PID 1 of the new pid namespace). Never returns on success.
    static func setUpAndExec(_ spec: ContainerSpec) throws(LinuxError) {
        // The container dies with its supervisor rather than outliving it unobserved.
        _ = skiff_set_pdeathsig(SIGKILL)
        try Syscalls.unshare(Int32(SKIFF_CLONE_NEWNS))
        try Syscalls.makeMountsPrivate()
        let root = spec.rootfs
        try Syscalls.mount(
            "overlay", on: root, type: "overlay", flags: 0,
            data: "lowerdir=\(overlayPath(spec.image)),upperdir=\(overlayPath(spec.upperDirectory)),"
                + "workdir=\(overlayPath(spec.workDirectory))")
        let noSuid = UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC)
        try Syscalls.mkdir(root + "/proc")
        try Syscalls.mount("proc", on: root + "/proc", type: "proc", flags: noSuid)
        try Syscalls.mkdir(root + "/sys")
        try Syscalls.mount("sysfs", on: root + "/sys", type: "sysfs", flags: noSuid | UInt(MS_RDONLY))
        try mountDev(root)
        try Syscalls.sethostname(spec.hostname)
        try Syscalls.pivotRoot(root)
        try check("chdir(\(spec.workingDirectory))") { Glibc.chdir(spec.workingDirectory) }
        try exec(spec.arguments, environment: spec.effectiveEnvironment)
    }

    /// overlayfs splits its options on `,` and `lowerdir` on `:` — and image folders are named
    /// `NAME:TAG` — so both are escaped with a backslash, as the kernel's parser expects.
    static func overlayPath(_ path: String) -> String {
        var out = ""
        for c in path {
            if c == ":" || c == "," || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// A minimal /dev: a tmpfs with the six character devices every OCI runtime provides,
    /// bound from the host's (mknod would need the device cgroup to allow it), and /dev/shm.
    static func mountDev(_ root: String) throws(LinuxError) {
        let dev = root + "/dev"
        try Syscalls.mkdir(dev)
        try Syscalls.mount(
            "tmpfs", on: dev, type: "tmpfs", flags: UInt(MS_NOSUID | MS_NOEXEC), data: "mode=755,size=65536k")
        for name in ["null", "zero", "full", "random", "urandom", "tty"] {
            try Syscalls.touch(dev + "/" + name)
            try Syscalls.mount("/dev/" + name, on: dev + "/" + name, type: nil, flags: UInt(MS_BIND))
        }
        try Syscalls.mkdir(dev + "/shm", mode: 0o1777)
        try Syscalls.mount(
            "shm", on: dev + "/shm", type: "tmpfs", flags: UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC),
            data: "mode=1777,size=65536k")
        for (link, target) in [
            ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2"),
        ] {
            _ = Glibc.symlink(target, dev + "/" + link)
        }
    }

    /// execve, with a PATH search (in the new root) for a bare command name.
    static func exec(_ arguments: [String], environment: [String]) throws(LinuxError) {
        guard let command = arguments.first else { throw LinuxError("exec: no command given", errno: EINVAL) }
        var candidates = [command]
        if !command.contains("/") {
            let path = environment.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? ""
            candidates = path.split(separator: ":").map { "\($0)/\(command)" }
        }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        var lastError = ENOENT
        for candidate in candidates where access(candidate, X_OK) == 0 {
            execve(candidate, argv, envp)
            lastError = errno
        }
        throw LinuxError("execve(\(command))", errno: lastError)
    }

    static func readAll(_ fd: Int32) -> [UInt8] {
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
}
