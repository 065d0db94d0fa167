import Foundation
import SkiffAPI
import SkiffClient

/// The three propagation policies, each as the collector carries it out.
extension GarbageCollector {
    /// Background: all owners gone → delete; some gone → drop the dangling references.
    func collectIfOwnersGone(_ object: JSON, _ info: ResourceInfo) async throws {
        let references = object[path: ["metadata", "ownerReferences"]]?.array ?? []
        guard !references.isEmpty, !PodFacts.isDeleting(object) else { return }
        var absent: Set<String> = []
        for reference in references where try await !ownerExists(reference, namespace: namespace(object)) {
            absent.insert(reference["uid"]?.string ?? "")
        }
        guard !absent.isEmpty else { return }
        let name = object[path: ["metadata", "name"]]?.string ?? ""
        if absent.count == references.count {
            logger.debug("collecting", metadata: ["object": "\(info.resource)/\(name)"])
            try await ignoringNotFound {
                let uid = object[path: ["metadata", "uid"]]?.string ?? ""
                _ = try await client.delete(
                    info, namespace: namespace(object), name: name,
                    options: ["propagationPolicy": "Background", "preconditions": ["uid": .string(uid)]])
            }
        } else {
            let kept = references.filter { !absent.contains($0["uid"]?.string ?? "") }
            try await patchReferences(object, info, kept)
        }
    }

    /// Orphan: the dependents lose their reference to the owner, then the owner its finalizer.
    func orphanDependents(_ owner: JSON, _ ownerInfo: ResourceInfo) async throws {
        let uid = owner[path: ["metadata", "uid"]]?.string ?? ""
        for item in graph.dependents(of: uid) {
            guard let dependent = await object(item), let info = info(item) else { continue }
            let kept = (dependent[path: ["metadata", "ownerReferences"]]?.array ?? []).filter {
                $0["uid"]?.string != uid
            }
            try await patchReferences(dependent, info, kept)
        }
        try await removeFinalizer("orphan", from: owner, ownerInfo)
    }

    /// Foreground: the dependents are deleted; the owner goes once none that blocks it is left.
    func deleteDependentsFirst(_ owner: JSON, _ ownerInfo: ResourceInfo) async throws {
        let uid = owner[path: ["metadata", "uid"]]?.string ?? ""
        var blocked = false
        for item in graph.dependents(of: uid) {
            guard let dependent = await object(item), let info = info(item) else { continue }
            let reference = (dependent[path: ["metadata", "ownerReferences"]]?.array ?? []).first {
                $0["uid"]?.string == uid
            }
            if reference?["blockOwnerDeletion"]?.bool == true { blocked = true }
            guard !PodFacts.isDeleting(dependent) else { continue }
            // Pods have no dependents of their own; anything else is taken down the same way.
            let policy = info.kind == "Pod" ? "Background" : "Foreground"
            try await ignoringNotFound {
                _ = try await client.delete(
                    info, namespace: namespace(dependent), name: dependent[path: ["metadata", "name"]]?.string ?? "",
                    options: ["propagationPolicy": .string(policy)])
            }
        }
        // Still blocked: the dependents' own changes (their removal) bring the owner back.
        if !blocked { try await removeFinalizer("foregroundDeletion", from: owner, ownerInfo) }
    }

    /// Whether the referenced owner exists with that uid: from the caches, else a live read
    /// (an owner of a kind not watched, or one the watch has not brought yet).
    func ownerExists(_ reference: JSON, namespace: String?) async throws -> Bool {
        guard let uid = reference["uid"]?.string else { return false }
        if graph.item(uid: uid) != nil { return true }
        guard let apiVersion = reference["apiVersion"]?.string, let kind = reference["kind"]?.string,
            let info = Resources.find(apiVersion: apiVersion, kind: kind), let name = reference["name"]?.string
        else { return false }  // a kind this API does not serve cannot exist
        do {
            let owner = try await client.get(info, namespace: info.namespaced ? namespace : nil, name: name)
            return owner[path: ["metadata", "uid"]]?.string == uid
        } catch  where error.code == .notFound {
            return false
        }
    }

    func patchReferences(_ object: JSON, _ info: ResourceInfo, _ references: [JSON]) async throws {
        try await ignoringNotFound {
            _ = try await client.patch(
                info, namespace: namespace(object), name: object[path: ["metadata", "name"]]?.string ?? "",
                patch: ControllerRef.patch(object, references: references))
        }
    }

    func removeFinalizer(_ finalizer: String, from object: JSON, _ info: ResourceInfo) async throws {
        let rest = (object[path: ["metadata", "finalizers"]]?.array ?? []).filter { $0.string != finalizer }
        var metadata: JSON = ["finalizers": rest.isEmpty ? .null : .array(rest)]
        if let version = object[path: ["metadata", "resourceVersion"]] { metadata["resourceVersion"] = version }
        try await ignoringNotFound {
            _ = try await client.patch(
                info, namespace: namespace(object), name: object[path: ["metadata", "name"]]?.string ?? "",
                patch: ["metadata": metadata])
        }
    }

    nonisolated func namespace(_ object: JSON) -> String? { object[path: ["metadata", "namespace"]]?.string }

    /// An object already gone has nothing left to do.
    func ignoringNotFound(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as SkiffError where error.code == .notFound {
            return
        }
    }
}
