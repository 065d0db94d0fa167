import Foundation
import SkiffAPI
import SkiffClient

extension DeploymentController {
    /// One Deployment: claim its ReplicaSets, find or make the one for the current template,
    /// move replicas as the strategy allows, prune history, report status.
    func reconcile(_ key: String) async throws -> Duration? {
        guard var deployment = await deployments.get(key), !PodFacts.isDeleting(deployment) else { return nil }
        let namespace = deployment[path: ["metadata", "namespace"]]?.string ?? "default"
        let me = ControllerRef.Owner(
            apiVersion: "apps/v1", kind: "Deployment", name: Self.name(deployment),
            uid: deployment[path: ["metadata", "uid"]]?.string ?? "")
        let candidates = await replicaSets.list().filter { $0[path: ["metadata", "namespace"]]?.string == namespace }
        let owned = try await ControllerClaims.claim(
            candidates, Resources.replicaSets, selector: Self.selector(deployment), owner: me, adopting: true,
            adoptable: { _ in true }, client: client)
        let template = deployment[path: ["spec", "template"]]
        // The oldest ReplicaSet with this template is the new one (after `rollout undo`, an old one).
        let sorted = owned.sorted { Self.created($0) < Self.created($1) }
        var current = sorted.first { PodTemplateHash.equalIgnoringHash($0[path: ["spec", "template"]], template) }
        let old = sorted.filter { Self.name($0) != current.map(Self.name) }
        let paused = deployment[path: ["spec", "paused"]]?.bool == true
        var created = false
        if !paused {
            let maxRevision = old.map(Self.revision).max() ?? 0
            if let existing = current {
                current = try await bumpRevision(existing, above: maxRevision, deployment)
            } else {
                current = try await createReplicaSet(deployment, me, revision: maxRevision + 1, old: old)
                created = true
            }
            if let current {
                if deployment[path: ["spec", "strategy", "type"]]?.string == "Recreate" {
                    try await recreate(deployment, current, old)
                } else {
                    try await rollingUpdate(deployment, current, old)
                }
            }
            try await pruneHistory(deployment, old)
            if let current { deployment = try await recordRevision(of: current, on: deployment) }
        }
        return try await updateStatus(deployment, current: current, all: owned, created: created)
    }

    static func created(_ object: JSON) -> String { object[path: ["metadata", "creationTimestamp"]]?.string ?? "" }

    /// The ReplicaSet for the current template: the template with `pod-template-hash` in its
    /// labels and selector, the Deployment's annotations and revision, its minReadySeconds.
    func createReplicaSet(_ deployment: JSON, _ me: ControllerRef.Owner, revision: Int64, old: [JSON]) async throws
        -> JSON
    {
        let collisions = deployment[path: ["status", "collisionCount"]]?.int ?? 0
        let template = deployment[path: ["spec", "template"]] ?? .object([:])
        let hash = PodTemplateHash.hash(template, collisionCount: collisions)
        var podTemplate = template
        podTemplate[path: ["metadata", "labels", PodTemplateHash.label]] = .string(hash)
        var selector = deployment[path: ["spec", "selector"]] ?? .object([:])
        selector[path: ["matchLabels", PodTemplateHash.label]] = .string(hash)
        var annotations = (deployment[path: ["metadata", "annotations"]]?.object ?? [:]).filter {
            $0.key != "kubectl.kubernetes.io/last-applied-configuration"
        }
        annotations[Self.revision] = .string(String(revision))
        let replicas = Self.replicas(deployment)
        let plan = RolloutPlan(
            replicas: replicas, rollingUpdate: deployment[path: ["spec", "strategy", "rollingUpdate"]])
        let recreate = deployment[path: ["spec", "strategy", "type"]]?.string == "Recreate"
        let allReplicas = old.reduce(0) { $0 + Self.replicas($1) }
        let size = recreate ? 0 : plan.newReplicaSetSize(current: 0, allReplicas: allReplicas)
        annotations["deployment.kubernetes.io/desired-replicas"] = .string(String(replicas))
        annotations["deployment.kubernetes.io/max-replicas"] = .string(
            String(replicas + (recreate ? 0 : plan.maxSurge)))
        let rs: JSON = [
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": [
                "name": .string(me.name + "-" + hash),
                "namespace": deployment[path: ["metadata", "namespace"]] ?? "default",
                "labels": podTemplate[path: ["metadata", "labels"]] ?? .object([:]),
                "annotations": .object(annotations), "ownerReferences": [ControllerRef.reference(to: me)],
            ],
            "spec": [
                "replicas": .int(Int64(size)), "selector": selector, "template": podTemplate,
                "minReadySeconds": deployment[path: ["spec", "minReadySeconds"]] ?? 0,
            ],
        ]
        do throws(SkiffError) {
            let made = try await client.create(
                Resources.replicaSets, namespace: deployment[path: ["metadata", "namespace"]]?.string, object: rs)
            events.post(
                deployment, kind: "Deployment", apiVersion: "apps/v1", .normal, "ScalingReplicaSet",
                "Scaled up replica set \(Self.name(made)) from 0 to \(size)")
            return made
        } catch {
            guard error.code == .alreadyExists else { throw error }
            // Another template hashed to this name: count the collision, and the next try differs.
            var bumped = deployment
            bumped[path: ["status", "collisionCount"]] = .int(collisions + 1)
            _ = try await client.update(
                Resources.deployments, namespace: deployment[path: ["metadata", "namespace"]]?.string, object: bumped,
                subresource: "status")
            throw error
        }
    }

    /// The Deployment carries its current revision too, as Kubernetes' does (and so always has
    /// `metadata.annotations`, which `kubectl rollout undo`'s JSON patch replaces).
    func recordRevision(of current: JSON, on deployment: JSON) async throws -> JSON {
        let revision = JSON.string(String(Self.revision(current)))
        guard deployment[path: ["metadata", "annotations", Self.revision]] != revision else { return deployment }
        return try await client.patch(
            Resources.deployments, namespace: deployment[path: ["metadata", "namespace"]]?.string,
            name: Self.name(deployment), patch: ["metadata": ["annotations": [Self.revision: revision]]])
    }

    /// A ReplicaSet that becomes current again (`rollout undo`) takes the next revision.
    func bumpRevision(_ rs: JSON, above maxRevision: Int64, _ deployment: JSON) async throws -> JSON {
        guard Self.revision(rs) <= maxRevision else { return rs }
        var annotations = (deployment[path: ["metadata", "annotations"]]?.object ?? [:]).filter {
            $0.key != "kubectl.kubernetes.io/last-applied-configuration"
        }
        annotations[Self.revision] = .string(String(maxRevision + 1))
        return try await client.patch(
            Resources.replicaSets, namespace: rs[path: ["metadata", "namespace"]]?.string, name: Self.name(rs),
            patch: ["metadata": ["annotations": .object(annotations)]])
    }

    func scale(_ rs: JSON, to size: Int, _ deployment: JSON) async throws {
        let from = Self.replicas(rs)
        guard from != size else { return }
        _ = try await client.patch(
            Resources.replicaSets, namespace: rs[path: ["metadata", "namespace"]]?.string, name: Self.name(rs),
            patch: [
                "metadata": [
                    "annotations": [
                        "deployment.kubernetes.io/desired-replicas": .string(String(Self.replicas(deployment)))
                    ]
                ],
                "spec": ["replicas": .int(Int64(size))],
            ])
        events.post(
            deployment, kind: "Deployment", apiVersion: "apps/v1", .normal, "ScalingReplicaSet",
            "Scaled \(size > from ? "up" : "down") replica set \(Self.name(rs)) from \(from) to \(size)")
    }

    func rollingUpdate(_ deployment: JSON, _ current: JSON, _ old: [JSON]) async throws {
        let plan = RolloutPlan(
            replicas: Self.replicas(deployment), rollingUpdate: deployment[path: ["spec", "strategy", "rollingUpdate"]])
        let allReplicas = Self.replicas(current) + old.reduce(0) { $0 + Self.replicas($1) }
        let size = plan.newReplicaSetSize(current: Self.replicas(current), allReplicas: allReplicas)
        if size != Self.replicas(current) {
            try await scale(current, to: size, deployment)
            return  // the old ones move once the new pods are counted
        }
        let sizes = plan.oldSizes(
            old.map { (Self.replicas($0), Self.status($0, "availableReplicas")) }, newReplicas: size,
            newAvailable: Self.status(current, "availableReplicas"))
        for (rs, size) in zip(old, sizes) { try await scale(rs, to: size, deployment) }
    }

    /// All old pods gone first, then the new ReplicaSet to full size.
    func recreate(_ deployment: JSON, _ current: JSON, _ old: [JSON]) async throws {
        for rs in old { try await scale(rs, to: 0, deployment) }
        let oldUIDs = Set(old.compactMap { $0[path: ["metadata", "uid"]]?.string })
        let oldPodsLeft = await pods.list().contains { pod in
            guard let ref = ControllerRef.of(pod), oldUIDs.contains(ref.uid) else { return false }
            return !PodFacts.isTerminal(pod)
        }
        guard !oldPodsLeft else { return }
        try await scale(current, to: Self.replicas(deployment), deployment)
    }

    /// Old ReplicaSets scaled to nothing, beyond revisionHistoryLimit, oldest first, are deleted.
    func pruneHistory(_ deployment: JSON, _ old: [JSON]) async throws {
        let limit = Int(deployment[path: ["spec", "revisionHistoryLimit"]]?.int ?? 10)
        let idle = old.filter { Self.replicas($0) == 0 && Self.status($0, "replicas") == 0 && !PodFacts.isDeleting($0) }
            .sorted { Self.revision($0) < Self.revision($1) }
        for rs in idle.prefix(max(0, idle.count - limit)) {
            do throws(SkiffError) {
                _ = try await client.delete(
                    Resources.replicaSets, namespace: rs[path: ["metadata", "namespace"]]?.string, name: Self.name(rs))
            } catch {
                guard error.code == .notFound else { throw error }
            }
        }
    }
}
