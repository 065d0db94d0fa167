import Logging
import ServiceLifecycle
import SkiffAPI
import SkiffClient

/// The master's controllers as one service (kube-controller-manager and kube-scheduler in
/// one): shared informers, the scheduler and the workload controllers, each a client of the
/// API over the master's own socket.
public struct ControllerManager: Service {
    public struct Configuration: Sendable {
        public var nodeLifecycle = NodeLifecycleController.Configuration()
        /// Awaited before any controller connects (skiffd: one plain request to the API server,
        /// see `ServerWarmUp`).
        public var warmUp: @Sendable () async -> Void = {}
        public init() {}
    }

    let configuration: Configuration
    let client: APIClient
    let logger: Logger

    public init(configuration: Configuration = Configuration(), client: APIClient, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    public func run() async throws {
        await configuration.warmUp()
        await cancelWhenGracefulShutdown {
            let informers = SharedInformers(client: client, logger: logger)
            // Each asks for its informers and adds its handlers before any informer lists.
            let scheduler = await Scheduler(client: client, informers: informers, logger: logger)
            let replicaSets = await ReplicaSetController(
                kind: .replicaSet, client: client, informers: informers, logger: logger)
            let replicationControllers = await ReplicaSetController(
                kind: .replicationController, client: client, informers: informers, logger: logger)
            let deployments = await DeploymentController(client: client, informers: informers, logger: logger)
            let jobs = await JobController(client: client, informers: informers, logger: logger)
            let cronJobs = await CronJobController(client: client, informers: informers, logger: logger)
            let daemonSets = await DaemonSetController(client: client, informers: informers, logger: logger)
            let nodeLifecycle = await NodeLifecycleController(
                configuration: configuration.nodeLifecycle, client: client, informers: informers, logger: logger)
            let statefulSets = await StatefulSetController(client: client, informers: informers, logger: logger)
            let volumeBinder = await VolumeBinder(client: client, informers: informers, logger: logger)
            let quotas = await ResourceQuotaController(client: client, informers: informers, logger: logger)
            let endpoints = await EndpointsController(client: client, informers: informers, logger: logger)
            let collector = await GarbageCollector(client: client, informers: informers, logger: logger)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await informers.run() }
                group.addTask { await scheduler.run() }
                group.addTask { await replicaSets.run() }
                group.addTask { await replicationControllers.run() }
                group.addTask { await collector.run() }
                group.addTask { await deployments.run() }
                group.addTask { await jobs.run() }
                group.addTask { await cronJobs.run() }
                group.addTask { await daemonSets.run() }
                group.addTask { await nodeLifecycle.run() }
                group.addTask { await statefulSets.run() }
                group.addTask { await volumeBinder.run() }
                group.addTask { await quotas.run() }
                group.addTask { await endpoints.run() }
            }
        }
    }
}
