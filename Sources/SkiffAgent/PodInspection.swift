import Foundation
import SkiffAPI
import SkiffLinux

/// What `skiff inspect pod` shows, read back from the kernel for each running container, not
/// from what was asked for: namespace ids beside the host's (the agent's) and which containers
/// share each, the cgroup and its effective limits, seccomp mode and profile, capabilities,
/// no_new_privs, ids and id maps, the root filesystem and every mount the container sees.
struct PodInspection {
    let runtime: PodRuntime
    let pod: JSON
    let uid: String

    static let namespaceTypes = ["mnt", "pid", "net", "ipc", "uts", "cgroup", "user", "time"]

    func build() -> JSON {
        let state = runtime.state(uid: uid)
        let running = (state?.containers ?? []).filter(\.running)
        let ids = Dictionary(uniqueKeysWithValues: running.map { ($0.name, Self.namespaces(pid: $0.pid)) })
        // The agent's own namespaces are the host's (those of the machine it serves).
        let host = Self.namespaces(pid: getpid())
        var out: JSON = [
            "pod": [
                "namespace": .string(pod[path: ["metadata", "namespace"]]?.string ?? "default"),
                "name": .string(pod[path: ["metadata", "name"]]?.string ?? ""), "uid": .string(uid),
                "node": .string(pod[path: ["spec", "nodeName"]]?.string ?? ""),
            ],
            "containers": .array(running.map { container($0, ids: ids, host: host) }),
        ]
        if let state {
            out["sandbox"] = ["pid": .int(Int64(state.sandboxPid)), "running": .bool(state.sandboxRunning)]
        }
        return out
    }

    func container(_ record: ContainerRecord, ids: [String: [String: String]], host: [String: String]) -> JSON {
        let run = ContainerRun(uid: uid, container: record.name, attempt: record.attempt)
        let mine = ids[record.name] ?? [:]
        let namespaces: [JSON] = Self.namespaceTypes.compactMap { type in
            guard let id = mine[type] else { return nil }
            let others = ids.filter { $0.key != record.name && $0.value[type] == id }.keys.sorted()
            return [
                "type": .string(type), "id": .string(id), "host": .string(host[type] ?? "?"),
                "isHost": .bool(host[type] == id), "sharedWith": .array(others.map(JSON.string)),
            ]
        }
        let status = Self.statusFields(pid: record.pid)
        let spec = try? ContainerSpec(file: runtime.specFile(run))
        var out: JSON = [
            "name": .string(record.name), "run": .int(Int64(record.attempt)), "pid": .int(Int64(record.pid)),
            "namespaces": .array(namespaces),
            "cgroup": cgroup(record.name),
            "seccomp": [
                "mode": .string(Self.seccompMode(status["Seccomp"])),
                "filters": .string(status["Seccomp_filters"] ?? "0"),
                "profile": .string(Self.profileName(spec?.security.seccomp)),
            ],
            "noNewPrivs": .bool(status["NoNewPrivs"] == "1"),
            "capabilities": .object(
                Dictionary(
                    uniqueKeysWithValues: [("effective", "CapEff"), ("permitted", "CapPrm"), ("bounding", "CapBnd")].map
                    {
                        key, field in
                        let mask = UInt64(status[field] ?? "0", radix: 16) ?? 0
                        return (
                            key,
                            JSON.object([
                                "mask": .string(status[field] ?? ""),
                                "names": .array(Capabilities.names(in: mask).map(JSON.string)),
                            ])
                        )
                    })),
            // real, effective, saved, filesystem ids; maps as `inside outside count` lines.
            "uid": .string(Self.words(status["Uid"] ?? "")), "gid": .string(Self.words(status["Gid"] ?? "")),
            "uidMap": .string(Self.words(Self.read("/proc/\(record.pid)/uid_map"))),
            "gidMap": .string(Self.words(Self.read("/proc/\(record.pid)/gid_map"))),
            "mounts": .array(Self.mounts(pid: record.pid)),
        ]
        if let spec {
            out["rootfs"] = [
                "image": .string(spec.image), "upper": .string(spec.stateDirectory + "/upper"),
                "readOnly": .bool(spec.security.readOnlyRootFilesystem),
            ]
        }
        return out
    }

    /// The container's cgroup path and the limits the kernel holds (file names as read).
    func cgroup(_ name: String) -> JSON {
        guard let path = try? runtime.cgroups.cgroups.container(name, pod: uid) else { return nil }
        var limits: [String: JSON] = [:]
        for entry in (try? path.readBack())?.entries ?? [] { limits[entry.name] = .string(entry.reading.description) }
        return ["path": .string(path.path), "limits": .object(limits)]
    }

    /// `type → inode` of each namespace link of `pid` (`net:[4026531840]` → `4026531840`).
    static func namespaces(pid: Int32) -> [String: String] {
        var out: [String: String] = [:]
        for type in namespaceTypes {
            guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/\(type)")
            else { continue }
            out[type] = String(link.drop(while: { $0 != "[" }).dropFirst().dropLast())
        }
        return out
    }

    static func statusFields(pid: Int32) -> [String: String] {
        var out: [String: String] = [:]
        for line in read("/proc/\(pid)/status").split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            out[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    static func seccompMode(_ value: String?) -> String {
        switch value {
        case "0": return "disabled"
        case "1": return "strict"
        case "2": return "filter"
        default: return "unknown"
        }
    }

    static func profileName(_ seccomp: SecuritySpec.Seccomp?) -> String {
        switch seccomp {
        case .runtimeDefault: return "RuntimeDefault"
        case .unconfined: return "Unconfined"
        case .localhost(let path): return "Localhost " + path
        case nil: return "unknown"
        }
    }

    /// Mount point, type, source and options of each line of the container's mountinfo.
    static func mounts(pid: Int32) -> [JSON] {
        MountInfo.parse(read("/proc/\(pid)/mountinfo")).map { mount in
            [
                "path": .string(mount.mountPoint), "type": .string(mount.fsType), "source": .string(mount.source),
                "options": .string(mount.mountOptions),
            ]
        }
    }

    /// Runs of blanks as one space, each line kept.
    static func words(_ text: String) -> String {
        text.split(separator: "\n").map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
            .joined(separator: "\n")
    }

    static func read(_ path: String) -> String {
        // Not String(contentsOfFile:): Foundation reads a /proc file (size 0) only up to 4 KiB.
        (Syscalls.readFile(path) ?? "").trimmingCharacters(in: .newlines)
    }
}
