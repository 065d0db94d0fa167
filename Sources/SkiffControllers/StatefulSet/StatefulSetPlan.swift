import SkiffAPI

/// One pass of a StatefulSet over its ordinals, as Kubernetes' `updateStatefulSet`: the pods
/// `NAME-start … NAME-(start+replicas-1)` made in order, each only once those before it are
/// Running and Ready (OrderedReady; all at once for Parallel); failed pods deleted to be made
/// again under the same name; extra ordinals removed from the highest down; then, under
/// RollingUpdate, pods of an old revision replaced from the highest ordinal down to the
/// partition, one at a time, each once the set is healthy.
struct StatefulSetPlan: Sendable, Equatable {
    var create: [Int] = []
    var delete: [String] = []

    struct Spec: Sendable {
        let name: String
        let replicas: Int
        let start: Int
        let parallel: Bool
        /// nil for OnDelete.
        let partition: Int?

        init(_ set: JSON) {
            let spec = set["spec"]
            name = set[path: ["metadata", "name"]]?.string ?? ""
            replicas = Int(spec?["replicas"]?.int ?? 1)
            start = Int(spec?[path: ["ordinals", "start"]]?.int ?? 0)
            parallel = spec?["podManagementPolicy"]?.string == "Parallel"
            let strategy = spec?["updateStrategy"]
            partition =
                strategy?["type"]?.string == "OnDelete"
                ? nil : Int(strategy?[path: ["rollingUpdate", "partition"]]?.int ?? 0)
        }

        var ordinals: Range<Int> { start..<(start + replicas) }

        /// `web-2` → 2, for pods of this set.
        func ordinal(of pod: JSON) -> Int? {
            guard let podName = pod[path: ["metadata", "name"]]?.string, podName.hasPrefix(name + "-") else {
                return nil
            }
            return Int(podName.dropFirst(name.count + 1))
        }
    }

    static func isHealthy(_ pod: JSON) -> Bool {
        pod[path: ["status", "phase"]]?.string == "Running" && PodFacts.isReady(pod) && !PodFacts.isDeleting(pod)
    }

    init(_ spec: Spec, pods: [Int: JSON], revision: (JSON) -> String?, updateRevision: String) {
        let name = { (pod: JSON) in pod[path: ["metadata", "name"]]?.string ?? "" }
        var blocked = false  // OrderedReady: a pod before this one is not healthy yet
        for ordinal in spec.ordinals {
            guard let pod = pods[ordinal] else {
                if !blocked { create.append(ordinal) }
                blocked = blocked || !spec.parallel
                continue
            }
            if PodFacts.isTerminal(pod) && !PodFacts.isDeleting(pod) {
                if !blocked { delete.append(name(pod)) }  // made again once it is gone
            }
            if !Self.isHealthy(pod) { blocked = blocked || !spec.parallel }
        }
        // Scale down: highest first; in order only while everything kept is healthy.
        let condemned = pods.keys.filter { !spec.ordinals.contains($0) }.sorted(by: >)
        for ordinal in condemned {
            guard let pod = pods[ordinal] else { continue }
            if PodFacts.isDeleting(pod) {
                if !spec.parallel { return }
                continue
            }
            if !spec.parallel && (blocked || !create.isEmpty) { return }
            delete.append(name(pod))
            if !spec.parallel { return }
        }
        guard let partition = spec.partition, create.isEmpty, delete.isEmpty, !blocked else { return }
        // Rolling update: the highest ordinal at an old revision goes; one at a time.
        for ordinal in spec.ordinals.reversed() where ordinal >= partition {
            guard let pod = pods[ordinal] else { return }
            if revision(pod) != updateRevision {
                delete.append(name(pod))
                return
            }
        }
    }
}
