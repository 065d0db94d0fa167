import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// This node's volume provisioner, as local-path-provisioner is on k3s: a claim the scheduler
/// has placed here (annotation `volume.kubernetes.io/selected-node`, storage class unset or
/// `local-path`) gets a directory under the agent's `volumes/`, a PersistentVolume pinned to
/// this node by `nodeAffinity`, and is bound to it. The directory outlives the pods that use
/// it; when the claim goes, reclaim policy Delete removes directory and volume, Retain leaves
/// the volume Released.
actor LocalVolumeProvisioner {
    static let provisionedBy = "pv.kubernetes.io/provisioned-by"
    static let name = "skiff.io/local-path"
    static let selectedNode = "volume.kubernetes.io/selected-node"

    let nodeName: String
    let directory: String
    let client: APIClient
    let logger: Logger
    let claims: Informer
    let volumes: Informer
    /// This node's pods, to keep a volume a pod still mounts.
    let pods: Informer
    let queue = WorkQueue()
    /// Called when a claim is bound, so pods waiting for it start.
    let bound: @Sendable () async -> Void

    init(
        configuration: AgentConfiguration, client: APIClient, pods: Informer, logger: Logger,
        bound: @escaping @Sendable () async -> Void
    ) async {
        nodeName = configuration.nodeName
        directory = configuration.dataDirectory + "/volumes"
        self.client = client
        self.logger = logger
        self.bound = bound
        self.pods = pods
        claims = Informer(client: client, info: Resources.persistentVolumeClaims, logger: logger)
        volumes = Informer(client: client, info: Resources.persistentVolumes, logger: logger)
        let queue = self.queue
        await claims.addHandler { await queue.add("claim:" + $0) }
        await volumes.addHandler { await queue.add("volume:" + $0) }
    }

    /// Until cancelled, which shuts the queue down (a worker waiting on it would never see the
    /// cancellation otherwise, and the agent would not stop).
    func run() async {
        let queue = self.queue
        await withTaskCancellationHandler {
            await work()
        } onCancel: {
            Task { await queue.shutDown() }
        }
    }

    private func work() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.claims.run() }
            group.addTask { await self.volumes.run() }
            group.addTask {
                await self.claims.waitForSync()
                await self.volumes.waitForSync()
                // Volumes whose claims went while the agent was away are looked at once.
                for volume in await self.volumes.list() {
                    await self.queue.add("volume:" + Informer.key(of: volume))
                }
                while let key = await self.queue.next() {
                    do {
                        try await self.reconcile(key)
                        await self.queue.forget(key)
                    } catch {
                        self.logger.warning(
                            "volume provisioning will retry", metadata: ["key": "\(key)", "error": "\(error)"])
                        await self.queue.retry(key)
                    }
                    await self.queue.done(key)
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    func reconcile(_ key: String) async throws {
        if key.hasPrefix("claim:") {
            let claimKey = String(key.dropFirst("claim:".count))
            if let claim = await claims.get(claimKey) {
                try await provision(claim)
            } else {
                // Gone: its volume (if this node made one) is reclaimed.
                for volume in await volumes.list() where Self.claimKey(of: volume) == claimKey {
                    await queue.add("volume:" + Informer.key(of: volume))
                }
            }
        } else if let volume = await volumes.get(String(key.dropFirst("volume:".count))) {
            try await reclaimIfReleased(volume)
        }
    }

    static func claimKey(of volume: JSON) -> String? {
        guard let reference = volume[path: ["spec", "claimRef"]] else { return nil }
        return (reference["namespace"]?.string ?? "") + "/" + (reference["name"]?.string ?? "")
    }

    func isMine(_ volume: JSON) -> Bool {
        volume[path: ["metadata", "annotations", Self.provisionedBy]]?.string == Self.name
            && volume[path: ["metadata", "annotations", Self.selectedNode]]?.string == nodeName
    }
}
