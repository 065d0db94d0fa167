import CSkiffLinux
import Glibc

/// The set-up sequence of a container's first process, between clone and execve, shared by
/// `skiff-init run` and pods. It runs as PID 1 of a fresh pid namespace, single-threaded, still
/// in the host's mount namespace. The order is the one LINUX-NOTES §8 measured: cgroups while
/// the host's cgroupfs is visible → join the pod's namespaces → own mount + cgroup namespaces
/// (the cgroup namespace after placement, so its root is the container's cgroup) → mounts →
/// pivot_root → the pod's user namespace, if it has one → credentials and capabilities → no_new_privs → seccomp last → execve
/// (`ContainerSecurity` explains the other order, when privilege escalation is allowed).
enum ContainerProcess {
    /// What the child inherits from its supervisor besides the spec.
    struct Inherited {
        /// Namespace fds of the pod sandbox to join (net, ipc, uts), in that order; empty for `run`.
        var namespaceFDs: [Int32] = []
        /// The pod's user namespace (hostUsers: false), entered after pivot_root.
        var userNamespaceFD: Int32?
        /// The host id its root is (the range's first id): owner of the container's /dev.
        var userNamespaceRoot: UInt32?
        /// The write end of the exec-report pipe (close-on-exec: EOF means execve succeeded).
        var reportFD: Int32
        /// Becomes stdin when set (`stdin: true`: a pipe the supervisor holds); else /dev/null.
        var stdinFD: Int32?
        /// Become stdout and stderr when set (the supervisor's log pipes).
        var stdoutFD: Int32?
        var stderrFD: Int32?
    }

    /// Never returns: execs the container's program, or reports the error and exits 127.
    static func run(_ spec: ContainerSpec, _ inherited: Inherited) -> Never {
        do {
            try setUpAndExec(spec, inherited)
        } catch {
            Syscalls.writeText(inherited.reportFD, "\(error.errno)\t\(error.call)")
        }
        _exit(127)
    }

    static func setUpAndExec(_ spec: ContainerSpec, _ inherited: Inherited) throws(LinuxError) {
        skiff_reset_signals()
        // The container dies with its supervisor rather than outliving it unobserved.
        _ = skiff_set_pdeathsig(SIGKILL)
        try redirectOutput(inherited)
        for file in spec.cgroup.procsFiles {
            try Syscalls.writeFile(file, "0")
        }
        for fd in inherited.namespaceFDs {
            try check("setns(pod namespace)") { skiff_setns(fd, 0) }
        }
        let profile = try ContainerSecurity.seccompProfile(spec.security)
        try Syscalls.unshare(Int32(SKIFF_CLONE_NEWNS | SKIFF_CLONE_NEWCGROUP))
        try Syscalls.makeMountsPrivate()
        try ContainerMounts.assemble(
            spec, userNamespace: inherited.userNamespaceFD, userNamespaceRoot: inherited.userNamespaceRoot)
        if let hostname = spec.hostname {
            try Syscalls.sethostname(hostname)
            try check("link up lo") { skiff_link_up("lo") }
        }
        try Syscalls.pivotRoot(spec.rootfs)
        if spec.tty { try attachTerminal(reportFD: inherited.reportFD) }
        if let fd = inherited.userNamespaceFD {
            // Last of the namespaces: every mount above was made as host root; from here on
            // the process's capabilities hold only in the pod's namespaces, and its ids are
            // the pod's (ContainerSecurity sets them, mapped to the pod's host range).
            try check("setns(user)") { skiff_setns(fd, Int32(SKIFF_CLONE_NEWUSER)) }
        }
        try ContainerSecurity.apply(spec.security, profile: profile)
        try check("chdir(\(spec.workingDirectory))") { Glibc.chdir(spec.workingDirectory) }
        // Every fd the supervisor had open (other pods' pipes, its socket) closes at execve.
        _ = skiff_cloexec_from(3)
        try exec(spec.arguments, environment: spec.effectiveEnvironment)
    }

    static func redirectOutput(_ inherited: Inherited) throws(LinuxError) {
        var input = inherited.stdinFD ?? -1
        if input < 0 { input = try check("open(/dev/null)") { Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC) } }
        try check("dup2(stdin)") { dup2(input, 0) }
        if let out = inherited.stdoutFD { try check("dup2(stdout)") { dup2(out, 1) } }
        if let err = inherited.stderrFD { try check("dup2(stderr)") { dup2(err, 2) } }
    }

    /// Kubernetes' `tty`: a terminal of the container's own devpts (mounted above, so the name
    /// `tty` prints exists in here) becomes the controlling terminal and fds 0–2. Its master goes
    /// to the supervisor over the report socket, ahead of any error report.
    static func attachTerminal(reportFD: Int32) throws(LinuxError) {
        let master = try check("open(/dev/ptmx)") { skiff_pty_open() }
        let peer = try check("open terminal") { skiff_pty_peer(master) }
        let marker = [UInt8(ascii: "T")]
        guard skiff_send_with_fd(reportFD, marker, 1, master) == 1 else { throw LinuxError("send terminal") }
        close(master)
        // Only a session leader can take a controlling terminal.
        _ = setsid()
        try check("TIOCSCTTY") { skiff_set_controlling_tty(peer) }
        for fd: Int32 in 0...2 { try check("dup2(terminal)") { dup2(peer, fd) } }
        if peer > 2 { close(peer) }
    }

    /// The supervisor's side of `attachTerminal`: the master, or nil and the first bytes of the
    /// error report when the child failed before it got there.
    static func receiveTerminal(_ reportFD: Int32) -> (master: Int32?, early: [UInt8]) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var fd: Int32 = -1
        let n = buffer.withUnsafeMutableBytes { skiff_recv_with_fd(reportFD, $0.baseAddress, $0.count, &fd) }
        if fd >= 0 { return (fd, []) }
        return (nil, n > 0 ? Array(buffer[0..<n]) : [])
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

    /// The supervisor's side of the report pipe: reads until EOF (exec happened) and turns a
    /// reported failure back into the child's LinuxError.
    static func awaitExec(_ readFD: Int32, after early: [UInt8] = []) -> LinuxError? {
        let failure = early + Syscalls.readAll(readFD)
        guard !failure.isEmpty else { return nil }
        let text = String(decoding: failure, as: UTF8.self)
        let parts = text.split(separator: "\t", maxSplits: 1).map(String.init)
        return LinuxError(parts.count == 2 ? parts[1] : text, errno: Int32(parts[0]) ?? 0)
    }
}
