import CSkiffLinux
import Glibc

/// `skiff-init exec`: runs one more process in a running container, as `kubectl exec` asks.
///
/// The helper joins the container's cgroups (v1 files while the host's cgroupfs is still
/// visible), then all of its namespaces in one `setns` on a pidfd of the container's first
/// process, and forks the command there (a pid namespace applies to children only). The child
/// takes the container's credentials, capabilities, no_new_privs and seccomp profile exactly as
/// its first process did (`ContainerSecurity`), its environment and working directory.
///
/// Descriptors: 0–2 are the session's stdin, stdout and stderr; 3 is the report pipe, which
/// gets `E<errno>\t<call>` when set-up fails, or `X<code>` with the command's exit code (128 +
/// signal when killed), so the agent never needs the helper's own exit status. With a
/// terminal, 4 carries resize requests as `<columns> <rows>\n` lines.
public enum ContainerExec {
    public static let reportFD: Int32 = 3
    public static let resizeFD: Int32 = 4

    public struct Request: Sendable {
        /// The container's first process (from the pod's state).
        public var pid: pid_t
        public var container: ContainerSpec
        public var arguments: [String]
        public var tty: Bool

        public init(pid: pid_t, container: ContainerSpec, arguments: [String], tty: Bool) {
            self.pid = pid
            self.container = container
            self.arguments = arguments
            self.tty = tty
        }
    }

    /// Never returns. Exits 0 once the exit code is reported, 125 when set-up failed.
    public static func run(_ request: Request) -> Never {
        do {
            let code = try joinAndRun(request)
            report("X\(code)")
            exit(0)
        } catch {
            report("E\(error.errno)\t\(error.call)")
            exit(125)
        }
    }

    static func joinAndRun(_ request: Request) throws(LinuxError) -> Int32 {
        let spec = request.container
        let profile = try ContainerSecurity.seccompProfile(spec.security)  // a Localhost profile is a host file
        let pidfd = try check("pidfd_open(\(request.pid))") { skiff_pidfd_open(request.pid) }
        defer { close(pidfd) }
        for file in spec.cgroup.procsFiles {
            try Syscalls.writeFile(file, "0")
        }
        var cgroupFD: Int32 = -1
        if let directory = spec.cgroup.v2Directory {
            cgroupFD = try check("open(\(directory))") { open(directory, O_PATH | O_DIRECTORY | O_CLOEXEC) }
        }
        defer { if cgroupFD >= 0 { close(cgroupFD) } }
        try check("setns(container \(request.pid))") { skiff_setns(pidfd, namespaces(of: request.pid)) }
        // Now in the container's mount namespace: /dev/ptmx is the container's own devpts.
        let terminal = request.tty ? try check("open(/dev/ptmx)") { skiff_pty_open() } : -1
        let resizeBuffer = terminal >= 0 ? ExecTerminalRelay.awaitInitialSize(master: terminal, milliseconds: 1000) : []
        // A handle on this helper for the command to check once its death signal is armed
        // (pidfds are close-on-exec: the command never sees it).
        let helper = try check("pidfd_open(self)") { skiff_pidfd_open(getpid()) }
        defer { close(helper) }
        let child = try check("clone3") { skiff_clone3(0, cgroupFD) }
        if child == 0 {
            startCommand(request, profile: profile, terminal: terminal, helper: helper)
        }
        if terminal >= 0 { return ExecTerminalRelay(master: terminal, child: child).run(resizeBuffer: resizeBuffer) }
        return try Syscalls.wait(child)
    }

    /// PR_SET_PDEATHSIG never fires for a parent that died before it was armed, and it is armed
    /// twice (after clone3, again after the ids change). A client that leaves while the command
    /// starts (the agent then kills this helper) would otherwise leave the command running for
    /// good in the container. The pidfd turns readable when the helper has exited. getppid() cannot
    /// tell: in the container's pid namespace it is 0 while the helper lives. A poll a seccomp
    /// profile refuses (-1) proves nothing either way, so only a readable pidfd ends the command.
    static func exitIfGone(_ helper: Int32) {
        var handle = pollfd(fd: helper, events: Int16(POLLIN), revents: 0)
        if poll(&handle, 1, 0) == 1 && handle.revents & Int16(POLLIN) != 0 { _exit(137) }
    }

    /// Every namespace of the container that differs from ours (joining one's own user
    /// namespace is EINVAL; the others are harmless but a pod may share ours, e.g. hostNetwork).
    static func namespaces(of pid: pid_t) -> Int32 {
        var flags: Int32 = 0
        let kinds: [(String, Int32)] = [
            ("mnt", Int32(SKIFF_CLONE_NEWNS)), ("cgroup", Int32(SKIFF_CLONE_NEWCGROUP)),
            ("uts", Int32(SKIFF_CLONE_NEWUTS)), ("ipc", Int32(SKIFF_CLONE_NEWIPC)),
            ("user", Int32(SKIFF_CLONE_NEWUSER)), ("pid", Int32(SKIFF_CLONE_NEWPID)),
            ("net", Int32(SKIFF_CLONE_NEWNET)),
        ]
        for (name, flag) in kinds {
            var theirs = stat()
            var ours = stat()
            guard stat("/proc/\(pid)/ns/\(name)", &theirs) == 0, stat("/proc/self/ns/\(name)", &ours) == 0 else {
                continue
            }
            if theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev { flags |= flag }
        }
        return flags
    }

    /// In the forked child, inside every namespace: terminal, credentials, confinement, execve.
    /// A command that cannot run exits 127 (not found) or 126 with a message on stderr, as a
    /// shell and runc do, so the user sees it among the command's own output.
    static func startCommand(_ request: Request, profile: SeccompFilter?, terminal: Int32, helper: Int32) -> Never {
        skiff_reset_signals()
        _ = skiff_set_pdeathsig(SIGKILL)  // the command ends with its helper (a closed session)
        _ = setsid()
        do throws(LinuxError) {
            if terminal >= 0 {
                let peer = try check("open terminal") { skiff_pty_peer(terminal) }
                try check("TIOCSCTTY") { skiff_set_controlling_tty(peer) }
                for fd: Int32 in 0...2 { try check("dup2(terminal)") { dup2(peer, fd) } }
            }
            let spec = request.container
            if chdir(spec.workingDirectory) != 0 { _ = chdir("/") }
            try ContainerSecurity.apply(spec.security, profile: profile, helper: helper)
            _ = skiff_cloexec_from(3)
            try ContainerProcess.exec(request.arguments, environment: spec.effectiveEnvironment)
        } catch {
            let command = request.arguments.first ?? ""
            let message =
                error.errno == ENOENT && error.call.hasPrefix("execve")
                ? "exec: \"\(command)\": executable file not found in $PATH\n"
                : "exec: \"\(command)\": \(error)\n"
            Syscalls.writeText(2, message)
            _exit(error.errno == ENOENT ? 127 : 126)
        }
        _exit(126)
    }

    static func report(_ text: String) { Syscalls.writeText(reportFD, text) }

    /// The agent's reading of the report pipe: the exit code, or the set-up error.
    public static func parseReport(_ bytes: [UInt8]) -> Result<Int32, LinuxError> {
        let text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("X"), let code = Int32(text.dropFirst()) { return .success(code) }
        if text.hasPrefix("E") {
            let parts = text.dropFirst().split(separator: "\t", maxSplits: 1).map(String.init)
            return .failure(LinuxError(parts.count == 2 ? parts[1] : text, errno: Int32(parts[0]) ?? EIO))
        }
        return .failure(LinuxError("exec helper ended without a report", errno: EIO))
    }
}
