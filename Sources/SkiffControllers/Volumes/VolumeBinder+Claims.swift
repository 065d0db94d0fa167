import Foundation
import SkiffAPI
import SkiffClient

/// Binding a claim to a volume.
extension VolumeBinder {
    func bind(_ claim: JSON) async throws {
        guard !PodFacts.isDeleting(claim), claim[path: ["status", "phase"]]?.string != "Bound" else { return }
        let named = claim[path: ["spec", "volumeName"]]?.string ?? ""
        let volume: JSON
        if !named.isEmpty {
            guard let existing = await volumes.get(named) else { return }
            volume = existing
        } else {
            guard !Scheduler.isProvisionable(claim) else { return }
            let all = await volumes.list()
            // A bind cut short (the volume claimed, the claim not yet updated) is finished first.
            let uid = claim[path: ["metadata", "uid"]]?.string
            let started = all.first { $0[path: ["spec", "claimRef", "uid"]]?.string == uid && uid != nil }
            guard let match = started ?? Self.bestMatch(for: claim, in: all) else { return }
            volume = match
        }
        let uid = claim[path: ["metadata", "uid"]] ?? .null
        if let reference = volume[path: ["spec", "claimRef"]] {
            // Bound to another claim (or another incarnation of this one): not ours to take.
            guard reference["name"] == claim[path: ["metadata", "name"]],
                reference["namespace"] == claim[path: ["metadata", "namespace"]],
                reference["uid"] == nil || reference["uid"] == uid
            else { return }
        }
        let namespace = claim[path: ["metadata", "namespace"]]?.string
        var bound = volume
        bound[path: ["spec", "claimRef"]] = [
            "apiVersion": "v1", "kind": "PersistentVolumeClaim", "namespace": .string(namespace ?? "default"),
            "name": claim[path: ["metadata", "name"]] ?? "", "uid": uid,
        ]
        bound = try await client.update(Resources.persistentVolumes, namespace: nil, object: bound)
        bound["status"] = ["phase": "Bound"]
        _ = try await client.update(Resources.persistentVolumes, namespace: nil, object: bound, subresource: "status")
        var updated = claim
        if named.isEmpty {
            updated[path: ["spec", "volumeName"]] = volume[path: ["metadata", "name"]]
            updated = try await client.update(Resources.persistentVolumeClaims, namespace: namespace, object: updated)
        }
        updated["status"] = [
            "phase": "Bound", "accessModes": volume[path: ["spec", "accessModes"]] ?? [],
            "capacity": volume[path: ["spec", "capacity"]] ?? [:],
        ]
        _ = try await client.update(
            Resources.persistentVolumeClaims, namespace: namespace, object: updated, subresource: "status")
    }

    /// The smallest free volume of the claim's class that has its access modes, at least its
    /// size, and the labels its selector asks for.
    static func bestMatch(for claim: JSON, in volumes: [JSON]) -> JSON? {
        let spec = claim["spec"]
        let storageClass = spec?["storageClassName"]?.string ?? ""
        let modes = Set((spec?["accessModes"]?.array ?? []).compactMap(\.string))
        let request = (spec?[path: ["resources", "requests", "storage"]]).flatMap { try? Quantity(json: $0) }
        let selector = spec?["selector"].flatMap { $0 == .null ? nil : try? LabelSelector(json: $0) }
        let size = { (volume: JSON) in
            (volume[path: ["spec", "capacity", "storage"]]).flatMap { try? Quantity(json: $0) }
        }
        return volumes.filter { volume in
            guard volume[path: ["spec", "claimRef"]] == nil, !PodFacts.isDeleting(volume),
                (volume[path: ["spec", "storageClassName"]]?.string ?? "") == storageClass,
                modes.isSubset(of: Set((volume[path: ["spec", "accessModes"]]?.array ?? []).compactMap(\.string)))
            else { return false }
            if let selector, !selector.matches(PodFacts.labels(volume)) { return false }
            guard let request else { return true }
            return size(volume).map { $0 >= request } ?? false
        }.min { (size($0)?.value ?? 0) < (size($1)?.value ?? 0) }
    }
}
