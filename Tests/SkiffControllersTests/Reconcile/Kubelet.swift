import Foundation
import SkiffAPI
import SkiffClient
import Synchronization

/// Plays the agents of Node objects, as kubelet would, from a script: a pod bound to a node
/// gets the status the script gives it (Running and Ready or not, Succeeded, Failed), and a pod
/// being deleted is removed. The script is read on every pass, so a test can hold pods back
/// (not ready) and release them later. It renews the Leases of the nodes it is given, so they
/// stay Ready however long a loaded test run takes.
final class Kubelet: Sendable {
    enum Outcome: Sendable, Equatable {
        case running(ready: Bool)
        case succeeded
        case failed
    }

    let script: Mutex<@Sendable (JSON) -> Outcome>
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(_ script: @escaping @Sendable (JSON) -> Outcome = { _ in .running(ready: true) }) {
        self.script = Mutex(script)
    }

    func setScript(_ script: @escaping @Sendable (JSON) -> Outcome) { self.script.withLock { $0 = script } }

    func start(_ cluster: TestCluster, nodes: [String] = []) {
        let work = Task {
            var ip = 10
            var renewedAt = Date.distantPast
            while !Task.isCancelled {
                if Date().timeIntervalSince(renewedAt) >= 1 {
                    renewedAt = Date()
                    for node in nodes { await Self.renewLease(node, cluster) }
                }
                for namespace in ["default"] {
                    guard let pods = try? await cluster.pods(namespace) else { continue }
                    for pod in pods where pod[path: ["spec", "nodeName"]]?.string != nil {
                        ip += 1
                        await self.play(pod, ip: ip, cluster)
                    }
                }
                try? await Task.sleep(for: .milliseconds(40))
            }
        }
        task.withLock { $0 = work }
    }

    func stop() { task.withLock { $0?.cancel() } }

    /// One renewal of a node's Lease. With fractional seconds, as an agent's MicroTime: every
    /// renewal changes it, so a busy test process that delays one does not also hide the next.
    static func renewLease(_ node: String, _ cluster: TestCluster) async {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let lease: JSON = [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": ["name": .string(node), "namespace": "kube-node-lease"],
            "spec": [
                "holderIdentity": .string(node), "leaseDurationSeconds": 40,
                "renewTime": .string(format.string(from: Date())),
            ],
        ]
        if (try? await cluster.client.patch(
            Resources.leases, namespace: "kube-node-lease", name: node, patch: ["spec": lease["spec"] ?? [:]])) == nil
        {
            _ = try? await cluster.client.create(Resources.leases, namespace: "kube-node-lease", object: lease)
        }
    }

    private func play(_ pod: JSON, ip: Int, _ cluster: TestCluster) async {
        let namespace = pod[path: ["metadata", "namespace"]]?.string ?? "default"
        if pod[path: ["metadata", "deletionTimestamp"]] != nil {
            _ = try? await cluster.client.delete(
                Resources.pods, namespace: namespace, name: pod.name, options: ["gracePeriodSeconds": 0])
            return
        }
        let phase = pod[path: ["status", "phase"]]?.string
        if phase == "Succeeded" || phase == "Failed" { return }
        let outcome = script.withLock { $0 }(pod)
        let now = JSON.string(RFC3339.format(Date()))
        var status: JSON
        switch outcome {
        case .running(let ready):
            if phase == "Running" && pod.isReady == ready { return }
            status = [
                "phase": "Running", "podIP": .string("10.88.\(ip / 250 % 250).\(ip % 250 + 1)"), "startTime": now,
                "conditions": [["type": "Ready", "status": ready ? "True" : "False", "lastTransitionTime": now]],
                "containerStatuses": [
                    [
                        "name": "main", "ready": .bool(ready), "restartCount": 0, "image": .string(pod.image ?? ""),
                        "state": ["running": ["startedAt": now]],
                    ]
                ],
            ]
        case .succeeded, .failed:
            let code: Int64 = outcome == .succeeded ? 0 : 1
            status = [
                "phase": outcome == .succeeded ? "Succeeded" : "Failed",
                "conditions": [["type": "Ready", "status": "False", "lastTransitionTime": now]],
                "containerStatuses": [
                    [
                        "name": "main", "ready": false, "restartCount": 0, "image": .string(pod.image ?? ""),
                        "state": [
                            "terminated": [
                                "exitCode": .int(code), "reason": code == 0 ? "Completed" : "Error",
                                "startedAt": now, "finishedAt": now,
                            ]
                        ],
                    ]
                ],
            ]
        }
        var updated = pod
        updated["status"] = status
        _ = try? await cluster.client.update(
            Resources.pods, namespace: namespace, object: updated, subresource: "status")
    }
}
