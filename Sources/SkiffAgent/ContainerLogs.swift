import Foundation
import SkiffAPI
import SkiffClient
import SkiffLinux

/// Which log file `GET /containerLogs/NS/POD/CONTAINER` reads, with kubelet's checks and
/// messages: an unknown container, one still waiting to start, no previous run.
struct ContainerLogs {
    let informer: Informer
    let runtime: PodRuntime

    struct Source {
        var path: String
        var uid: String
        var container: String
        var attempt: Int
        /// Following ends when this run has exited (and its log is drained).
        var followable: Bool
    }

    func source(namespace: String, pod name: String, container: String, previous: Bool) async throws(SkiffError)
        -> Source
    {
        guard let pod = await informer.get(namespace + "/" + name), let uid = pod[path: ["metadata", "uid"]]?.string
        else { throw SkiffError.notFound(resource: "pods", name: name) }
        let specs =
            (pod[path: ["spec", "initContainers"]]?.array ?? []) + (pod[path: ["spec", "containers"]]?.array ?? [])
        guard specs.contains(where: { $0["name"]?.string == container }) else {
            throw SkiffError.badRequest("container \(container) is not valid for pod \(name)")
        }
        let live = runtime.state(uid: uid)?.containers.first(where: { $0.name == container })
        // A finished pod has no supervisor any more; its log files stay until it is deleted.
        let found =
            live.flatMap { record in record.logPath.map { ($0, record.attempt, record.running) } }
            ?? lastLog(namespace: namespace, pod: name, uid: uid, container: container).map {
                ($0.path, $0.attempt, false)
            }
        guard let (current, attempt, running) = found else {
            let statuses = pod[path: ["status", "containerStatuses"]]?.array ?? []
            let reason =
                statuses.first { $0["name"]?.string == container }?[path: ["state", "waiting", "reason"]]?.string
                ?? "ContainerCreating"
            throw SkiffError.badRequest("container \"\(container)\" in pod \"\(name)\" is waiting to start: \(reason)")
        }
        guard previous else {
            return Source(path: current, uid: uid, container: container, attempt: attempt, followable: running)
        }
        guard attempt >= 2 else {
            throw SkiffError.badRequest("previous terminated container \"\(container)\" in pod \"\(name)\" not found")
        }
        let path = URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(
            "\(attempt - 2).log"
        ).path
        return Source(path: path, uid: uid, container: container, attempt: attempt - 1, followable: false)
    }

    /// The newest `<restart>.log` of a container, from the files alone.
    func lastLog(namespace: String, pod: String, uid: String, container: String) -> (path: String, attempt: Int)? {
        let dir = runtime.configuration.containerLogDirectory(
            namespace: namespace, pod: pod, uid: uid, container: container)
        let restarts = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).compactMap {
            $0.hasSuffix(".log") ? Int($0.dropLast(4)) : nil
        }
        return restarts.max().map { (dir + "/\($0).log", $0 + 1) }
    }

    /// True while the run that writes `source` is running.
    func isWriting(_ source: Source) -> Bool {
        guard let record = runtime.state(uid: source.uid)?.containers.first(where: { $0.name == source.container })
        else { return false }
        return record.attempt == source.attempt && record.running
    }

    /// kubelet's PodLogOptions from the query, each bad value named.
    static func options(_ query: [String: String]) throws(SkiffError) -> (LogOptions, previous: Bool) {
        var options = LogOptions()
        func flag(_ name: String) -> Bool { ["true", "1"].contains(query[name]?.lowercased() ?? "") }
        func number(_ name: String, minimum: Int) throws(SkiffError) -> Int? {
            guard let text = query[name] else { return nil }
            guard let value = Int(text), value >= minimum else {
                throw SkiffError.badRequest("\(name): Invalid value: \"\(text)\": must be an integer >= \(minimum)")
            }
            return value
        }
        options.follow = flag("follow")
        options.timestamps = flag("timestamps")
        options.tailLines = try number("tailLines", minimum: 0)
        options.limitBytes = try number("limitBytes", minimum: 1)
        let sinceSeconds = try number("sinceSeconds", minimum: 1)
        if sinceSeconds != nil && query["sinceTime"] != nil {
            throw SkiffError.badRequest("sinceSeconds and sinceTime: at most one of them may be given")
        }
        if let sinceSeconds { options.since = Timestamp.now() - Int64(sinceSeconds) * 1_000_000_000 }
        if let text = query["sinceTime"] {
            guard let time = Timestamp.parse(text) else {
                throw SkiffError.badRequest(
                    "sinceTime: Invalid value: \"\(text)\": must be an RFC 3339 time such as 2026-11-21T10:00:00Z")
            }
            options.since = time
        }
        return (options, flag("previous"))
    }
}
