import Foundation
import SkiffAPI

/// Owner references as controllers use them: the one with `controller: true` says who
/// manages an object; a controller adopts matching orphans and releases what stops matching.
enum ControllerRef {
    struct Owner: Sendable, Equatable {
        let apiVersion: String
        let kind: String
        let name: String
        let uid: String
    }

    static func of(_ object: JSON) -> Owner? {
        guard
            let ref = (object[path: ["metadata", "ownerReferences"]]?.array ?? []).first(where: {
                $0["controller"]?.bool == true
            }), let uid = ref["uid"]?.string
        else { return nil }
        return Owner(
            apiVersion: ref["apiVersion"]?.string ?? "", kind: ref["kind"]?.string ?? "",
            name: ref["name"]?.string ?? "", uid: uid)
    }

    static func reference(to owner: Owner) -> JSON {
        [
            "apiVersion": .string(owner.apiVersion), "kind": .string(owner.kind), "name": .string(owner.name),
            "uid": .string(owner.uid), "controller": true, "blockOwnerDeletion": true,
        ]
    }

    /// A merge patch that makes `owner` the object's controller (kept: its other references),
    /// guarded by the object's resourceVersion so a concurrent change makes it fail, not race.
    static func adoptPatch(_ object: JSON, by owner: Owner) -> JSON {
        let others = (object[path: ["metadata", "ownerReferences"]]?.array ?? []).filter {
            $0["uid"]?.string != owner.uid
        }
        return patch(object, references: others + [reference(to: owner)])
    }

    /// A merge patch that removes `owner`'s reference.
    static func releasePatch(_ object: JSON, from owner: Owner) -> JSON {
        let rest = (object[path: ["metadata", "ownerReferences"]]?.array ?? []).filter {
            $0["uid"]?.string != owner.uid
        }
        return patch(object, references: rest)
    }

    static func patch(_ object: JSON, references: [JSON]) -> JSON {
        var metadata: JSON = ["ownerReferences": references.isEmpty ? .null : .array(references)]
        if let version = object[path: ["metadata", "resourceVersion"]] { metadata["resourceVersion"] = version }
        return ["metadata": metadata]
    }
}

/// Pod facts the workload controllers share.
enum PodFacts {
    static func isTerminal(_ pod: JSON) -> Bool {
        let phase = pod[path: ["status", "phase"]]?.string
        return phase == "Succeeded" || phase == "Failed"
    }

    static func isDeleting(_ object: JSON) -> Bool {
        let stamp = object[path: ["metadata", "deletionTimestamp"]]
        return stamp != nil && stamp != .null
    }

    /// Counted as a replica: neither finished nor on its way out.
    static func isActive(_ pod: JSON) -> Bool { !isTerminal(pod) && !isDeleting(pod) }

    static func readySince(_ pod: JSON) -> Date? {
        guard
            let ready = (pod[path: ["status", "conditions"]]?.array ?? []).first(where: {
                $0["type"]?.string == "Ready"
            }), ready["status"]?.string == "True"
        else { return nil }
        return ready["lastTransitionTime"]?.string.flatMap(RFC3339.parse) ?? .distantPast
    }

    static func isReady(_ pod: JSON) -> Bool { readySince(pod) != nil }

    /// Ready for at least `minReadySeconds`.
    static func isAvailable(_ pod: JSON, minReadySeconds: Int, now: Date) -> Bool {
        guard let since = readySince(pod) else { return false }
        return minReadySeconds == 0 || now.timeIntervalSince(since) >= Double(minReadySeconds)
    }

    static func labels(_ object: JSON) -> [String: String] {
        (object[path: ["metadata", "labels"]]?.object ?? [:]).compactMapValues { $0.string }
    }
}
