import CSkiffLinux
import Glibc
import SkiffJSON

/// The control protocol: one JSON request line, one JSON reply line per connection.
///
///     {"op":"start","container":{…ContainerSpec…}}   → {"ok":true,"record":{…}}
///     {"op":"signal","name":"app","signal":15[,"attempt":2]} → {"ok":true}
///     {"op":"state"}                                 → {"ok":true,"state":{…PodState…}}
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
        let reply: JSON
        if let line = UnixSocket.readLine(connection), let request = try? JSON.parse(line) {
            do throws(LinuxError) {
                reply = try handle(request)
            } catch {
                reply = .object(["ok": false, "error": .string(error.call), "errno": .int(Int64(error.errno))])
            }
        } else {
            reply = .object(["ok": false, "error": "unreadable request: expected one JSON object line"])
        }
        try? Syscalls.writeAll(connection, Array((reply.serializedString() + "\n").utf8))
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
            guard let name = request.object?["name"]?.string, let record = records[name], record.running else {
                throw LinuxError("signal: no running container of that name", errno: ESRCH)
            }
            if let attempt = request.object?["attempt"]?.int, attempt != record.attempt {
                throw LinuxError("signal: run \(attempt) of \(name) is over", errno: ESRCH)
            }
            let signal = Int32(clamping: request.object?["signal"]?.int ?? Int64(SIGTERM))
            try check("kill(\(record.pid), \(signal))") { kill(record.pid, signal) }
            return .object(["ok": true])
        case "state":
            return .object(["ok": true, "state": state.json])
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
        let output = try Syscalls.pipe()
        let errors = try Syscalls.pipe()
        let report = try Syscalls.pipe()
        let pid: pid_t
        do {
            pid = try Syscalls.clone3(self.spec.containerCloneFlags, cgroupDirectory: spec.cgroup.v2Directory)
        } catch {
            for fd in [output.read, output.write, errors.read, errors.write, report.read, report.write] { close(fd) }
            throw error
        }
        if pid == 0 {
            ContainerProcess.run(
                spec,
                .init(
                    namespaceFDs: sandbox.namespaceFDs, userNamespaceFD: sandbox.userNamespaceFD,
                    reportFD: report.write, stdoutFD: output.write, stderrFD: errors.write))
        }
        for fd in [output.write, errors.write, report.write] { close(fd) }
        // `skiff-init exec` (exec sessions, probes, hooks) reads it for this run's settings.
        // Written while the child sets up its mounts, off the start's critical path; should it
        // fail, an exec into this run says the spec file is missing.
        try? Syscalls.writeFileAtomically(spec.specFile, spec.json.serializedString() + "\n")
        let failure = ContainerProcess.awaitExec(report.read)
        close(report.read)
        if let failure {
            close(output.read)
            close(errors.read)
            _ = try? Syscalls.wait(pid)
            throw failure
        }
        let attempt = (records[spec.name]?.attempt ?? 0) + 1
        var record = ContainerRecord(
            name: spec.name, attempt: attempt, pid: pid, startedAt: Timestamp.now(), logPath: spec.logPath)
        record.previous = records[spec.name]?.finished
        records[spec.name] = record
        attachLogs(spec, output: output.read, errors: errors.read)
        persist()
        return record
    }

    /// Without a log path (a test run by hand) the output goes to the supervisor's own stderr.
    func attachLogs(_ spec: ContainerSpec, output: Int32, errors: Int32) {
        for (fd, stream) in [(output, "stdout"), (errors, "stderr")] {
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
