import Foundation
import SkiffAPI
import SkiffStore

extension APIServer {
    func create(_ info: ResourceInfo, namespace: String?, request: APIRequest) async throws(SkiffError) -> APIResponse {
        var object = try ObjectPreparation.decodeBody(request, info)
        try ObjectPreparation.checkKind(&object, info)
        try ObjectPreparation.placeNamespace(&object, info, namespace: namespace)
        let stored = try await create(info, namespace: namespace, object: object, dryRun: request.isDryRun)
        return APIResponse(status: 201, body: .bytes(stored.data))
    }

    /// The create path shared by POST and by server-side apply of an absent object.
    func create(_ info: ResourceInfo, namespace: String?, object input: JSON, dryRun: Bool = false)
        async throws(SkiffError)
        -> StoredObject
    {
        var object = input
        var name = object[path: ["metadata", "name"]]?.string ?? ""
        if name.isEmpty {
            guard let prefix = object[path: ["metadata", "generateName"]]?.string, !prefix.isEmpty else {
                throw SkiffError.invalid(
                    kind: info.kind, group: info.group, name: "",
                    causes: [.required("metadata.name", "name or generateName is required")])
            }
            name = ObjectPreparation.generatedName(prefix)
            object[path: ["metadata", "name"]] = .string(name)
        }
        ObjectPreparation.prepareForCreate(&object, info, now: nowString())
        var attributes = AdmissionAttributes(
            operation: .create, info: info, namespace: namespace, name: name, object: object, store: store,
            dryRun: dryRun)
        try await admission.run(&attributes)
        let key = info.key(namespace: namespace, name: name)
        if dryRun {
            return StoredObject(key: key, revision: store.currentRevision, data: attributes.object.serialized())
        }
        do {
            return try await store.create(key: key, object: attributes.object)
        } catch  where error.code == .alreadyExists {
            throw SkiffError.alreadyExists(resource: info.resource, group: info.group, name: name)
        }
    }

    func update(
        _ info: ResourceInfo, namespace: String?, name: String, subresource: String?, request: APIRequest
    ) async throws(SkiffError) -> APIResponse {
        var object = try ObjectPreparation.decodeBody(request, info)
        try ObjectPreparation.checkKind(&object, info)
        try ObjectPreparation.placeNamespace(&object, info, namespace: namespace)
        let bodyName = object[path: ["metadata", "name"]]?.string ?? ""
        if !bodyName.isEmpty, bodyName != name {
            throw SkiffError.badRequest(
                "the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        object[path: ["metadata", "name"]] = .string(name)
        let precondition = try resourceVersion(of: object)
        let stored = try await guaranteedUpdate(
            info, namespace: namespace, name: name, precondition: precondition, dryRun: request.isDryRun
        ) {
            (_: JSON) throws(SkiffError) -> JSON in
            object
        } prepare: { (new: JSON, existing: JSON) async throws(SkiffError) -> JSON in
            try await self.admitUpdate(
                info, namespace: namespace, name: name, subresource: subresource, new: new, existing: existing,
                fieldManager: request.parameter("fieldManager"))
        }
        return APIResponse(body: .bytes(stored.data))
    }

    func patch(
        _ info: ResourceInfo, namespace: String?, name: String, subresource: String?, request: APIRequest
    ) async throws(SkiffError) -> APIResponse {
        let type = request.contentType
        let document = try ObjectPreparation.parseDocument(request.body, yaml: type.contains("yaml"))
        let key = info.key(namespace: namespace, name: name)
        let isApply = type == "application/apply-patch+yaml"
        let manager = request.parameter("fieldManager")
        let force = request.parameter("force") == "true"
        if isApply, manager?.isEmpty ?? true {
            throw SkiffError.badRequest("PATCH, application/apply-patch+yaml requires the fieldManager parameter")
        }
        if isApply, store.get(key: key) == nil, subresource == nil {
            // Server-side apply creates what does not exist yet, owned by the applier.
            var object = document
            try ObjectPreparation.checkKind(&object, info)
            try ObjectPreparation.placeNamespace(&object, info, namespace: namespace)
            object[path: ["metadata", "name"]] = .string(name)
            object = try ServerSideApply.apply(
                object, to: nil, kind: info.kind, manager: manager ?? "", force: force, now: nowString())
            let stored = try await create(info, namespace: namespace, object: object, dryRun: request.isDryRun)
            return APIResponse(status: 201, body: .bytes(stored.data))
        }
        let precondition = type == "application/json-patch+json" ? nil : try resourceVersion(of: document)
        let stored = try await guaranteedUpdate(
            info, namespace: namespace, name: name, precondition: precondition, dryRun: request.isDryRun
        ) {
            (existing: JSON) throws(SkiffError) -> JSON in
            var patched: JSON
            switch type {
            case "application/merge-patch+json": patched = JSONMergePatch.apply(document, to: existing)
            case "application/json-patch+json": patched = try JSONPatch.apply(document, to: existing)
            case "application/strategic-merge-patch+json":
                patched = try StrategicMergePatch.apply(document, to: existing, kind: info.kind)
            case "application/apply-patch+yaml":
                patched = try ServerSideApply.apply(
                    document, to: existing, kind: info.kind, manager: manager ?? "", force: force, now: self.nowString()
                )
            default:
                throw SkiffError(
                    .unsupportedMediaType,
                    "the patch Content-Type \"\(type)\" is not supported: use application/merge-patch+json, application/json-patch+json, application/strategic-merge-patch+json or application/apply-patch+yaml"
                )
            }
            try ObjectPreparation.checkKind(&patched, info)
            if patched[path: ["metadata", "name"]]?.string != name {
                throw SkiffError.badRequest("a patch may not change metadata.name (\(name))")
            }
            try ObjectPreparation.placeNamespace(&patched, info, namespace: namespace)
            return patched
        } prepare: { (new: JSON, existing: JSON) async throws(SkiffError) -> JSON in
            try await self.admitUpdate(
                info, namespace: namespace, name: name, subresource: subresource, new: new, existing: existing,
                fieldManager: isApply ? nil : manager)
        }
        return APIResponse(body: .bytes(stored.data))
    }

    /// `metadata.resourceVersion` of a body, as the precondition of an update; "" means none.
    func resourceVersion(of object: JSON) throws(SkiffError) -> Int64? {
        guard let text = object[path: ["metadata", "resourceVersion"]]?.string, !text.isEmpty else { return nil }
        guard let rv = Int64(text) else {
            throw SkiffError.invalid(
                kind: "Object", name: "",
                causes: [.invalid("metadata.resourceVersion", .string(text), "must be a number")])
        }
        return rv
    }

    /// Server-owned fields, then admission, for an update of the main resource or `/status`.
    func admitUpdate(
        _ info: ResourceInfo, namespace: String?, name: String, subresource: String?, new: JSON, existing: JSON,
        fieldManager: String? = nil
    ) async throws(SkiffError) -> JSON {
        var object = new
        // Once an object is under server-side apply, other writers' fields are recorded as theirs,
        // so a later apply does not remove them. Objects nobody applied stay without managedFields.
        if let fieldManager, !fieldManager.isEmpty, existing[path: ["metadata", "managedFields"]] != nil {
            object = ServerSideApply.recordUpdate(
                old: existing, new: object, manager: fieldManager, subresource: subresource, now: nowString())
        } else if object[path: ["metadata", "managedFields"]] == nil {
            object[path: ["metadata", "managedFields"]] = existing[path: ["metadata", "managedFields"]]
        }
        if subresource == "status" {
            ObjectPreparation.prepareForStatusUpdate(&object, existing: existing)
        } else {
            ObjectPreparation.prepareForUpdate(&object, existing: existing, info)
        }
        var attributes = AdmissionAttributes(
            operation: .update, info: info, namespace: namespace, name: name, subresource: subresource,
            object: object, oldObject: existing, store: store)
        try await admission.run(&attributes)
        return attributes.object
    }

    /// Read, transform, write with compare-and-swap on what was read; retried on a conflict when
    /// the client gave no resourceVersion (Kubernetes' GuaranteedUpdate). An object being deleted
    /// whose last finalizer goes is removed.
    func guaranteedUpdate(
        _ info: ResourceInfo, namespace: String?, name: String, precondition: Int64?, dryRun: Bool = false,
        transform: (JSON) throws(SkiffError) -> JSON,
        prepare: (JSON, JSON) async throws(SkiffError) -> JSON
    ) async throws(SkiffError) -> StoredObject {
        let key = info.key(namespace: namespace, name: name)
        for _ in 0..<8 {
            let current = try storedObject(info, namespace: namespace, name: name)
            if let precondition, precondition != current.revision {
                throw conflict(info, name: name)
            }
            let existing = try current.decode()
            let transformed = try transform(existing)
            var object = try await prepare(transformed, existing)
            if dryRun {
                // Everything a real write checks has run; nothing is stored or announced.
                object[path: ["metadata", "resourceVersion"]] = .string(String(current.revision))
                return StoredObject(key: key, revision: current.revision, data: object.serialized())
            }
            do {
                let namespaceFinalizing =
                    info.kind == "Namespace"
                    && !(object[path: ["spec", "finalizers"]]?.array ?? []).isEmpty
                if object[path: ["metadata", "deletionTimestamp"]]?.string != nil,
                    (object[path: ["metadata", "finalizers"]]?.array ?? []).isEmpty, !namespaceFinalizing
                {
                    return try await store.delete(key: key, expectedRevision: current.revision)
                }
                return try await store.update(key: key, object: object, expectedRevision: current.revision)
            } catch  where error.code == .conflict {
                if precondition != nil { throw conflict(info, name: name) }
                continue
            } catch  where error.code == .notFound {
                throw SkiffError.notFound(resource: info.resource, group: info.group, name: name)
            }
        }
        throw conflict(info, name: name)
    }

    func conflict(_ info: ResourceInfo, name: String) -> SkiffError {
        SkiffError(
            .conflict,
            "Operation cannot be fulfilled on \(info.qualifiedResource) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
            details: .init(name: name, group: info.group.isEmpty ? nil : info.group, kind: info.resource))
    }
}
