import Foundation
import SkiffAPI
import SkiffClient

/// Making and reclaiming this node's local volumes.
extension LocalVolumeProvisioner {
    /// A claim placed on this node and not bound yet: its directory, its volume, the binding.
    func provision(_ claim: JSON) async throws {
        let annotations = claim[path: ["metadata", "annotations"]]
        let storageClass = claim[path: ["spec", "storageClassName"]]
        guard annotations?[Self.selectedNode]?.string == nodeName,
            (claim[path: ["spec", "volumeName"]]?.string ?? "").isEmpty,
            claim[path: ["metadata", "deletionTimestamp"]] == nil,
            storageClass == nil || storageClass == .null || storageClass?.string == "local-path"
        else { return }
        let uid = claim[path: ["metadata", "uid"]]?.string ?? ""
        let volumeName = "pvc-" + uid
        let path = directory + "/" + volumeName
        // Open to every user, as local-path-provisioner makes it: the pod's user is not known here.
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        let request = claim[path: ["spec", "resources", "requests", "storage"]] ?? "1Gi"
        let accessModes = claim[path: ["spec", "accessModes"]] ?? ["ReadWriteOnce"]
        let volume: JSON = [
            "apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": [
                "name": .string(volumeName),
                "annotations": .object([Self.provisionedBy: .string(Self.name), Self.selectedNode: .string(nodeName)]),
            ],
            "spec": [
                "capacity": ["storage": request], "accessModes": accessModes,
                "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "local-path", "volumeMode": "Filesystem",
                "hostPath": ["path": .string(path), "type": "DirectoryOrCreate"],
                "claimRef": [
                    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "namespace": claim[path: ["metadata", "namespace"]] ?? "default",
                    "name": claim[path: ["metadata", "name"]] ?? "", "uid": .string(uid),
                ],
                "nodeAffinity": [
                    "required": [
                        "nodeSelectorTerms": [
                            [
                                "matchExpressions": [
                                    ["key": "kubernetes.io/hostname", "operator": "In", "values": [.string(nodeName)]]
                                ]
                            ]
                        ]
                    ]
                ],
            ],
        ]
        do throws(SkiffError) {
            let created = try await client.create(Resources.persistentVolumes, namespace: nil, object: volume)
            var status = created
            status["status"] = ["phase": "Bound"]
            _ = try await client.update(
                Resources.persistentVolumes, namespace: nil, object: status, subresource: "status")
        } catch {
            guard error.code == .alreadyExists else { throw error }
            // Made by an earlier try: only ever this claim's, on this node.
            let existing = try await client.get(Resources.persistentVolumes, namespace: nil, name: volumeName)
            guard existing[path: ["spec", "claimRef", "uid"]]?.string == uid, isMine(existing) else {
                throw SkiffError(
                    .conflict,
                    "persistentvolume \"\(volumeName)\" exists and is not this node's volume for claim \(Informer.key(of: claim))"
                )
            }
        }
        let namespace = claim[path: ["metadata", "namespace"]]?.string
        var bound = claim
        bound[path: ["spec", "volumeName"]] = .string(volumeName)
        bound = try await client.update(Resources.persistentVolumeClaims, namespace: namespace, object: bound)
        bound["status"] = ["phase": "Bound", "accessModes": accessModes, "capacity": ["storage": request]]
        _ = try await client.update(
            Resources.persistentVolumeClaims, namespace: namespace, object: bound, subresource: "status")
        logger.info("provisioned a local volume", metadata: ["claim": "\(Informer.key(of: claim))", "path": "\(path)"])
        await self.bound()
    }

    /// Whether a pod of this node that has not finished names the claim.
    func inUse(claimNamespace: String, claimName: String) async -> Bool {
        await pods.list().contains { pod in
            let phase = pod[path: ["status", "phase"]]?.string
            guard pod[path: ["metadata", "namespace"]]?.string == claimNamespace, phase != "Succeeded",
                phase != "Failed"
            else { return false }
            return (pod[path: ["spec", "volumes"]]?.array ?? []).contains {
                $0[path: ["persistentVolumeClaim", "claimName"]]?.string == claimName
            }
        }
    }

    /// A volume this node made whose claim is gone: deleted with its directory (reclaim
    /// policy Delete), or left Released (Retain).
    func reclaimIfReleased(_ volume: JSON) async throws {
        guard isMine(volume), let claimKey = Self.claimKey(of: volume) else { return }
        let uid = volume[path: ["spec", "claimRef", "uid"]]?.string
        let parts = claimKey.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return }
        do throws(SkiffError) {
            let claim = try await client.get(Resources.persistentVolumeClaims, namespace: parts[0], name: parts[1])
            if claim[path: ["metadata", "uid"]]?.string == uid { return }  // still in use
        } catch {
            guard error.code == .notFound else { throw error }
        }
        let name = volume[path: ["metadata", "name"]]?.string ?? ""
        // A claim deleted under a running pod (there is no pvc-protection finalizer yet): the
        // data stays until no pod of this node mounts it any more.
        if await inUse(claimNamespace: parts[0], claimName: parts[1]) {
            throw SkiffError(
                .conflict, "claim \(claimKey) is gone but a pod still mounts volume \(name); reclaiming later")
        }
        guard volume[path: ["spec", "persistentVolumeReclaimPolicy"]]?.string == "Delete" else {
            guard volume[path: ["status", "phase"]]?.string != "Released" else { return }
            var released = volume
            released["status"] = ["phase": "Released"]
            _ = try await client.update(
                Resources.persistentVolumes, namespace: nil, object: released, subresource: "status")
            return
        }
        // Only a directory this provisioner made: inside its own volumes directory, named for the volume.
        let path = directory + "/" + name
        if volume[path: ["spec", "hostPath", "path"]]?.string == path, !name.isEmpty, !name.contains("/") {
            try? FileManager.default.removeItem(atPath: path)
        }
        do throws(SkiffError) {
            try await client.delete(Resources.persistentVolumes, namespace: nil, name: name)
        } catch {
            guard error.code == .notFound else { throw error }
        }
        logger.info("reclaimed a local volume", metadata: ["volume": "\(name)"])
    }
}
