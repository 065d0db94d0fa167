import CSkiffLinux
import Glibc
import SkiffJSON

/// The control protocol: one JSON request line, one JSON reply line per connection.
///
///     {"op":"start","container":{…ContainerSpec…}}   → {"ok":true,"record":{…}}
///     {"op":"signal","name":"app","signal":15[,"attempt":2]} → {"ok":true}
///     {"op":"state"}                                 → {"ok":true,"state":{…PodState…}}
///     {"op":"stdin","name":"app","attempt":2}        → {"ok":true} carrying, as SCM_RIGHTS, the
///                                                      write end of its stdin (or its terminal)
///     {"op":"closeStdin","name":"app","attempt":2}   → {"ok":true}; EOF once other holders close
///     {"op":"stop"}                                  → {"ok":true}, then the pod ends
///
/// Failures reply `{"ok":false,"error":"…","errno":N}`.
extension PodSupervisor {
    func acceptRequest() {
        // accept4 is GNU-only in Swift's Glibc; single-threaded, so no exec can race the flag.
        let connection = accept(listenFD, nil, nil)
        guard connection >= 0 else { return }
        _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
        defer { Glibc.close(connection) }
        UnixSocket.setTimeout(connection, seconds: 2)
        var reply: JSON
        var passing: Int32?
        if let line = UnixSocket.readLine(connection), let request = try? JSON.parse(line) {
            do throws(LinuxError) {
                reply = try handle(request)
                if request.object?["op"]?.string == "stdin" { passing = try stdinWriter(request) }
            } catch {
                reply = .object(["ok": false, "error": .string(error.call), "errno": .int(Int64(error.errno))])
            }
        } else {
            reply = .object(["ok": false, "error": "unreadable request: expected one JSON object line"])
        }
        var bytes = Array((reply.serializedString() + "\n").utf8)
        if let passing {
            // The descriptor rides on the first bytes; a short reply fits one sendmsg.
            let sent = skiff_send_with_fd(connection, bytes, bytes.count, passing)
            guard sent > 0 else { return }
            bytes.removeFirst(sent)
        }
        try? Syscalls.writeAll(connection, bytes)
    }

    /// The run named by `name` and `attempt` (when given), if it is running.
    func runningRecord(_ request: JSON, op: String) throws(LinuxError) -> ContainerRecord {
        guard let name = request.object?["name"]?.string, let record = records[name], record.running else {
            throw LinuxError("\(op): no running container of that name", errno: ESRCH)
        }
        if let attempt = request.object?["attempt"]?.int, attempt != record.attempt {
            throw LinuxError("\(op): run \(attempt) of \(name) is over", errno: ESRCH)
        }
        return record
    }

    func stdinWriter(_ request: JSON) throws(LinuxError) -> Int32 {
        let record = try runningRecord(request, op: "stdin")
        guard let fd = stdinWriters[record.name] else {
            throw LinuxError("stdin: container \(record.name) was not started with stdin: true", errno: ENXIO)
        }
        return fd
    }

    func handle(_ request: JSON) throws(LinuxError) -> JSON {
        switch request.object?["op"]?.string {
        case "start":
            guard let container = request.object?["container"] else {
                throw LinuxError("start: missing container", errno: EINVAL)
            }
            let record = try start(try ContainerSpec(json: container))
            return .object(["ok": true, "record": record.json])
        case "signal":
            let record = try runningRecord(request, op: "signal")
            let signal = Int32(clamping: request.object?["signal"]?.int ?? Int64(SIGTERM))
            try check("kill(\(record.pid), \(signal))") { kill(record.pid, signal) }
            return .object(["ok": true])
        case "state":
            return .object(["ok": true, "state": state.json])
        case "stdin":
            return .object(["ok": true])  // the descriptor comes with the reply (acceptRequest)
        case "closeStdin":
            let record = try runningRecord(request, op: "closeStdin")
            closeStdin(record.name)
            return .object(["ok": true])
        case "stop":
            stopAll()
            return .object(["ok": true])
        case let other:
            throw LinuxError("unknown op \(other ?? "(none)")", errno: EINVAL)
        }
    }

    /// Starts one run of a container and returns once it has exec'd its program (or failed).
    func start(_ spec: ContainerSpec) throws(LinuxError) -> ContainerRecord {
        if let current = records[spec.name], current.running {
            throw LinuxError("start: container \(spec.name) is still running (pid \(current.pid))", errno: EEXIST)
        }
        guard sandboxRunning else { throw LinuxError("start: the pod sandbox is gone", errno: ESRCH) }
        try Syscalls.prepareStateDirectory(spec)
        if let range = self.spec.userNamespace {
            // The upper layer's root is the container's "/": root's inside, i.e. the range's first id.
            try check("chown(\(spec.upperDirectory))") { chown(spec.upperDirectory, range.hostID, range.hostID) }
        }
        let pipes = try ContainerPipes(spec)
        let pid: pid_t
        do {
            pid = try Syscalls.clone3(self.spec.containerCloneFlags, cgroupDirectory: spec.cgroup.v2Directory)
        } catch {
            pipes.closeAll()
            throw error
        }
        if pid == 0 {
            ContainerProcess.run(
                spec,
                .init(
                    namespaceFDs: sandbox.namespaceFDs, userNamespaceFD: sandbox.userNamespaceFD,
                    userNamespaceRoot: self.spec.userNamespace?.hostID, reportFD: pipes.reportChild,
                    stdinFD: pipes.stdin?.read, stdoutFD: pipes.output?.write,
                    stderrFD: pipes.errors?.write))
        }
        pipes.closeChildEnds()
        // `skiff-init exec` (exec sessions, probes, hooks) reads it for this run's settings.
        // Written while the child sets up its mounts, off the start's critical path; should it
        // fail, an exec into this run says the spec file is missing.
        try? Syscalls.writeFileAtomically(spec.specFile, spec.json.serializedString() + "\n")
        let (terminal, early) = spec.tty ? ContainerProcess.receiveTerminal(pipes.report) : (nil, [])
        let failure = ContainerProcess.awaitExec(pipes.report, after: early)
        close(pipes.report)
        if let failure {
            pipes.closeParentEnds()
            if let terminal { close(terminal) }
            _ = try? Syscalls.wait(pid)
            throw failure
        }
        let attempt = (records[spec.name]?.attempt ?? 0) + 1
        var record = ContainerRecord(
            name: spec.name, attempt: attempt, pid: pid, startedAt: Timestamp.now(), logPath: spec.logPath)
        record.previous = records[spec.name]?.finished
        records[spec.name] = record
        if let terminal {
            // The terminal is output and input at once: a second descriptor is attach's to write.
            stdinWriters[spec.name] = fcntl(terminal, F_DUPFD_CLOEXEC, 3)
            attachLogs(spec, [(terminal, "stdout")])
        } else {
            stdinWriters[spec.name] = pipes.stdin?.write
            attachLogs(spec, [(pipes.output?.read ?? -1, "stdout"), (pipes.errors?.read ?? -1, "stderr")])
        }
        persist()
        return record
    }

    /// Ends the container's stdin: its reader sees EOF once no attach holds a copy.
    func closeStdin(_ name: String) {
        if let fd = stdinWriters.removeValue(forKey: name) { close(fd) }
    }

    /// Without a log path (a test run by hand) the output goes to the supervisor's own stderr.
    func attachLogs(_ spec: ContainerSpec, _ outputs: [(fd: Int32, stream: String)]) {
        for (fd, stream) in outputs where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            let logFD: Int32
            if let path = spec.logPath {
                Syscalls.makeParents(of: path)
                logFD = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            } else {
                logFD = dup(2)
            }
            streams[fd] = CRILogStream(pipeFD: fd, logFD: logFD, stream: stream, container: spec.name)
        }
    }
}

/// The descriptors between a supervisor and a container it starts: output and error pipes
/// (one terminal instead, for `tty`), a stdin pipe for `stdin`, and the report socket (a
/// socket rather than a pipe, so a terminal's master can travel on it).
struct ContainerPipes {
    let output: (read: Int32, write: Int32)?
    let errors: (read: Int32, write: Int32)?
    let stdin: (read: Int32, write: Int32)?
    let report: Int32
    let reportChild: Int32

    init(_ spec: ContainerSpec) throws(LinuxError) {
        var made: [Int32] = []
        do throws(LinuxError) {
            func pipe() throws(LinuxError) -> (read: Int32, write: Int32) {
                let ends = try Syscalls.pipe()
                made += [ends.read, ends.write]
                return ends
            }
            output = spec.tty ? nil : try pipe()
            errors = spec.tty ? nil : try pipe()
            stdin = spec.stdin && !spec.tty ? try pipe() : nil
            (report, reportChild) = try Syscalls.socketPair()
        } catch {
            for fd in made { close(fd) }
            throw error
        }
    }

    /// The supervisor's copies of what the child now holds.
    func closeChildEnds() {
        for fd in [output?.write, errors?.write, stdin?.read, reportChild].compactMap({ $0 }) { close(fd) }
    }

    func closeParentEnds() {
        for fd in [output?.read, errors?.read, stdin?.write].compactMap({ $0 }) { close(fd) }
    }

    func closeAll() {
        closeChildEnds()
        closeParentEnds()
        close(report)
    }
}
