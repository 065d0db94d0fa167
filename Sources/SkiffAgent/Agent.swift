import CSkiffLinux
import Foundation
import Logging
import ServiceLifecycle
import SkiffAPI
import SkiffClient
import SkiffLinux
import SkiffMemory
import SkiffNetwork
import Synchronization

/// `skiffd agent`: registers the node, keeps its Lease fresh, and runs the pods bound to it
/// through `skiff-init pod` supervisors. Pods outlive the agent: on start it re-adopts the
/// pods it finds in its data directory and removes those the API no longer has.
public struct Agent: Service {
    let configuration: AgentConfiguration
    let logger: Logger

    public init(configuration: AgentConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        for dir in [configuration.dataDirectory, configuration.podsDirectory, configuration.logsDirectory] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        guard FileManager.default.isExecutableFile(atPath: configuration.initPath) else {
            throw AgentError("skiff-init not found at \(configuration.initPath): build it, or pass --init-path")
        }
        // Orphaned container processes come to us, not to PID 1, and are reaped here.
        _ = skiff_set_child_subreaper()
        MemoryTrimmer.limitArenas()
        let cgroups = try Self.setUpCgroups(configuration, logger: logger)
        let client = try APIClient(endpoint: ClusterEndpoint.parse(server: configuration.server))
        let record = try await retrying("cannot read this node from the API server yet") {
            try await Self.chooseNetwork(configuration, client: client)
        }
        let network = try Self.setUpNetwork(record, configuration: configuration, logger: logger)
        let hostIP = network.nodeAddress.description
        let registration = NodeRegistration(
            configuration: configuration, client: client, logger: logger, cgroupMode: cgroups.mode,
            internalIP: hostIP, podCIDR: record.podCIDR)
        try await retrying("cannot register node yet") { try await registration.register() }

        let informer = Informer(
            client: client, info: Resources.pods, fieldSelector: "spec.nodeName=\(configuration.nodeName)",
            logger: logger)
        var queueConfiguration = WorkQueue.Configuration()
        queueConfiguration.maxBackoff = .seconds(5)
        let queue = WorkQueue(configuration: queueConfiguration)
        await informer.feed(queue)
        let runtime = PodRuntime(configuration: configuration, cgroups: cgroups, network: network, logger: logger)
        let controller = PodController(
            configuration: configuration, client: client, informer: informer, queue: queue, runtime: runtime,
            logger: logger, hostIP: hostIP)
        let notifications = try SupervisorNotifications(path: configuration.notifySocketPath) { key in
            Task { await queue.add(key) }
        }
        defer { notifications.stop() }
        let server = try AgentServer.application(
            socket: configuration.socketPath, logs: ContainerLogs(informer: informer, runtime: runtime), logger: logger)

        let provisioner = await LocalVolumeProvisioner(
            configuration: configuration, client: client, pods: informer, logger: logger
        ) {
            for pod in await informer.list() { await queue.add(Informer.key(of: pod)) }
        }
        let syncs = SyncCount()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await informer.run() }
            group.addTask { try? await MemoryTrimmer { syncs.value }.run() }
            group.addTask { await registration.renewLease() }
            group.addTask { await provisioner.run() }
            group.addTask { await Self.reapChildren() }
            group.addTask {
                do { try await server.run() } catch {
                    logger.error("agent API stopped", metadata: ["error": "\(error)"])
                }
            }
            group.addTask {
                await informer.waitForSync()
                await Self.removeOrphans(runtime: runtime, informer: informer, logger: logger)
                // Type=notify: registered, cgroups and network ready, its pods known.
                SystemdNotify.ready(
                    status:
                        "node \(configuration.nodeName): \(await informer.list().count) pod(s), cgroups \(cgroups.mode)"
                )
                await Self.resync(informer: informer, queue: queue)
            }
            for _ in 0..<4 {
                group.addTask {
                    while let key = await queue.next() {
                        await controller.sync(key)
                        await queue.done(key)
                        syncs.increment()
                    }
                }
            }
            await withGracefulShutdownHandler {
                await group.next()
            } onGracefulShutdown: {
                Task { await queue.shutDown() }
            }
            group.cancelAll()
        }
    }

    /// Detects the host's cgroup layout, says which mode it runs in, and prepares the parent;
    /// a host it cannot serve (cgroup v1 only, no cgroup.kill) stops the agent with the reason.
    /// `--cgroup-parent delegated` picks the parent from where systemd started the agent.
    static func setUpCgroups(_ configuration: AgentConfiguration, logger: Logger) throws -> PodCgroups {
        let layout = try CgroupLayout.detect()
        logger.info("\(layout.description)")
        var record = CgroupRecord(parent: configuration.cgroupParent, delegated: false)
        if configuration.cgroupParent == DelegatedCgroup.keyword {
            let choice = try DelegatedCgroup.resolve(layout: layout)
            logger.info("\(choice.explanation)")
            record = CgroupRecord(parent: choice.parent, delegated: choice.isDelegated)
        }
        if let previous = CgroupRecord.load(from: configuration.dataDirectory), previous.parent != record.parent,
            let old = try? Cgroups(layout: layout, parent: previous.parent, delegated: previous.delegated),
            let pods = try? old.listPods(), !pods.isEmpty
        {
            // A systemd upgrade (252 → 254) or another --cgroup-parent: the pods already running
            // would be neither watched nor stopped where the agent now looks.
            throw AgentError(
                "\(pods.count) pod(s) of this node still run under the cgroup \(previous.parent), but the agent "
                    + "now puts pods under \(record.parent): end them first with `skiffd stop-pods --data-dir "
                    + "\(configuration.dataDirectory)`, then start the agent again")
        }
        let cgroups = try Cgroups(layout: layout, parent: record.parent, delegated: record.delegated)
        try cgroups.enableRootControllers()
        try cgroups.ensureParent()
        try record.save(to: configuration.dataDirectory)
        return PodCgroups(cgroups: cgroups, podPidsLimit: configuration.podPidsLimit)
    }

    /// Retries `body` every 500 ms (the master may still be starting), logging now and then.
    func retrying<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch {
                attempt += 1
                if attempt % 10 == 1 { logger.warning("\(what)", metadata: ["error": "\(error)"]) }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// The pod CIDR: `--pod-cidr`, else the Node's `spec.podCIDR` (an admin may have set it),
    /// else 10.88.0.0/24 (each node namespace is its own network, so agents need not differ).
    static func chooseNetwork(_ configuration: AgentConfiguration, client: APIClient) async throws
        -> NodeNetworkRecord
    {
        var cidr = configuration.podCIDR
        if cidr == nil { cidr = try await nodePodCIDR(configuration.nodeName, client: client) }
        return NodeNetworkRecord(
            podCIDR: cidr ?? NodeNetworkRecord.defaultPodCIDR, namespaceName: configuration.nodeNamespaceName)
    }

    static func nodePodCIDR(_ name: String, client: APIClient) async throws(SkiffError) -> String? {
        do {
            return try await client.get(Resources.nodes, namespace: nil, name: name)[path: ["spec", "podCIDR"]]?.string
        } catch  where error.code == .notFound {
            return nil
        }
    }

    /// Creates the node namespace and bridge, and records them for `skiffd stop-pods`.
    static func setUpNetwork(_ record: NodeNetworkRecord, configuration: AgentConfiguration, logger: Logger) throws
        -> PodNetwork
    {
        let network: PodNetwork
        do {
            network = try record.podNetwork(stateDirectory: configuration.networkDirectory)
            try network.prepareNode()
        } catch {
            throw AgentError("cannot set up the pod network \(record.podCIDR): \(error)")
        }
        try record.save(to: configuration.networkDirectory)
        logger.info(
            "pod network ready",
            metadata: [
                "podCIDR": "\(record.podCIDR)", "bridge": "\(PodNetwork.bridgeName) \(network.nodeAddress)",
                "netns": "\(record.namespaceName ?? "host")",
            ])
        return network
    }

    /// Pods on disk whose uid the API no longer knows (deleted while the agent was down).
    static func removeOrphans(runtime: PodRuntime, informer: Informer, logger: Logger) async {
        let known = Set(await informer.list().compactMap { $0[path: ["metadata", "uid"]]?.string })
        for uid in Set(runtime.knownPods() + runtime.cgroups.knownPods()) where !known.contains(uid) {
            logger.info("removing pod no longer in the API", metadata: ["uid": "\(uid)"])
            runtime.remove(uid: uid)
        }
        runtime.network?.allocator.releaseAll(except: known)
    }

    /// Every pod is looked at every 10 s, a safety net: exits arrive as supervisor
    /// notifications, and every timed step (back-off, grace, probes) requeues its pod itself.
    static func resync(informer: Informer, queue: WorkQueue) async {
        while !Task.isCancelled {
            for pod in await informer.list() { await queue.add(Informer.key(of: pod)) }
            try? await Task.sleep(for: .seconds(10))
        }
    }

    /// As a subreaper the agent inherits orphans (and its own exited supervisors): reap them.
    static func reapChildren() async {
        while !Task.isCancelled {
            var status: Int32 = 0
            while waitpid(-1, &status, WNOHANG) > 0 {}
            try? await Task.sleep(for: .seconds(1))
        }
    }
}

/// How many pod syncs have run: the memory trimmer works only after some.
final class SyncCount: Sendable {
    private let count = Mutex<Int64>(0)
    var value: Int64 { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}

struct AgentError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Agent {
    /// `skiffd stop-pods`: ends every pod of an agent's data directory (with the agent stopped)
    /// and removes its cgroups, mounts and directory. Returns how many pods were stopped.
    /// `cgroupParent` nil: the one the agent recorded (`cgroup.json`), else `/skiff`.
    public static func stopAllPods(dataDirectory: String, cgroupParent: String?, logger: Logger) throws -> Int {
        let record =
            cgroupParent.map { CgroupRecord(parent: $0, delegated: false) }
            ?? CgroupRecord.load(from: dataDirectory) ?? CgroupRecord(parent: Cgroups.defaultParent, delegated: false)
        var configuration = AgentConfiguration(
            server: "", dataDirectory: dataDirectory, nodeName: "", imageDirectory: "", initPath: "")
        configuration.cgroupParent = record.parent
        let cgroups = PodCgroups(
            cgroups: try Cgroups.detect(parent: record.parent, delegated: record.delegated), podPidsLimit: 0)
        let network = NodeNetworkRecord.load(from: configuration.networkDirectory)
        let podNetwork = try network?.podNetwork(stateDirectory: configuration.networkDirectory)
        let runtime = PodRuntime(configuration: configuration, cgroups: cgroups, network: podNetwork, logger: logger)
        let pods = Set(runtime.knownPods())
        for uid in pods { runtime.remove(uid: uid) }
        // The node namespace goes with the last pod (a new agent makes it again).
        if let name = network?.namespaceName { NetworkNamespace.remove(name) }
        return pods.count
    }
}
