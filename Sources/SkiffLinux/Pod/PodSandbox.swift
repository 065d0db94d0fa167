import CSkiffLinux
import Glibc

/// The pod's "pause" process: created in the pod's new net, uts and ipc namespaces (and pid, when
/// the pod shares one), it sets the
/// hostname, brings loopback up and then only sleeps, holding the namespaces so that containers
/// can join them and come and go. It is a child of the supervisor and dies with it.
struct PodSandbox {
    let pid: pid_t
    /// Open namespace files (close-on-exec), joined by each container before its own set-up.
    let namespaceFDs: [Int32]
    /// hostUsers: false: the pod's user namespace, which each container enters last, after
    /// its mounts (made as host root, with idmapped layers) and pivot_root.
    let userNamespaceFD: Int32?

    static func start(_ spec: PodSandboxSpec) throws(LinuxError) -> PodSandbox {
        let namespaces = spec.namespaces
        let flags = namespaces.reduce(Int32(0)) { $0 | $1.flag }
        let report = try Syscalls.pipe()
        let pid = try Syscalls.clone3(flags, cgroupDirectory: nil)
        if pid == 0 {
            Glibc.close(report.read)
            do {
                skiff_reset_signals()
                _ = skiff_set_pdeathsig(SIGKILL)
                if let path = spec.joinedNetwork {
                    let fd = try check("open(\(path))") { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
                    try check("setns(\(path))") { skiff_setns(fd, Int32(SKIFF_CLONE_NEWNET)) }
                }
                if flags & Int32(SKIFF_CLONE_NEWUTS) != 0 { try Syscalls.sethostname(spec.hostname) }
                if flags & Int32(SKIFF_CLONE_NEWNET) != 0 { try check("link up lo") { skiff_link_up("lo") } }
                // It never execs: close what it inherited (the agent's ready pipe among them),
                // or the agent would wait for an EOF that never comes.
                _ = skiff_close_from(3)  // EOF on the report pipe: ready
                // PID 1 of a shared pid namespace reaps what is orphaned there; otherwise
                // nothing but signals wakes it; SIGTERM and SIGKILL end it (default actions).
                if spec.sharesPodPID { skiff_reap_forever() }
                while true { Glibc.pause() }
            } catch {
                let message = Array("\(error.errno)\t\(error.call)".utf8)
                _ = message.withUnsafeBytes { Glibc.write(report.write, $0.baseAddress, $0.count) }
                _exit(127)
            }
        }
        Glibc.close(report.write)
        if let range = spec.userNamespace {
            // From the parent namespace, once each (LINUX-NOTES §8.2); containers join only
            // after start returns, so none runs unmapped.
            do {
                try Syscalls.writeFile("/proc/\(pid)/uid_map", range.mapLine)
                try Syscalls.writeFile("/proc/\(pid)/gid_map", range.mapLine)
            } catch {
                Glibc.close(report.read)
                kill(pid, SIGKILL)
                _ = try? Syscalls.wait(pid)
                throw error
            }
        }
        let failure = ContainerProcess.awaitExec(report.read)
        Glibc.close(report.read)
        if let failure {
            _ = try? Syscalls.wait(pid)
            throw failure
        }
        var fds: [Int32] = []
        for file in spec.containerNamespaceFiles {
            let path = "/proc/\(pid)/ns/\(file)"
            fds.append(try check("open(\(path))") { Glibc.open(path, O_RDONLY | O_CLOEXEC) })
        }
        var userFD: Int32?
        if spec.userNamespace != nil {
            let path = "/proc/\(pid)/ns/user"
            userFD = try check("open(\(path))") { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
        }
        return PodSandbox(pid: pid, namespaceFDs: fds, userNamespaceFD: userFD)
    }
}
