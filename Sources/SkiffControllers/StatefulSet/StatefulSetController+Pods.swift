import Foundation
import SkiffAPI
import SkiffClient

/// A StatefulSet's pods and claims, made with their identity, and the status `kubectl rollout
/// status` reads.
extension StatefulSetController {
    /// The claim of a template for one ordinal: `TEMPLATE-SET-ORDINAL`.
    static func claimName(_ template: String, set: String, ordinal: Int) -> String {
        "\(template)-\(set)-\(ordinal)"
    }

    /// The pod for an ordinal: the template, named `SET-ORDINAL`, its hostname the same under
    /// the set's service as subdomain, labelled with its name, index and revision, and each
    /// claim template mounted as that ordinal's claim.
    static func pod(for set: JSON, ordinal: Int, owner: ControllerRef.Owner, revision: String) -> JSON {
        let namespace = set[path: ["metadata", "namespace"]]?.string ?? "default"
        var pod = PodTemplate.pod(
            from: set[path: ["spec", "template"]], namePrefix: "", namespace: namespace, owner: owner)
        let name = "\(owner.name)-\(ordinal)"
        pod[path: ["metadata", "generateName"]] = nil
        pod[path: ["metadata", "name"]] = .string(name)
        pod[path: ["metadata", "labels", podNameLabel]] = .string(name)
        pod[path: ["metadata", "labels", podIndexLabel]] = .string(String(ordinal))
        pod[path: ["metadata", "labels", DaemonSetPlan.hashLabel]] = .string(revision)
        pod[path: ["spec", "hostname"]] = .string(name)
        if let service = set[path: ["spec", "serviceName"]]?.string, !service.isEmpty {
            pod[path: ["spec", "subdomain"]] = .string(service)
        }
        var volumes = pod[path: ["spec", "volumes"]]?.array ?? []
        for template in set[path: ["spec", "volumeClaimTemplates"]]?.array ?? [] {
            let templateName = template[path: ["metadata", "name"]]?.string ?? ""
            volumes.removeAll { $0["name"]?.string == templateName }
            volumes.append([
                "name": .string(templateName),
                "persistentVolumeClaim": [
                    "claimName": .string(claimName(templateName, set: owner.name, ordinal: ordinal))
                ],
            ])
        }
        if !volumes.isEmpty { pod[path: ["spec", "volumes"]] = .array(volumes) }
        return pod
    }

    /// The claims first (kept when the pod or the set goes: the default retention), then the pod.
    func createPod(_ set: JSON, ordinal: Int, me: ControllerRef.Owner, revision: String) async throws {
        let namespace = set[path: ["metadata", "namespace"]]?.string ?? "default"
        for template in set[path: ["spec", "volumeClaimTemplates"]]?.array ?? [] {
            let name = Self.claimName(
                template[path: ["metadata", "name"]]?.string ?? "", set: me.name, ordinal: ordinal)
            guard await claims.get(namespace + "/" + name) == nil else { continue }
            var claim: JSON = [
                "apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": ["name": .string(name), "namespace": .string(namespace)],
                "spec": template["spec"] ?? [:],
            ]
            let selectorLabels = set[path: ["spec", "selector", "matchLabels"]]?.object ?? [:]
            let labels = (template[path: ["metadata", "labels"]]?.object ?? [:]).merging(selectorLabels) { $1 }
            if !labels.isEmpty { claim[path: ["metadata", "labels"]] = .object(labels) }
            do throws(SkiffError) {
                _ = try await client.create(Resources.persistentVolumeClaims, namespace: namespace, object: claim)
                post(
                    set, .normal, "SuccessfulCreate",
                    "create Claim \(name) Pod \(me.name)-\(ordinal) in StatefulSet \(me.name) success")
            } catch {
                guard error.code == .alreadyExists else {
                    post(
                        set, .warning, "FailedCreate",
                        "create Claim \(name) for Pod \(me.name)-\(ordinal) in StatefulSet \(me.name) failed error: \(error.message)"
                    )
                    throw error
                }
            }
        }
        let pod = Self.pod(for: set, ordinal: ordinal, owner: me, revision: revision)
        do throws(SkiffError) {
            _ = try await client.create(Resources.pods, namespace: namespace, object: pod)
            post(
                set, .normal, "SuccessfulCreate",
                "create Pod \(me.name)-\(ordinal) in StatefulSet \(me.name) successful")
        } catch {
            // The old pod of that name is still going: the next pass makes it.
            guard error.code == .alreadyExists else {
                post(
                    set, .warning, "FailedCreate",
                    "create Pod \(me.name)-\(ordinal) in StatefulSet \(me.name) failed error: \(error.message)")
                throw error
            }
        }
    }

    func deletePod(_ set: JSON, namespace: String, name: String) async throws {
        do throws(SkiffError) {
            try await client.delete(Resources.pods, namespace: namespace, name: name)
            post(
                set, .normal, "SuccessfulDelete",
                "delete Pod \(name) in StatefulSet \(StatefulSetPlan.Spec(set).name) successful")
        } catch {
            guard error.code == .notFound else { throw error }
        }
    }

    func updateStatus(_ set: JSON, pods: [JSON], spec: StatefulSetPlan.Spec, updateRevision: String) async throws {
        let live = pods.filter { !PodFacts.isDeleting($0) }
        let minReady = Int(set[path: ["spec", "minReadySeconds"]]?.int ?? 0)
        let now = Date()
        let updated = live.count { Self.revision(of: $0) == updateRevision }
        let ready = live.count { $0[path: ["status", "phase"]]?.string == "Running" && PodFacts.isReady($0) }
        var currentRevision = set[path: ["status", "currentRevision"]]?.string ?? updateRevision
        if updated == spec.replicas && ready == spec.replicas { currentRevision = updateRevision }
        let current = live.count { Self.revision(of: $0) == currentRevision }
        var status: [String: JSON] = [
            "replicas": .int(Int64(live.count)),
            "availableReplicas": .int(
                Int64(live.count { PodFacts.isAvailable($0, minReadySeconds: minReady, now: now) })),
            "currentRevision": .string(currentRevision), "updateRevision": .string(updateRevision),
            "collisionCount": 0,
        ]
        for (field, count) in [("readyReplicas", ready), ("currentReplicas", current), ("updatedReplicas", updated)]
        where count > 0 {
            status[field] = .int(Int64(count))
        }
        if let generation = set[path: ["metadata", "generation"]] { status["observedGeneration"] = generation }
        guard set["status"] != .object(status) else { return }
        var written = set
        written["status"] = .object(status)
        _ = try await client.update(
            Resources.statefulSets, namespace: set[path: ["metadata", "namespace"]]?.string, object: written,
            subresource: "status")
    }
}
