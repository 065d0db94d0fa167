import Foundation
import SkiffAPI
import SkiffStore

extension APIServer {
    /// A watch stream: newline-delimited `{"type":…,"object":…}` events, flushed one by one
    /// (K8S-API.md §8). Without a resourceVersion (or with "0") the current objects come first as
    /// ADDED, which the Python client relies on.
    func watch(_ info: ResourceInfo, namespace: String?, request: APIRequest) throws(SkiffError) -> APIResponse {
        let (labels, fields) = try selectors(info, request)
        let prefix = info.listPrefix(namespace: namespace)
        let rv = request.parameter("resourceVersion") ?? ""
        var initial: [StoredObject] = []
        let start: Int64
        if rv.isEmpty || rv == "0" {
            (initial, start) = store.list(prefix: prefix)
        } else {
            guard let parsed = Int64(rv), parsed >= 0 else {
                throw SkiffError.badRequest("resourceVersion \"\(rv)\" is not a valid resource version")
            }
            start = parsed
        }
        var timeout = configuration.defaultWatchTimeout
        if let seconds = request.parameter("timeoutSeconds"), let s = Int(seconds), s > 0 { timeout = .seconds(s) }

        let updates: AsyncStream<WatchUpdate>
        do {
            updates = try store.watch(prefix: prefix, after: start)
        } catch  where error.code == .gone {
            // A watch that cannot start says so inside a 200 stream, as an ERROR event.
            let event: JSON = ["type": "ERROR", "object": error.statusObject]
            return APIResponse(
                body: .stream(
                    AsyncStream { c in
                        c.yield(event.serialized() + [0x0A])
                        c.finish()
                    }))
        }
        let replay = initial
        let deadline = timeout
        let encoder = WatchEncoder(server: self, info: info, labels: labels, fields: fields, request: request)
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for stored in replay {
                        if let bytes = encoder.encode(.added, stored, previous: nil) { continuation.yield(bytes) }
                    }
                    for await update in updates {
                        guard case .event(let event) = update else { break }
                        if let bytes = encoder.encode(event.kind, event.object, previous: event.previous) {
                            continuation.yield(bytes)
                        }
                    }
                }
                group.addTask { try? await Task.sleep(for: deadline) }
                await group.next()
                group.cancelAll()
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return APIResponse(body: .stream(stream))
    }
}

/// Turns store events into watch lines for one request: applies the selectors, and turns a
/// change that moves an object in or out of them into ADDED or DELETED, as Kubernetes does.
struct WatchEncoder: Sendable {
    let server: APIServer
    let info: ResourceInfo
    let labels: LabelSelector?
    let fields: FieldSelector?
    let request: APIRequest

    func encode(_ kind: WatchEvent.Kind, _ stored: StoredObject, previous: StoredObject?) -> [UInt8]? {
        let filtered = labels != nil || fields != nil
        if !filtered && !request.wantsTable {
            return Array("{\"type\":\"\(kind.rawValue)\",\"object\":".utf8) + stored.data + Array("}\n".utf8)
        }
        guard let object = try? stored.decode() else { return nil }
        var type = kind
        if filtered {
            let now = APIServer.matches(object, labels, fields)
            switch kind {
            case .added, .deleted:
                if !now { return nil }
            case .modified:
                let before = previous.flatMap { try? $0.decode() }.map { APIServer.matches($0, labels, fields) } ?? now
                switch (before, now) {
                case (true, true): type = .modified
                case (false, true): type = .added
                case (true, false): type = .deleted
                case (false, false): return nil
                }
            }
        }
        var payload = object
        if request.wantsTable {
            payload = server.table(info, objects: [object], revision: stored.revision, request: request)
        }
        let event: JSON = ["type": .string(type.rawValue), "object": payload]
        return event.serialized() + [0x0A]
    }
}
