import SkiffJSON

/// What the pod supervisor knows of the latest run of one container; persisted in the pod's
/// `state.json` after every change, so the agent can read it even across its own restarts.
public struct ContainerRecord: Sendable, Equatable {
    public var name: String
    /// How many times the container has been started in this pod (1 on the first run).
    public var attempt: Int
    public var pid: Int32
    public var running: Bool
    /// Exit status, or 128 + signal when killed (as a shell reports it).
    public var exitCode: Int32?
    public var signal: Int32?
    public var startedAt: Int64
    public var finishedAt: Int64?
    public var logPath: String?
    /// The run before this one (kubelet's `lastState`), kept across restarts.
    public var previous: FinishedRun?

    public init(name: String, attempt: Int, pid: Int32, startedAt: Int64, logPath: String?) {
        self.name = name
        self.attempt = attempt
        self.pid = pid
        self.running = true
        self.startedAt = startedAt
        self.logPath = logPath
    }

    public init(json: JSON) throws(LinuxError) {
        let r = try SpecReader(json, path: "container record")
        self.init(
            name: try r.string("name"), attempt: Int(r.int("attempt") ?? 1), pid: Int32(clamping: r.int("pid") ?? 0),
            startedAt: r.int("startedAt") ?? 0, logPath: r.optionalString("logPath"))
        running = r.bool("running")
        exitCode = r.int("exitCode").map { Int32(clamping: $0) }
        signal = r.int("signal").map { Int32(clamping: $0) }
        finishedAt = r.int("finishedAt")
        if let p = try r.object("previous") {
            previous = FinishedRun(
                exitCode: Int32(clamping: p.int("exitCode") ?? 0), signal: p.int("signal").map { Int32(clamping: $0) },
                startedAt: p.int("startedAt") ?? 0, finishedAt: p.int("finishedAt") ?? 0)
        }
    }

    /// This run as a finished one, once it has exited.
    public var finished: FinishedRun? {
        guard !running, let exitCode else { return nil }
        return FinishedRun(
            exitCode: exitCode, signal: signal, startedAt: startedAt, finishedAt: finishedAt ?? startedAt)
    }

    public var json: JSON {
        .compactObject([
            ("name", .string(name)), ("attempt", .int(Int64(attempt))), ("pid", .int(Int64(pid))),
            ("running", .bool(running)), ("exitCode", exitCode.map { .int(Int64($0)) }),
            ("signal", signal.map { .int(Int64($0)) }), ("startedAt", .int(startedAt)),
            ("finishedAt", finishedAt.map(JSON.int)), ("logPath", logPath.map(JSON.string)),
            (
                "previous",
                previous.map {
                    .compactObject([
                        ("exitCode", .int(Int64($0.exitCode))), ("signal", $0.signal.map { .int(Int64($0)) }),
                        ("startedAt", .int($0.startedAt)), ("finishedAt", .int($0.finishedAt)),
                    ])
                }
            ),
        ])
    }
}

public struct FinishedRun: Sendable, Equatable {
    public var exitCode: Int32
    public var signal: Int32?
    public var startedAt: Int64
    public var finishedAt: Int64
}

/// The whole pod as the supervisor reports it (`state` request and `state.json`).
public struct PodState: Sendable, Equatable {
    public var infraPid: Int32
    public var sandboxPid: Int32
    /// False once the sandbox process is gone: the pod's namespaces are then lost.
    public var sandboxRunning: Bool
    public var containers: [ContainerRecord]

    public init(infraPid: Int32, sandboxPid: Int32, sandboxRunning: Bool, containers: [ContainerRecord]) {
        self.infraPid = infraPid
        self.sandboxPid = sandboxPid
        self.sandboxRunning = sandboxRunning
        self.containers = containers
    }

    public init(json: JSON) throws(LinuxError) {
        let r = try SpecReader(json, path: "pod state")
        var containers: [ContainerRecord] = []
        for item in json.object?["containers"]?.array ?? [] { containers.append(try ContainerRecord(json: item)) }
        self.init(
            infraPid: Int32(clamping: r.int("infraPid") ?? 0), sandboxPid: Int32(clamping: r.int("sandboxPid") ?? 0),
            sandboxRunning: r.bool("sandboxRunning"), containers: containers)
    }

    public var json: JSON {
        .object([
            "infraPid": .int(Int64(infraPid)), "sandboxPid": .int(Int64(sandboxPid)),
            "sandboxRunning": .bool(sandboxRunning), "containers": .array(containers.map(\.json)),
        ])
    }
}
