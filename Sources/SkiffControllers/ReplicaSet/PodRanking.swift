import Foundation
import SkiffAPI

/// Which replicas go first when there are too many, as Kubernetes' `ActivePods` ordering:
/// unscheduled before scheduled, Pending before Unknown before Running, not ready before
/// ready, ready for less time first, more container restarts first, then the newest.
enum PodRanking {
    static func deletionOrder(_ pods: [JSON]) -> [JSON] {
        pods.sorted { isDeletedBefore($0, $1) }
    }

    static func isDeletedBefore(_ a: JSON, _ b: JSON) -> Bool {
        let aBound = !(a[path: ["spec", "nodeName"]]?.string ?? "").isEmpty
        let bBound = !(b[path: ["spec", "nodeName"]]?.string ?? "").isEmpty
        if aBound != bBound { return !aBound }
        let (aPhase, bPhase) = (phaseRank(a), phaseRank(b))
        if aPhase != bPhase { return aPhase < bPhase }
        let (aReady, bReady) = (PodFacts.readySince(a), PodFacts.readySince(b))
        if (aReady == nil) != (bReady == nil) { return aReady == nil }
        if let aReady, let bReady, aReady != bReady { return aReady > bReady }
        let (aRestarts, bRestarts) = (restarts(a), restarts(b))
        if aRestarts != bRestarts { return aRestarts > bRestarts }
        return created(a) > created(b)
    }

    static func phaseRank(_ pod: JSON) -> Int {
        switch pod[path: ["status", "phase"]]?.string {
        case "Pending": 0
        case "Running": 2
        default: 1
        }
    }

    static func restarts(_ pod: JSON) -> Int64 {
        (pod[path: ["status", "containerStatuses"]]?.array ?? []).reduce(0) { $0 + ($1["restartCount"]?.int ?? 0) }
    }

    static func created(_ pod: JSON) -> String { pod[path: ["metadata", "creationTimestamp"]]?.string ?? "" }
}
