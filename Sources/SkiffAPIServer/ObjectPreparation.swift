import Foundation
import SkiffAPI

/// Server-owned fields, set the way Kubernetes' registry strategies set them: a client cannot
/// choose uid, creationTimestamp, resourceVersion, generation or (on the main resource) status.
enum ObjectPreparation {
    /// Kinds whose status is written only through `/status` and reset on create.
    static let kindsWithoutStatus: Set<String> = [
        "ConfigMap", "Secret", "Event", "Endpoints", "ServiceAccount", "LimitRange", "ControllerRevision", "Lease",
    ]

    /// Kinds with a `spec` whose changes bump `metadata.generation`.
    static func hasGeneration(_ kind: String) -> Bool {
        !kindsWithoutStatus.contains(kind) && kind != "Node" && kind != "Namespace"
    }

    static func decodeBody(_ request: APIRequest, _ info: ResourceInfo) throws(SkiffError) -> JSON {
        let type = request.contentType
        if type == KubernetesProtobuf.mediaType { return try KubernetesProtobuf.decode(request.body) }
        guard type.contains("json") || type.contains("yaml") || type == "*/*" || type.isEmpty else {
            throw SkiffError(
                .unsupportedMediaType,
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"
            )
        }
        return try parseDocument(request.body, yaml: type.contains("yaml"))
    }

    static func parseDocument(_ body: [UInt8], yaml: Bool) throws(SkiffError) -> JSON {
        if body.isEmpty { throw SkiffError.badRequest("the request body is empty") }
        do {
            return try JSON.parse(body)
        } catch {
            if yaml { return try YAMLBridge.parse(body) }
            throw SkiffError.badRequest("the request body is not valid JSON: \(error)")
        }
    }

    /// The object's kind and apiVersion must be this resource's, or absent (then filled in).
    static func checkKind(_ object: inout JSON, _ info: ResourceInfo) throws(SkiffError) {
        guard object.object != nil else { throw SkiffError.badRequest("the request body must be a JSON object") }
        if let kind = object["kind"]?.string, !kind.isEmpty, kind != info.kind {
            throw SkiffError.badRequest(
                "the kind of the body (\(kind)) does not match the resource \(info.qualifiedResource) (kind \(info.kind))"
            )
        }
        if let apiVersion = object["apiVersion"]?.string, !apiVersion.isEmpty, apiVersion != info.apiVersion {
            throw SkiffError.badRequest(
                "the apiVersion of the body (\(apiVersion)) does not match \(info.apiVersion) for \(info.qualifiedResource)"
            )
        }
        object["kind"] = .string(info.kind)
        object["apiVersion"] = .string(info.apiVersion)
        if object["metadata"]?.object == nil {
            if let m = object["metadata"], !m.isNull { throw SkiffError.badRequest("metadata must be an object") }
            object["metadata"] = [:]
        }
    }

    /// The namespace in the body must agree with the URL; it is filled in when absent.
    static func placeNamespace(_ object: inout JSON, _ info: ResourceInfo, namespace: String?) throws(SkiffError) {
        if info.namespaced, let namespace {
            if let given = object[path: ["metadata", "namespace"]]?.string, !given.isEmpty, given != namespace {
                throw SkiffError.badRequest(
                    "the namespace of the provided object (\(given)) does not match the namespace sent on the request (\(namespace))"
                )
            }
            object[path: ["metadata", "namespace"]] = .string(namespace)
        } else {
            object[path: ["metadata", "namespace"]] = nil
        }
    }

    /// `generateName` + five characters from Kubernetes' alphabet (no vowels, no look-alikes).
    static func generatedName(_ prefix: String) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        let base = prefix.count > 58 ? String(prefix.prefix(58)) : prefix
        return base + String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
    }

    static func prepareForCreate(_ object: inout JSON, _ info: ResourceInfo, now: String) {
        var meta = object["metadata"] ?? [:]
        meta["uid"] = .string(UUID().uuidString.lowercased())
        meta["creationTimestamp"] = .string(now)
        for field in ["resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"] {
            meta[field] = nil
        }
        if hasGeneration(info.kind) { meta["generation"] = 1 } else { meta["generation"] = nil }
        object["metadata"] = meta
        switch info.kind {
        case "Node", "Event": break  // Nodes register with their status; events have none.
        case "Pod": object["status"] = ["phase": "Pending", "qosClass": .string(qosClass(object))]
        case "Namespace": object["status"] = ["phase": "Active"]
        case "PersistentVolumeClaim", "PersistentVolume": object["status"] = ["phase": "Pending"]
        case "Service": object["status"] = ["loadBalancer": [:]]
        // Counters Go always serialises; the Python client requires them.
        case "ReplicaSet", "ReplicationController", "StatefulSet": object["status"] = ["replicas": 0]
        case "DaemonSet":
            object["status"] = [
                "currentNumberScheduled": 0, "desiredNumberScheduled": 0, "numberMisscheduled": 0, "numberReady": 0,
            ]
        default:
            object["status"] = kindsWithoutStatus.contains(info.kind) ? nil : [:]
        }
        if info.kind == "Job" { labelJob(&object) }
        if info.kind == "Secret" { mergeStringData(&object) }
    }

    /// `stringData` is write-only convenience: its values are base64-encoded into `data`
    /// (overriding the same keys there) and the field itself is never stored.
    static func mergeStringData(_ secret: inout JSON) {
        guard let strings = secret["stringData"]?.object else {
            secret["stringData"] = nil
            return
        }
        var data = secret["data"]?.object ?? [:]
        for (key, value) in strings {
            if let text = value.string { data[key] = .string(Data(text.utf8).base64EncodedString()) }
        }
        secret["data"] = .object(data)
        secret["stringData"] = nil
    }

    /// Keeps what the client may not change on a main-resource update; bumps generation when
    /// the spec changed.
    static func prepareForUpdate(_ new: inout JSON, existing: JSON, _ info: ResourceInfo) {
        for field in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] {
            new[path: ["metadata", field]] = existing[path: ["metadata", field]]
        }
        new[path: ["metadata", "resourceVersion"]] = nil
        if !kindsWithoutStatus.contains(info.kind) { new["status"] = existing["status"] }
        if info.kind == "Secret" { mergeStringData(&new) }
        if hasGeneration(info.kind), specChanged(new, existing) {
            new[path: ["metadata", "generation"]] = .int((existing[path: ["metadata", "generation"]]?.int ?? 0) + 1)
        }
    }

    static func specChanged(_ a: JSON, _ b: JSON) -> Bool {
        var x = a
        var y = b
        x["metadata"] = nil
        x["status"] = nil
        y["metadata"] = nil
        y["status"] = nil
        return x != y
    }

    /// Only `status` changes through `/status`; everything else stays as stored.
    static func prepareForStatusUpdate(_ new: inout JSON, existing: JSON) {
        var result = existing
        result["status"] = new["status"]
        result[path: ["metadata", "resourceVersion"]] = nil
        new = result
    }

    /// Kubernetes' QoS class: Guaranteed when every container's cpu and memory limits equal its
    /// requests, BestEffort when nothing is requested or limited, Burstable otherwise.
    static func qosClass(_ pod: JSON) -> String {
        let containers =
            (pod[path: ["spec", "containers"]]?.array ?? []) + (pod[path: ["spec", "initContainers"]]?.array ?? [])
        var any = false
        var guaranteed = true
        for c in containers {
            let requests = c[path: ["resources", "requests"]]?.object ?? [:]
            let limits = c[path: ["resources", "limits"]]?.object ?? [:]
            if !requests.isEmpty || !limits.isEmpty { any = true }
            for resource in ["cpu", "memory"] {
                guard let limit = limits[resource] else {
                    guaranteed = false
                    continue
                }
                if let request = requests[resource], request != limit { guaranteed = false }
            }
        }
        if !any { return "BestEffort" }
        return guaranteed ? "Guaranteed" : "Burstable"
    }

    /// A Job's pods are found by the controller-uid label the server adds (unless the user
    /// chose `manualSelector`), so two Jobs with the same template never share pods.
    static func labelJob(_ job: inout JSON) {
        guard job[path: ["spec", "manualSelector"]]?.bool != true,
            let uid = job[path: ["metadata", "uid"]]?.string, let name = job[path: ["metadata", "name"]]?.string
        else { return }
        let labels: [String: String] = [
            "batch.kubernetes.io/controller-uid": uid, "controller-uid": uid,
            "batch.kubernetes.io/job-name": name, "job-name": name,
        ]
        var templateLabels = job[path: ["spec", "template", "metadata", "labels"]]?.object ?? [:]
        for (k, v) in labels { templateLabels[k] = .string(v) }
        job[path: ["spec", "template", "metadata", "labels"]] = .object(templateLabels)
        if job[path: ["spec", "selector"]] == nil {
            job[path: ["spec", "selector"]] = ["matchLabels": ["batch.kubernetes.io/controller-uid": .string(uid)]]
        }
    }
}
