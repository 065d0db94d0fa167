import Foundation
import SkiffAPI
import SkiffClient
import SkiffLinux

/// Why a container could not be started, as kubelet reports it in `waiting.reason`.
struct ContainerStartError: Error, CustomStringConvertible {
    var reason: String
    var message: String
    var description: String { "\(reason): \(message)" }
}

/// Turns one Kubernetes container of a pod into the ContainerSpec skiff-init runs: image
/// folder, command, environment, volume mounts, security settings, log file.
struct ContainerBuilder {
    let configuration: AgentConfiguration
    let images: ImageStore
    let seccomp: SeccompPrograms
    let client: APIClient
    let pod: JSON
    let volumes: [String: MountSource]
    /// Known before any container starts (kubelet's order), unlike the pod's status.
    let podIP: String
    let hostIP: String

    var uid: String { pod[path: ["metadata", "uid"]]?.string ?? "" }
    var podName: String { pod[path: ["metadata", "name"]]?.string ?? "" }
    var namespace: String { pod[path: ["metadata", "namespace"]]?.string ?? "default" }

    func build(_ container: JSON, attempt: Int) async throws(ContainerStartError) -> ContainerSpec {
        let name = container["name"]?.string ?? "main"
        let reference = container["image"]?.string ?? ""
        guard let image = images.path(for: reference) else {
            throw ContainerStartError(reason: "ErrImagePull", message: images.missingMessage(reference))
        }
        let dir = configuration.podDirectory(uid: uid).container(name, attempt: attempt)
        var spec = ContainerSpec(
            name: name, image: image, stateDirectory: dir, arguments: Self.arguments(container),
            environment: try await environment(container),
            workingDirectory: container["workingDir"]?.string ?? "/")
        spec.logPath = logPath(container: name, restart: attempt - 1)
        spec.stdin = container["stdin"]?.bool == true
        spec.tty = container["tty"]?.bool == true
        spec.mounts = try mounts(container)
        spec.security = try SecurityContextResolver.resolve(pod: pod, container: container)
        if case .localhost(let name) = spec.security.seccomp {
            let path = configuration.dataDirectory + "/seccomp/" + name
            guard FileManager.default.fileExists(atPath: path) else {
                throw ContainerStartError(
                    reason: "CreateContainerConfigError",
                    message: "seccomp profile \(name) not found: put it at \(path)")
            }
            spec.security.seccomp = .localhost(path)
        }
        do {
            spec.security.seccompProgram = try seccomp.program(for: spec.security)
        } catch {
            throw ContainerStartError(reason: "CreateContainerConfigError", message: "seccomp profile: \(error)")
        }
        return spec
    }

    /// Local images carry no entrypoint metadata; busybox's Docker image runs `sh` by default,
    /// so a container with neither command nor args runs `sh`, and args alone are the command.
    static func arguments(_ container: JSON) -> [String] {
        let command = container["command"]?.array?.compactMap(\.string) ?? []
        let args = container["args"]?.array?.compactMap(\.string) ?? []
        if command.isEmpty && args.isEmpty { return ["sh"] }
        return command + args
    }

    func logPath(container: String, restart: Int) -> String {
        configuration.containerLogDirectory(namespace: namespace, pod: podName, uid: uid, container: container)
            + "/\(restart).log"
    }

    func environment(_ container: JSON) async throws(ContainerStartError) -> [String] {
        var env: [(String, String)] = []
        for source in container["envFrom"]?.array ?? [] {
            let prefix = source["prefix"]?.string ?? ""
            for (kind, info) in [("configMapRef", Resources.configMaps), ("secretRef", Resources.secrets)] {
                guard let ref = source[kind], let refName = ref["name"]?.string else { continue }
                let data = try await ConfigData.fetch(
                    client, info, namespace: namespace, name: refName, optional: ref["optional"]?.bool == true)
                for (key, value) in data.sorted(by: { $0.key < $1.key }) { env.append((prefix + key, value)) }
            }
        }
        for item in container["env"]?.array ?? [] {
            guard let name = item["name"]?.string else { continue }
            if let value = item["value"]?.string {
                env.append((name, Self.expand(value, env)))
            } else if let from = item["valueFrom"] {
                if let value = try await valueFrom(from, variable: name) { env.append((name, value)) }
            } else {
                env.append((name, ""))
            }
        }
        return env.map { "\($0.0)=\($0.1)" }
    }

    /// `$(VAR)` refers to a variable defined earlier; `$$` escapes a dollar, as Kubernetes does.
    static func expand(_ value: String, _ env: [(String, String)]) -> String {
        guard value.contains("$") else { return value }
        var out = ""
        var rest = Substring(value)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("$") {
                out += "$"
                rest = after.dropFirst()
            } else if after.hasPrefix("("), let close = after.firstIndex(of: ")") {
                let key = String(after[after.index(after: after.startIndex)..<close])
                out += env.last { $0.0 == key }?.1 ?? "$(\(key))"
                rest = after[after.index(after: close)...]
            } else {
                out += "$"
                rest = after
            }
        }
        return out + rest
    }

    func valueFrom(_ from: JSON, variable: String) async throws(ContainerStartError) -> String? {
        if let path = from[path: ["fieldRef", "fieldPath"]]?.string {
            switch path {
            case "metadata.name": return podName
            case "metadata.namespace": return namespace
            case "metadata.uid": return uid
            case "spec.nodeName": return configuration.nodeName
            case "spec.serviceAccountName": return pod[path: ["spec", "serviceAccountName"]]?.string ?? "default"
            case "status.podIP", "status.podIPs": return podIP
            case "status.hostIP", "status.hostIPs": return hostIP
            default:
                if path.hasPrefix("metadata.labels['"), let key = Self.bracketKey(path) {
                    return pod[path: ["metadata", "labels", key]]?.string ?? ""
                }
                if path.hasPrefix("metadata.annotations['"), let key = Self.bracketKey(path) {
                    return pod[path: ["metadata", "annotations", key]]?.string ?? ""
                }
                throw ContainerStartError(
                    reason: "CreateContainerConfigError",
                    message: "env \(variable): fieldRef \(path) is not supported")
            }
        }
        for (kind, info) in [("configMapKeyRef", Resources.configMaps), ("secretKeyRef", Resources.secrets)] {
            guard let ref = from[kind], let refName = ref["name"]?.string, let key = ref["key"]?.string else {
                continue
            }
            let optional = ref["optional"]?.bool == true
            let data = try await ConfigData.fetch(
                client, info, namespace: namespace, name: refName, optional: optional)
            guard let value = data[key] else {
                if optional { return nil }
                throw ContainerStartError(
                    reason: "CreateContainerConfigError",
                    message: "couldn't find key \(key) in \(info.kind) \(namespace)/\(refName)")
            }
            return value
        }
        return nil
    }

    static func bracketKey(_ path: String) -> String? {
        guard let open = path.firstIndex(of: "'"), let close = path.lastIndex(of: "'"), open < close else { return nil }
        return String(path[path.index(after: open)..<close])
    }

    func mounts(_ container: JSON) throws(ContainerStartError) -> [MountSpec] {
        var out: [MountSpec] = []
        for mount in container["volumeMounts"]?.array ?? [] {
            guard let name = mount["name"]?.string, let path = mount["mountPath"]?.string else { continue }
            guard let source = volumes[name] else {
                throw ContainerStartError(
                    reason: "CreateContainerConfigError",
                    message: "volumeMounts \(name): no volume of that name in the pod")
            }
            var hostPath = source.path
            if let sub = mount["subPath"]?.string, !sub.isEmpty {
                guard !sub.split(separator: "/").contains("..") else {
                    throw ContainerStartError(
                        reason: "CreateContainerConfigError",
                        message: "volumeMounts \(name): subPath must not contain ..")
                }
                hostPath += "/" + sub
                try? FileManager.default.createDirectory(atPath: hostPath, withIntermediateDirectories: true)
            }
            out.append(
                MountSpec(
                    kind: .bind, source: hostPath, destination: path,
                    readOnly: source.readOnly || mount["readOnly"]?.bool == true))
        }
        // The pod's /dev/shm and /etc/hosts, unless the container mounts its own there.
        let own = Set(out.map(\.destination))
        let podFiles = PodFiles(podDirectory: configuration.podDirectory(uid: uid).path, pod: pod).mounts()
        return out + podFiles.filter { !own.contains($0.destination) }
    }
}
