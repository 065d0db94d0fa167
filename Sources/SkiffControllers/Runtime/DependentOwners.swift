import SkiffAPI
import SkiffClient

/// Which owners a dependent's change concerns (a pod's ReplicaSet, a ReplicaSet's Deployment):
/// the one it names as controller, the one it was last seen under (so a dependent that is gone
/// still reaches its owner), or, for an orphan, every owner whose selector would adopt it.
struct DependentOwners: Sendable {
    let ownerKind: String
    /// Dependent key → owner key, as last seen.
    private var last: [String: String] = [:]

    init(ownerKind: String) { self.ownerKind = ownerKind }

    /// `candidates`: the owners that may adopt the dependent if it is an orphan (callers list
    /// them only then; see `isOrphan`).
    mutating func targets(
        for key: String, _ dependent: JSON?, candidates: [JSON], selector: (JSON) -> LabelSelector
    ) -> Set<String> {
        var targets: Set<String> = []
        if let previous = last.removeValue(forKey: key) { targets.insert(previous) }
        guard let dependent else { return targets }
        let namespace = dependent[path: ["metadata", "namespace"]]?.string ?? ""
        if let ref = ControllerRef.of(dependent) {
            if ref.kind == ownerKind {
                last[key] = namespace + "/" + ref.name
                targets.insert(namespace + "/" + ref.name)
            }
            return targets
        }
        let labels = PodFacts.labels(dependent)
        for owner in candidates
        where owner[path: ["metadata", "namespace"]]?.string == namespace && selector(owner).matches(labels) {
            targets.insert(namespace + "/" + (owner[path: ["metadata", "name"]]?.string ?? ""))
        }
        return targets
    }

    func owner(of key: String) -> String? { last[key] }

    static func isOrphan(_ dependent: JSON?) -> Bool {
        guard let dependent else { return false }
        return ControllerRef.of(dependent) == nil && !PodFacts.isDeleting(dependent)
    }
}

/// A controller whose dependents are pods (ReplicaSet, Job, DaemonSet, StatefulSet): a pod's
/// change goes to the owner it names, or the one it was last seen under, or — for an active
/// orphan — every owner whose selector would adopt it.
protocol PodOwningController: Actor {
    var pods: Informer { get }
    var ownerInformer: Informer { get }
    var queue: WorkQueue { get }
    var podOwners: DependentOwners { get set }
    nonisolated func ownerSelector(_ owner: JSON) -> LabelSelector
}

extension PodOwningController {
    nonisolated func ownerSelector(_ owner: JSON) -> LabelSelector { ReplicaKind.specSelector(owner) }

    func podChanged(_ key: String) async {
        let pod = await pods.get(key)
        let adoptable = DependentOwners.isOrphan(pod) && pod.map(PodFacts.isActive) == true
        let candidates = adoptable ? await ownerInformer.list() : []
        for target in podOwners.targets(for: key, pod, candidates: candidates, selector: ownerSelector) {
            await queue.add(target)
        }
    }
}
