import Foundation
import SkiffAPI
import SkiffStore

/// `DeleteOptions`, from the body (kubectl) or the query (Python client).
struct DeleteOptions {
    var gracePeriodSeconds: Int64?
    var propagationPolicy: String?
    var preconditionUID: String?
    var preconditionResourceVersion: Int64?
    var dryRun = false

    init(_ request: APIRequest) throws(SkiffError) {
        var body: JSON = [:]
        if !request.body.isEmpty { body = try ObjectPreparation.parseDocument(request.body, yaml: false) }
        gracePeriodSeconds =
            body["gracePeriodSeconds"]?.int ?? request.parameter("gracePeriodSeconds").flatMap { Int64($0) }
        propagationPolicy = body["propagationPolicy"]?.string ?? request.parameter("propagationPolicy")
        if propagationPolicy == nil, body["orphanDependents"]?.bool ?? (request.parameter("orphanDependents") == "true")
        {
            propagationPolicy = "Orphan"
        }
        if let policy = propagationPolicy, !["Orphan", "Background", "Foreground"].contains(policy) {
            throw SkiffError.invalid(
                kind: "DeleteOptions", name: "",
                causes: [.notSupported("propagationPolicy", .string(policy), ["Foreground", "Background", "Orphan"])])
        }
        if let g = gracePeriodSeconds, g < 0 { gracePeriodSeconds = 0 }
        dryRun = request.isDryRun || (body["dryRun"]?.array ?? []).contains("All")
        preconditionUID = body[path: ["preconditions", "uid"]]?.string
        preconditionResourceVersion = body[path: ["preconditions", "resourceVersion"]]?.string.flatMap { Int64($0) }
    }
}

extension APIServer {
    func delete(_ info: ResourceInfo, namespace: String?, name: String, request: APIRequest) async throws(SkiffError)
        -> APIResponse
    {
        let options = try DeleteOptions(request)
        let object = try await delete(info, namespace: namespace, name: name, options: options)
        return .json(object)
    }

    /// Deletes one object as Kubernetes does: at once, or by setting `deletionTimestamp` when
    /// finalizers (including `foregroundDeletion`/`orphan` from the propagation policy) or a
    /// graceful pod shutdown must happen first. Returns the object's last state.
    func delete(_ info: ResourceInfo, namespace: String?, name: String, options: DeleteOptions) async throws(SkiffError)
        -> JSON
    {
        let key = info.key(namespace: namespace, name: name)
        for _ in 0..<8 {
            let current = try storedObject(info, namespace: namespace, name: name)
            var object = try current.decode()
            if let uid = options.preconditionUID, uid != object[path: ["metadata", "uid"]]?.string {
                throw SkiffError(
                    .conflict,
                    "Precondition failed: UID in precondition: \(uid), UID in object meta: \(object[path: ["metadata", "uid"]]?.string ?? "")"
                )
            }
            if let rv = options.preconditionResourceVersion, rv != current.revision { throw conflict(info, name: name) }
            if options.dryRun { return object }

            var finalizers = (object[path: ["metadata", "finalizers"]]?.array ?? []).compactMap(\.string)
            switch options.propagationPolicy {
            case "Foreground" where !finalizers.contains("foregroundDeletion"): finalizers.append("foregroundDeletion")
            case "Orphan" where !finalizers.contains("orphan"): finalizers.append("orphan")
            default: break
            }
            if info.kind == "Namespace", !finalizers.contains("kubernetes"),
                (object[path: ["spec", "finalizers"]]?.array ?? []).contains("kubernetes")
            {
                // The namespace finalizer lives in spec; the namespace controller empties it.
                object[path: ["status", "phase"]] = "Terminating"
            }
            let grace = info.kind == "Pod" ? try podGracePeriod(object, options) : 0
            let alreadyDeleting = object[path: ["metadata", "deletionTimestamp"]]?.string != nil
            let namespacePending =
                info.kind == "Namespace"
                && !(object[path: ["spec", "finalizers"]]?.array ?? []).isEmpty
            if finalizers.isEmpty, grace == 0, !namespacePending {
                do {
                    return try await store.delete(key: key, expectedRevision: current.revision).decode()
                } catch  where error.code == .conflict {
                    continue
                }
            }
            // Graceful: mark, and let the agent, the finalizer's owner or the namespace controller finish.
            let now = now()
            var deadline = RFC3339.format(now.addingTimeInterval(TimeInterval(grace)))
            if alreadyDeleting, let existing = object[path: ["metadata", "deletionTimestamp"]]?.string,
                let existingDate = RFC3339.parse(existing), existingDate < now.addingTimeInterval(TimeInterval(grace))
            {
                deadline = existing  // a second delete may shorten the grace period, never lengthen it
            }
            object[path: ["metadata", "deletionTimestamp"]] = .string(deadline)
            object[path: ["metadata", "deletionGracePeriodSeconds"]] = .int(grace)
            object[path: ["metadata", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers.map { .string($0) })
            if info.kind == "Namespace" { object[path: ["status", "phase"]] = "Terminating" }
            // Deleting again what is already deleting, with nothing to shorten, changes nothing:
            // no write (an agent that deletes a pod its finalizer keeps would loop on the event).
            if alreadyDeleting, object == (try current.decode()) { return object }
            do {
                return try await store.update(key: key, object: object, expectedRevision: current.revision).decode()
            } catch  where error.code == .conflict {
                continue
            }
        }
        throw conflict(info, name: name)
    }

    /// A pod bound to a node that exists is stopped by that node's agent within the grace
    /// period, which then deletes it with grace 0; an unbound or finished pod, or one whose
    /// node is gone, has nobody to wait for and goes at once.
    private func podGracePeriod(_ pod: JSON, _ options: DeleteOptions) throws(SkiffError) -> Int64 {
        let requested = options.gracePeriodSeconds ?? pod[path: ["spec", "terminationGracePeriodSeconds"]]?.int ?? 30
        if requested == 0 { return 0 }
        guard let node = pod[path: ["spec", "nodeName"]]?.string, !node.isEmpty else { return 0 }
        let phase = pod[path: ["status", "phase"]]?.string
        if phase == "Succeeded" || phase == "Failed" { return 0 }
        guard store.get(key: Resources.nodes.key(namespace: nil, name: node)) != nil else { return 0 }
        return requested
    }

    func deleteCollection(_ info: ResourceInfo, namespace: String?, request: APIRequest) async throws(SkiffError)
        -> APIResponse
    {
        let (labels, fields) = try selectors(info, request)
        let options = try DeleteOptions(request)
        var deleted: [JSON] = []
        for stored in store.list(prefix: info.listPrefix(namespace: namespace)).objects {
            let object = try stored.decode()
            guard Self.matches(object, labels, fields), let name = object[path: ["metadata", "name"]]?.string else {
                continue
            }
            let ns = object[path: ["metadata", "namespace"]]?.string
            do {
                deleted.append(try await delete(info, namespace: ns, name: name, options: options))
            } catch  where error.code == .notFound {
                continue
            }
        }
        return .json([
            "kind": .string(info.listKind), "apiVersion": .string(info.apiVersion),
            "metadata": ["resourceVersion": .string(String(store.currentRevision))], "items": .array(deleted),
        ])
    }
}
