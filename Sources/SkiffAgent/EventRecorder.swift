import Foundation
import Logging
import SkiffAPI
import SkiffClient

/// Writes core/v1 Events about the pods this node runs, as kubelet does (`source.component:
/// kubelet`, the node as host), so `kubectl describe pod` and `get events` tell what happened:
/// Pulled, Created, Started, Killing, BackOff, Unhealthy, Failed, FailedPostStartHook,
/// FailedPreStopHook. The same reason and message for the same object again raises `count`
/// on the first Event (kubelet's correlation, without its spam filter). Best effort: a failed
/// write is logged, never retried, and never holds up a pod.
actor EventRecorder {
    let client: APIClient
    let nodeName: String
    let logger: Logger
    /// uid|fieldPath|reason|message → the Event's name and count.
    private var written: [String: (name: String, count: Int)] = [:]

    init(client: APIClient, nodeName: String, logger: Logger) {
        self.client = client
        self.nodeName = nodeName
        self.logger = logger
    }

    enum Kind: String { case normal = "Normal", warning = "Warning" }

    /// From anywhere: the write happens on its own task.
    nonisolated func post(_ pod: JSON, container: String?, _ kind: Kind, _ reason: String, _ message: String) {
        Task { await self.record(pod, container: container, kind, reason, message) }
    }

    func record(_ pod: JSON, container: String?, _ kind: Kind, _ reason: String, _ message: String) async {
        let namespace = pod[path: ["metadata", "namespace"]]?.string ?? "default"
        let name = pod[path: ["metadata", "name"]]?.string ?? ""
        let uid = pod[path: ["metadata", "uid"]]?.string ?? ""
        let fieldPath = container.map { Self.fieldPath(pod, container: $0) }
        let text = String(message.prefix(1024))
        let key = [uid, fieldPath ?? "", reason, text].joined(separator: "|")
        let now = JSON.string(RFC3339.format(Date()))
        do {
            if let previous = written[key] {
                let count = previous.count + 1
                written[key]?.count = count
                _ = try await client.patch(
                    Resources.events, namespace: namespace, name: previous.name,
                    patch: ["count": .int(Int64(count)), "lastTimestamp": now])
                return
            }
            let eventName = "\(name).\(String(UInt64(Date().timeIntervalSince1970 * 1e9), radix: 16))"
            var involved: JSON = [
                "apiVersion": "v1", "kind": "Pod", "name": .string(name), "namespace": .string(namespace),
                "uid": .string(uid),
            ]
            if let fieldPath { involved["fieldPath"] = .string(fieldPath) }
            let event: JSON = [
                "apiVersion": "v1", "kind": "Event",
                "metadata": ["name": .string(eventName), "namespace": .string(namespace)],
                "involvedObject": involved, "reason": .string(reason), "message": .string(text),
                "type": .string(kind.rawValue), "source": ["component": "kubelet", "host": .string(nodeName)],
                "firstTimestamp": now, "lastTimestamp": now, "count": 1,
                "reportingComponent": "kubelet", "reportingInstance": .string(nodeName),
            ]
            _ = try await client.create(Resources.events, namespace: namespace, object: event)
            // Probe output varies, so keys pile up while a pod lives: bounded, forgetting all at once.
            if written.count >= 1000 { written.removeAll(keepingCapacity: true) }
            written[key] = (eventName, 1)
        } catch {
            logger.debug("cannot write event", metadata: ["reason": "\(reason)", "error": "\(error)"])
        }
    }

    /// Forgets a pod's events once it is gone (the API server expires the Events themselves).
    func forget(uid: String) {
        written = written.filter { !$0.key.hasPrefix(uid + "|") }
    }

    /// `spec.containers{web}` or `spec.initContainers{setup}`, as kubelet names a container.
    static func fieldPath(_ pod: JSON, container: String) -> String {
        let isInit = (pod[path: ["spec", "initContainers"]]?.array ?? []).contains { $0["name"]?.string == container }
        return "spec.\(isInit ? "initContainers" : "containers"){\(container)}"
    }
}
