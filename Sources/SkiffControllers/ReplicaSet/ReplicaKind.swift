import SkiffAPI

/// The two kinds that keep a number of pod replicas: apps/v1 ReplicaSet (a label selector
/// object) and core/v1 ReplicationController (a plain map of labels, defaulting to the
/// template's). One controller serves both.
struct ReplicaKind: Sendable {
    let info: ResourceInfo
    let apiVersion: String
    let kind: String
    let mapSelector: Bool

    static let replicaSet = ReplicaKind(
        info: Resources.replicaSets, apiVersion: "apps/v1", kind: "ReplicaSet", mapSelector: false)
    static let replicationController = ReplicaKind(
        info: Resources.replicationControllers, apiVersion: "v1", kind: "ReplicationController", mapSelector: true)

    /// The pods the owner claims. An unreadable selector selects nothing (validation refuses
    /// one on write, so this is a safety net, never a way to adopt every pod).
    func selector(_ owner: JSON) -> LabelSelector {
        let spec = owner["spec"]
        if mapSelector {
            let labels = spec?["selector"]?.object ?? spec?[path: ["template", "metadata", "labels"]]?.object ?? [:]
            guard !labels.isEmpty else { return .nothing }
            return (try? LabelSelector(json: ["matchLabels": .object(labels)])) ?? .nothing
        }
        return Self.specSelector(owner)
    }

    /// An apps/v1 owner's `spec.selector` (ReplicaSet, Deployment, …): missing, empty or
    /// unreadable selects nothing.
    static func specSelector(_ owner: JSON) -> LabelSelector {
        guard let selector = owner[path: ["spec", "selector"]], selector.object?.isEmpty == false else {
            return .nothing
        }
        return (try? LabelSelector(json: selector)) ?? .nothing
    }
}
