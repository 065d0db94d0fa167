import Foundation
import SkiffAPI

/// One pass of a DaemonSet over the nodes, as Kubernetes' `manage` and `rollingUpdate`: a pod
/// for each node that should run one and has none, failed pods and extra ones deleted, pods
/// on nodes that should no longer run them (or are gone) deleted, and under RollingUpdate the
/// pods of an old template replaced, no more than `maxUnavailable` nodes short at a time.
struct DaemonSetPlan: Sendable {
    static let hashLabel = "controller-revision-hash"

    var create: [String] = []
    var delete: [JSON] = []
    /// Failed pods found (each is deleted, and replaced on a later pass).
    var failed: [(node: String, pod: JSON)] = []
    /// Per node that should run a pod: the pod kept there, if any.
    var kept: [String: JSON] = [:]
    /// Nodes that run a pod they should not.
    var misscheduled = 0
    /// Nodes that should run one.
    var desired = 0

    struct Rolling: Sendable {
        /// Already resolved against the desired node count.
        let maxUnavailable: Int
        let minReadySeconds: Int
    }

    init(
        nodes: [NodeSchedulingProfile], profile: PodSchedulingProfile, pods: [JSON], hash: String, rolling: Rolling?,
        now: Date
    ) {
        var byNode: [String: [JSON]] = [:]
        var stopping: Set<String> = []
        for pod in pods {
            let node = DaemonNodes.target(of: pod) ?? ""
            if PodFacts.isDeleting(pod) {
                stopping.insert(node)  // its replacement waits until it is gone (no overlap)
            } else {
                byNode[node, default: []].append(pod)
            }
        }
        for node in nodes {
            let here = byNode.removeValue(forKey: node.name) ?? []
            let fit = DaemonNodes.fit(profile, on: node)
            guard fit.shouldRun else {
                if !here.isEmpty { misscheduled += 1 }
                if !fit.shouldContinue { delete += here }
                continue
            }
            desired += 1
            let broken = here.filter(PodFacts.isTerminal)
            for pod in broken where pod[path: ["status", "phase"]]?.string == "Failed" {
                failed.append((node.name, pod))
            }
            delete += broken
            let alive = here.filter { !PodFacts.isTerminal($0) }.sorted { Self.keepsBefore($0, $1, hash: hash) }
            if let first = alive.first {
                kept[node.name] = first
                delete += alive.dropFirst()
            } else if broken.isEmpty && !stopping.contains(node.name) {
                create.append(node.name)
            }
        }
        delete += byNode.values.joined()  // pods for nodes that are gone, or for no node at all
        if let rolling { replaceOld(hash: hash, rolling, now: now) }
    }

    /// The pod to keep among several on a node: the current template's, then the oldest.
    static func keepsBefore(_ a: JSON, _ b: JSON, hash: String) -> Bool {
        let (aCurrent, bCurrent) = (isCurrent(a, hash), isCurrent(b, hash))
        if aCurrent != bCurrent { return aCurrent }
        return PodRanking.created(a) < PodRanking.created(b)
    }

    static func isCurrent(_ pod: JSON, _ hash: String) -> Bool {
        pod[path: ["metadata", "labels", hashLabel]]?.string == hash
    }

    /// Old pods that are not available go at once (their node is short already); available
    /// ones only while fewer than `maxUnavailable` nodes are short.
    private mutating func replaceOld(hash: String, _ rolling: Rolling, now: Date) {
        let available = { (pod: JSON) in
            PodFacts.isAvailable(pod, minReadySeconds: rolling.minReadySeconds, now: now)
        }
        var unavailable = desired - kept.values.count(where: available)
        for (_, pod) in kept.sorted(by: { $0.key < $1.key }) where !Self.isCurrent(pod, hash) {
            if !available(pod) {
                delete.append(pod)
            } else if unavailable < rolling.maxUnavailable {
                delete.append(pod)
                unavailable += 1
            }
        }
    }
}
