import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SkiffAPI
import SkiffAPIServer
import SkiffAgent
import SkiffClient
import SkiffControllers
import SkiffLinux

/// `skiffd`: the master (and, with the node issue, the agent) in one executable.
@main
struct Skiffd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skiffd", abstract: "Skiff's daemons: the master (API server, store, controllers).",
        subcommands: [MasterCommand.self, AgentCommand.self, StopPodsCommand.self])
}

struct MasterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "master", abstract: "Run the API server, store and controllers.")

    @Option(help: "Directory for the store, socket, certificates and kubeconfig.")
    var dataDir: String

    @Option(help: "Unix socket path (default: DATA-DIR/api.sock).")
    var socket: String?

    @Option(help: "HTTPS listen address HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:6443"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "How long a node's Lease may go unrenewed before it is Ready=Unknown (kube-controller-manager: 40s).")
    var nodeMonitorGracePeriod: String = "40s"

    @Option(help: "Seconds new pods tolerate an unreachable node before eviction (kube-apiserver: 300).")
    var defaultUnreachableTolerationSeconds: Int64 = 300

    @Option(help: "Seconds new pods tolerate a not-ready node before eviction (kube-apiserver: 300).")
    var defaultNotReadyTolerationSeconds: Int64 = 300

    func validate() throws {
        guard Duration(flag: nodeMonitorGracePeriod).map({ $0 > .zero }) == true else {
            throw ValidationError(
                "--node-monitor-grace-period must be a positive duration such as 40s or 1m (got \(nodeMonitorGracePeriod))"
            )
        }
        for (flag, value) in [
            ("--default-unreachable-toleration-seconds", defaultUnreachableTolerationSeconds),
            ("--default-not-ready-toleration-seconds", defaultNotReadyTolerationSeconds),
        ] where value < 0 {
            throw ValidationError("\(flag) must be 0 or more seconds (got \(value))")
        }
        guard listen.split(separator: ":").count == 2, Int(listen.split(separator: ":")[1]) != nil else {
            throw ValidationError("--listen must be HOST:PORT, for example 127.0.0.1:6443 (got \(listen))")
        }
        try DaemonLogging.validate(logLevel)
    }

    func run() async throws {
        DaemonLogging.bootstrap(logLevel)
        let logger = Logger(label: "skiffd.master")
        let dir = URL(fileURLWithPath: dataDir).standardizedFileURL
        var config = Master.Configuration(dataDirectory: dir)
        config.socketPath = socket
        let parts = listen.split(separator: ":")
        config.listenHost = String(parts[0])
        config.listenPort = Int(parts[1]) ?? 6443
        Defaulting.setDefaultTolerationSeconds(
            notReady: defaultNotReadyTolerationSeconds, unreachable: defaultUnreachableTolerationSeconds)
        var master = Master(configuration: config, logger: logger)
        // The controllers talk to the API like any client, over the master's own socket.
        let client = try APIClient(endpoint: .unixSocket(path: config.resolvedSocketPath))
        var controllers = ControllerManager.Configuration()
        controllers.nodeLifecycle.gracePeriod = Duration(flag: nodeMonitorGracePeriod) ?? .seconds(40)
        let socketPath = config.resolvedSocketPath
        let listening = listen
        controllers.warmUp = {
            // Type=notify: systemd counts the master started once its API answers.
            if await ServerWarmUp.firstRequest(socket: socketPath) {
                SystemdNotify.ready(status: "serving the API on \(socketPath) and https://\(listening)")
            }
        }
        master.services = [
            ControllerManager(configuration: controllers, client: client, logger: Logger(label: "skiffd.controllers"))
        ]
        try await master.run()
    }
}

struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Run a node agent: register the node and run the pods bound to it.")

    @Option(help: "The master's API: unix:///PATH/api.sock or https://HOST:PORT.")
    var server: String

    @Option(help: "Directory for pods, logs, the agent socket and seccomp profiles.")
    var dataDir: String

    @Option(help: "This node's name.")
    var nodeName: String

    @Option(help: "Pod CIDR (default: the node's spec.podCIDR, else 10.88.0.0/24).")
    var podCidr: String?

    @Option(help: "Image directory (default: $SKIFF_IMAGE_DIR, rootfs/images of the checkout, /var/lib/skiff/images).")
    var imageDir: String?

    @Option(help: "skiff-init executable (default: beside skiffd).")
    var initPath: String?

    @Option(
        help:
            "cgroup parent: an absolute path in each hierarchy, or `delegated` for the cgroup systemd gives the agent (Delegate=yes, DelegateSubgroup=agent)."
    )
    var cgroupParent: String = "/skiff"

    @Option(help: "Network namespace for the node side of pod networking, or `host`.")
    var nodeNetns: String?

    @Option(help: "Most pods this node runs.")
    var maxPods: Int = 110

    @Option(help: "pids limit of each pod.")
    var podPidsLimit: Int = 4096

    @Option(
        help:
            "First host id of the 65536-id ranges given to hostUsers: false pods (one range per pod, up to --max-pods)."
    )
    var usernsIdBase: UInt32 = AgentConfiguration.defaultUserNamespaceBase

    @Option(help: "First restart back-off (kubelet: 10s).")
    var backoffInitial: String = "10s"

    @Option(help: "Longest restart back-off (kubelet: 300s).")
    var backoffMax: String = "300s"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        for (flag, value) in [("--backoff-initial", backoffInitial), ("--backoff-max", backoffMax)]
        where Duration(flag: value) == nil {
            throw ValidationError("\(flag) must be a duration such as 500ms, 10s or 5m (got \(value))")
        }
        guard maxPods > 0, podPidsLimit > 0 else {
            throw ValidationError("--max-pods and --pod-pids-limit must be positive")
        }
        if let podCidr, let problem = AgentConfiguration.podCIDRProblem(podCidr) {
            throw ValidationError(problem)
        }
        if let nodeNetns, let problem = AgentConfiguration.nodeNetnsProblem(nodeNetns) {
            throw ValidationError(problem)
        }
        guard UInt64(usernsIdBase) + UInt64(maxPods) * 65536 <= UInt64(UInt32.max) else {
            throw ValidationError(
                "--userns-id-base \(usernsIdBase) leaves no room for \(maxPods) ranges of 65536 ids below 2^32: lower it or --max-pods"
            )
        }
        guard usernsIdBase >= 65536 else {
            throw ValidationError(
                "--userns-id-base must be at least 65536, above the host's own ids (got \(usernsIdBase))")
        }
        guard cgroupParent.hasPrefix("/") || cgroupParent == DelegatedCgroup.keyword else {
            throw ValidationError(
                "--cgroup-parent must be an absolute cgroup path such as /skiff, or `delegated` (got \(cgroupParent))")
        }
        try DaemonLogging.validate(logLevel)
    }

    func run() async throws {
        DaemonLogging.bootstrap(logLevel)
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let dataDirectory = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        var config = AgentConfiguration(
            server: server, dataDirectory: dataDirectory, nodeName: nodeName,
            imageDirectory: imageDir ?? AgentConfiguration.defaultImageDirectory(executable: executable),
            initPath: initPath ?? (executable as NSString).deletingLastPathComponent + "/skiff-init")
        config.podCIDR = podCidr
        config.cgroupParent = cgroupParent
        if let nodeNetns { config.nodeNetns = nodeNetns }
        config.maxPods = maxPods
        config.podPidsLimit = podPidsLimit
        config.userNamespaceBase = usernsIdBase
        config.backoffInitial = Duration(flag: backoffInitial) ?? .seconds(10)
        config.backoffMax = Duration(flag: backoffMax) ?? .seconds(300)
        let logger = Logger(label: "skiffd.agent")
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: Agent(configuration: config, logger: logger))],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

struct StopPodsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop-pods",
        abstract: "Stop every pod of a stopped agent's data directory and remove their cgroups and files.",
        discussion: "Pods outlive their agent by design; `skiff cluster down` uses this to end them too.")

    @Option(help: "The agent's data directory.")
    var dataDir: String

    @Option(help: "The agent's cgroup parent (default: the one it recorded in its data directory, else /skiff).")
    var cgroupParent: String?

    func run() throws {
        let dir = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        let count = try Agent.stopAllPods(
            dataDirectory: dir, cgroupParent: cgroupParent, logger: Logger(label: "skiffd.stop-pods"))
        print("stopped \(count) pod(s) of \(dir)")
    }
}

/// Both daemons log to stderr at the level their `--log-level` names.
enum DaemonLogging {
    static func validate(_ level: String) throws {
        guard Logger.Level(rawValue: level) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    static func bootstrap(_ name: String) {
        let level = Logger.Level(rawValue: name) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
