import CSkiffLinux
import Glibc
import SkiffJSON

/// `skiff-init pod`: the pod's infra process, "pause" and supervisor in one. It starts the
/// sandbox, then serves the agent's requests on `control.sock` (start and signal containers,
/// report state), is the parent of every container's first process, records exit statuses,
/// and writes the containers' output to CRI log files. It does not depend on the agent: kill
/// the agent and the pod runs on, logs keep being written, exits keep being recorded.
///
/// Single-threaded by design: one poll loop over a signalfd, the control socket and the
/// containers' output pipes.
public final class PodSupervisor {
    let directory: PodDirectory
    let spec: PodSandboxSpec
    let sandbox: PodSandbox
    let listenFD: Int32
    let signalFD: Int32
    var records: [String: ContainerRecord] = [:]
    var streams: [Int32: CRILogStream] = [:]
    /// The supervisor's end of each running container's stdin (`stdin` or `tty`), for attach.
    var stdinWriters: [String: Int32] = [:]
    var sandboxRunning = true
    var stopping = false

    /// Starts the sandbox and the control socket; the pod is ready when this returns.
    public init(directory: PodDirectory) throws(LinuxError) {
        self.directory = directory
        let text = Syscalls.readFile(directory.spec)
        guard let text, let json = try? JSON.parse(text) else {
            throw LinuxError("read pod spec \(directory.spec)", errno: text == nil ? ENOENT : EINVAL)
        }
        spec = try PodSandboxSpec(json: json)
        _ = setsid()  // no terminal or agent process group signals reach the pod
        signalFD = try check("signalfd") { skiff_signalfd_open() }
        sandbox = try PodSandbox.start(spec)
        if spec.sharesPodPID {
            // Every container this supervisor clones from now on starts in the pod's pid namespace.
            let path = "/proc/\(sandbox.pid)/ns/pid"
            let fd = try check("open(\(path))") { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
            defer { Glibc.close(fd) }
            try check("setns(\(path))") { skiff_setns(fd, Int32(SKIFF_CLONE_NEWPID)) }
        }
        listenFD = try UnixSocket.listen(directory.controlSocket)
        try Syscalls.writeFileAtomically(directory.infraPid, "\(getpid())\n")
        persist()
    }

    /// Serves until a `stop` request or SIGTERM, then ends every container and returns.
    public func run() {
        while !(stopping && records.values.allSatisfy { !$0.running } && !sandboxRunning && streams.isEmpty) {
            var fds = [pollfd(fd: signalFD, events: Int16(POLLIN), revents: 0)]
            if !stopping { fds.append(pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)) }
            for fd in streams.keys { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready == -1 { continue }  // EINTR
            for entry in fds where entry.revents != 0 {
                if entry.fd == signalFD {
                    handleSignals()
                } else if entry.fd == listenFD {
                    acceptRequest()
                } else if let stream = streams[entry.fd], !stream.drain() {
                    stream.close()
                    streams[entry.fd] = nil
                }
            }
        }
        unlink(directory.controlSocket)
        persist()
    }

    func handleSignals() {
        while true {
            let signal = skiff_signalfd_read(signalFD)
            if signal == 0 { return }
            if signal == SIGCHLD {
                reapChildren()
            } else if signal == SIGTERM || signal == SIGINT {
                stopAll()
            }
        }
    }

    func reapChildren() {
        var status: Int32 = 0
        var changed = false
        defer { if changed { notifyAgent() } }
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { break }
            if pid == sandbox.pid {
                sandboxRunning = false
                changed = true
                continue
            }
            guard var record = records.values.first(where: { $0.pid == pid && $0.running }) else { continue }
            record.running = false
            record.finishedAt = Timestamp.now()
            closeStdin(record.name)
            let exit = Syscalls.exitCode(status)
            record.exitCode = exit.code
            record.signal = exit.signal
            records[record.name] = record
            changed = true
        }
        persist()
    }

    /// Tells the agent (if it listens) that this pod changed: one datagram with the pod's key,
    /// never blocking, lost without harm when the agent is down (it syncs every pod on start).
    func notifyAgent() {
        guard let path = spec.notifySocket else { return }
        UnixSocket.sendDatagram(Array("\(spec.namespace)/\(spec.name)\n".utf8), to: path)
    }

    /// Kills every container's PID 1 (its pid namespace takes the rest along) and the sandbox.
    func stopAll() {
        stopping = true
        for record in records.values where record.running { kill(record.pid, SIGKILL) }
        if sandboxRunning { kill(sandbox.pid, SIGKILL) }
    }

    var state: PodState {
        PodState(
            infraPid: getpid(), sandboxPid: sandbox.pid, sandboxRunning: sandboxRunning,
            containers: records.values.sorted { $0.name < $1.name })
    }

    func persist() {
        try? Syscalls.writeFileAtomically(directory.state, state.json.serializedString() + "\n")
    }
}
