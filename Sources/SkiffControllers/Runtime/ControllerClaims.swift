import SkiffAPI
import SkiffClient

/// Kubernetes' `ClaimObjects` for a controller and the objects it may manage (a ReplicaSet's
/// pods, a Deployment's ReplicaSets): those it controls and still selects are its own; orphans
/// it selects are adopted (when `adopting`, and `adoptable` agrees); those it controls but no
/// longer selects are released. Adoption and release are merge patches guarded by the
/// object's resourceVersion.
enum ControllerClaims {
    static func claim(
        _ candidates: [JSON], _ info: ResourceInfo, selector: LabelSelector, owner me: ControllerRef.Owner,
        adopting: Bool, adoptable: @escaping @Sendable (JSON) -> Bool, client: APIClient
    ) async throws -> [JSON] {
        var owned: [JSON] = []
        for object in candidates {
            let matches = selector.matches(PodFacts.labels(object))
            if let ref = ControllerRef.of(object) {
                guard ref.uid == me.uid else { continue }
                if matches {
                    owned.append(object)
                } else if adopting {
                    try await patch(object, info, ControllerRef.releasePatch(object, from: me), client)
                }
            } else if adopting, matches, !PodFacts.isDeleting(object), adoptable(object) {
                if let adopted = try await patch(object, info, ControllerRef.adoptPatch(object, by: me), client) {
                    owned.append(adopted)
                }
            }
        }
        return owned
    }

    /// nil when the object has gone meanwhile; a conflict (it changed) is thrown, to retry.
    @discardableResult
    static func patch(_ object: JSON, _ info: ResourceInfo, _ patch: JSON, _ client: APIClient) async throws -> JSON? {
        do throws(SkiffError) {
            return try await client.patch(
                info, namespace: object[path: ["metadata", "namespace"]]?.string,
                name: object[path: ["metadata", "name"]]?.string ?? "", patch: patch)
        } catch {
            if error.code == .notFound { return nil }
            throw error
        }
    }
}
