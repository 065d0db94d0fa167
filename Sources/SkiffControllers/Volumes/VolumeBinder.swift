import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// The PersistentVolume controller's binding, for volumes made beforehand (hostPath ones):
/// a claim that names its volume is bound to it; a claim with a storage class other than the
/// local provisioner's (`""` included) is bound to the smallest Available volume of that class
/// with the access modes, size and labels it asks for; a new volume becomes Available; a volume
/// whose claim is gone becomes Released (the node's provisioner reclaims its own volumes).
actor VolumeBinder {
    let client: APIClient
    let claims: Informer
    let volumes: Informer
    let logger: Logger
    let queue = WorkQueue()

    init(client: APIClient, informers: SharedInformers, logger: Logger) async {
        self.client = client
        self.logger = logger
        claims = await informers.informer(Resources.persistentVolumeClaims)
        volumes = await informers.informer(Resources.persistentVolumes)
        let queue = self.queue
        await claims.addHandler { await queue.add("claim:" + $0) }
        await volumes.addHandler { await queue.add("volume:" + $0) }
    }

    func run() async {
        let workers = ControllerWorkers(name: "volume binder", queue: queue, workers: 1, logger: logger)
        await workers.run(waitingFor: [self.claims, self.volumes]) { key in
            try await self.reconcile(key)
            return nil
        }
    }

    func reconcile(_ key: String) async throws {
        if key.hasPrefix("claim:") {
            let claimKey = String(key.dropFirst("claim:".count))
            if let claim = await claims.get(claimKey) { try await bind(claim) }
            return
        }
        guard let volume = await volumes.get(String(key.dropFirst("volume:".count))) else { return }
        try await updateVolumePhase(volume)
        // A volume that became Available may serve a waiting claim.
        if volume[path: ["spec", "claimRef"]] == nil {
            for claim in await claims.list() where (claim[path: ["spec", "volumeName"]]?.string ?? "").isEmpty {
                await queue.add("claim:" + Informer.key(of: claim))
            }
        }
    }

    /// Available without a claim, Bound to a claim that exists, Released once it is gone.
    func updateVolumePhase(_ volume: JSON) async throws {
        let phase: String
        if let reference = volume[path: ["spec", "claimRef"]] {
            let key = (reference["namespace"]?.string ?? "") + "/" + (reference["name"]?.string ?? "")
            let claim = await claims.get(key)
            let sameClaim = reference["uid"] == nil || claim?[path: ["metadata", "uid"]] == reference["uid"]
            if claim != nil && sameClaim {
                phase = "Bound"
            } else if volume[path: ["metadata", "annotations", "pv.kubernetes.io/provisioned-by"]] != nil {
                return  // its provisioner reclaims it
            } else {
                phase = "Released"
            }
        } else {
            phase = "Available"
        }
        guard volume[path: ["status", "phase"]]?.string != phase else { return }
        var updated = volume
        updated["status"] = ["phase": .string(phase)]
        _ = try await client.update(Resources.persistentVolumes, namespace: nil, object: updated, subresource: "status")
    }
}
