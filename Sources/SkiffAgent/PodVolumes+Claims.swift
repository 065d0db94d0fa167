import SkiffAPI
import SkiffClient

extension PodVolumes {
    /// The host directory behind a `persistentVolumeClaim` volume: the claim's volume
    /// (`spec.volumeName`) must be a hostPath PersistentVolume that is not bound to another
    /// claim. A claim that names its volume is mounted before a binder has marked it Bound (the
    /// controllers issue brings the binder and provisioning).
    func claimedPath(_ source: JSON, volume: String) async throws(ContainerStartError) -> String {
        let claimName = source["claimName"]?.string ?? ""
        func fail(_ message: String) -> ContainerStartError {
            ContainerStartError(reason: "CreateContainerConfigError", message: "volume \(volume): \(message)")
        }
        let claim = try await read(Resources.persistentVolumeClaims, namespace: namespace, name: claimName, fail)
        guard let volumeName = claim[path: ["spec", "volumeName"]]?.string, !volumeName.isEmpty else {
            throw fail(
                "persistentvolumeclaim \"\(claimName)\" is not bound to a volume yet: set its spec.volumeName to a PersistentVolume with a hostPath"
            )
        }
        let persistentVolume = try await read(Resources.persistentVolumes, namespace: nil, name: volumeName, fail)
        if let reference = persistentVolume[path: ["spec", "claimRef"]],
            reference["name"]?.string != claimName || reference["namespace"]?.string != namespace
        {
            let owner = "\(reference["namespace"]?.string ?? "")/\(reference["name"]?.string ?? "")"
            throw fail("persistentvolume \"\(volumeName)\" is bound to another claim (\(owner))")
        }
        guard let hostPath = persistentVolume[path: ["spec", "hostPath"]] else {
            throw fail("persistentvolume \"\(volumeName)\" has no hostPath: this node mounts hostPath volumes only")
        }
        return try checkHostPath(hostPath, volume: volume)
    }

    private func read(
        _ info: ResourceInfo, namespace: String?, name: String, _ fail: (String) -> ContainerStartError
    ) async throws(ContainerStartError) -> JSON {
        let kind = info.kind.lowercased()
        do {
            return try await client.get(info, namespace: namespace, name: name)
        } catch  where error.code == .notFound {
            throw fail("\(kind) \"\(name)\" not found")
        } catch {
            throw fail("cannot read \(kind) \"\(name)\": \(error)")
        }
    }
}
