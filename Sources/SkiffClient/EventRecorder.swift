import Foundation
import Logging
import SkiffAPI
import Synchronization

/// Writes core/v1 Events, as Kubernetes components do, so `kubectl describe` and `get events`
/// tell what happened: the agent as kubelet (Pulled, Started, BackOff, …), the scheduler
/// (Scheduled, FailedScheduling), the controllers (SuccessfulCreate, ScalingReplicaSet, …).
/// The same reason and message for the same object again raises `count` on the first Event
/// (client-go's correlation, without its spam filter). Best effort: a failed write is logged,
/// never retried, and never holds up the caller.
///
/// Posted events are written one at a time, in order, by one task, as client-go's broadcaster
/// does: a burst (the scheduler binding a thousand pods) then costs the API server one event
/// write at a time beside the work itself, instead of a thousand concurrent ones competing with
/// the binds. The queue is bounded: past `maxQueued` waiting (beside the batch being written),
/// new events are dropped and counted in the log, as client-go drops them.
public actor EventRecorder {
    static let maxQueued = 4096

    struct Posted: Sendable {
        var object: JSON
        var kind: String
        var apiVersion: String
        var fieldPath: String?
        var type: Kind
        var reason: String
        var message: String
        /// When it was posted: the queue may hold it a while, its timestamps must not move.
        var time: Date
    }

    struct PostQueue {
        var events: [Posted] = []
        var draining = false
        var dropped = 0
    }

    let client: APIClient
    let component: String
    /// The node, for the agent; nil for the master's components.
    let host: String?
    let logger: Logger
    /// uid|fieldPath|reason|message → the Event's name and count.
    private var written: [String: (name: String, count: Int)] = [:]
    private nonisolated let queue = Mutex(PostQueue())

    public init(client: APIClient, component: String, host: String? = nil, logger: Logger) {
        self.client = client
        self.component = component
        self.host = host
        self.logger = logger
    }

    public enum Kind: String, Sendable { case normal = "Normal", warning = "Warning" }

    /// From anywhere: the event joins the queue the recorder's writer task drains. `kind` and
    /// `apiVersion` name the object's type, which list items do not carry.
    public nonisolated func post(
        _ object: JSON, kind objectKind: String, apiVersion: String, fieldPath: String? = nil, _ type: Kind,
        _ reason: String, _ message: String
    ) {
        let event = Posted(
            object: object, kind: objectKind, apiVersion: apiVersion, fieldPath: fieldPath, type: type,
            reason: reason, message: message, time: Date())
        let startDraining = queue.withLock { q in
            guard q.events.count < Self.maxQueued else {
                q.dropped += 1
                return false
            }
            q.events.append(event)
            defer { q.draining = true }
            return !q.draining
        }
        if startDraining { Task { await self.drain() } }
    }

    /// Writes queued events, in order, until none is left: takes what is queued, writes it, and
    /// looks again.
    private func drain() async {
        while true {
            let (events, dropped): ([Posted], Int) = queue.withLock { q in
                defer { (q.events, q.dropped) = ([], 0) }
                if q.events.isEmpty { q.draining = false }
                return (q.events, q.dropped)
            }
            if dropped > 0 {
                logger.warning("event queue full, dropped events", metadata: ["events.dropped": "\(dropped)"])
            }
            if events.isEmpty { return }
            for event in events {
                await record(
                    event.object, kind: event.kind, apiVersion: event.apiVersion, fieldPath: event.fieldPath,
                    event.type, event.reason, event.message, at: event.time)
            }
        }
    }

    public func record(
        _ object: JSON, kind objectKind: String, apiVersion: String, fieldPath: String? = nil, _ type: Kind,
        _ reason: String, _ message: String, at time: Date = Date()
    ) async {
        let namespace = object[path: ["metadata", "namespace"]]?.string ?? "default"
        let name = object[path: ["metadata", "name"]]?.string ?? ""
        let uid = object[path: ["metadata", "uid"]]?.string ?? ""
        let text = String(message.prefix(1024))
        let key = [uid, fieldPath ?? "", reason, text].joined(separator: "|")
        let now = JSON.string(RFC3339.format(time))
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
                "apiVersion": .string(apiVersion), "kind": .string(objectKind), "name": .string(name),
                "namespace": .string(namespace), "uid": .string(uid),
            ]
            if let fieldPath { involved["fieldPath"] = .string(fieldPath) }
            var source: JSON = ["component": .string(component)]
            if let host { source["host"] = .string(host) }
            let event: JSON = [
                "apiVersion": "v1", "kind": "Event",
                "metadata": ["name": .string(eventName), "namespace": .string(namespace)],
                "involvedObject": involved, "reason": .string(reason), "message": .string(text),
                "type": .string(type.rawValue), "source": source,
                "firstTimestamp": now, "lastTimestamp": now, "count": 1,
                "reportingComponent": .string(component), "reportingInstance": .string(host ?? component),
            ]
            _ = try await client.create(Resources.events, namespace: namespace, object: event)
            // Probe output varies, so keys pile up while an object lives: bounded, forgetting all at once.
            if written.count >= 1000 { written.removeAll(keepingCapacity: true) }
            written[key] = (eventName, 1)
        } catch {
            logger.debug("cannot write event", metadata: ["reason": "\(reason)", "error": "\(error)"])
        }
    }

    /// Forgets an object's events once it is gone (the API server expires the Events themselves).
    public func forget(uid: String) {
        written = written.filter { !$0.key.hasPrefix(uid + "|") }
    }
}
