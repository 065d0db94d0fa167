import Foundation
import SkiffAPI
import SkiffClient
import SkiffLinux

/// A pod volume prepared on the node: the host path containers bind.
struct MountSource: Sendable {
    var path: String
    var readOnly: Bool
}

/// Prepares a pod's volumes under `pods/<uid>/volumes/<name>` (emptyDir, configMap, secret)
/// or checks the host path (hostPath, and the hostPath volume a persistentVolumeClaim is bound
/// to), and the pod's own files (PodFiles), before any container starts.
struct PodVolumes {
    let podDirectory: String
    let client: APIClient
    let pod: JSON
    /// For the pod's /etc/hosts; known before any container starts (kubelet's order).
    let podIP: String?

    var namespace: String { pod[path: ["metadata", "namespace"]]?.string ?? "default" }

    func prepare() async throws(ContainerStartError) -> [String: MountSource] {
        var out: [String: MountSource] = [:]
        for volume in pod[path: ["spec", "volumes"]]?.array ?? [] {
            guard let name = volume["name"]?.string else { continue }
            let dir = podDirectory + "/volumes/" + name
            if let emptyDir = volume["emptyDir"] {
                try makeDirectory(dir, mode: 0o777)
                if emptyDir["medium"]?.string == "Memory" {
                    try mountTmpfs(dir, sizeLimit: emptyDir["sizeLimit"]?.string)
                }
                out[name] = MountSource(path: dir, readOnly: false)
            } else if let hostPath = volume["hostPath"] {
                out[name] = MountSource(path: try checkHostPath(hostPath, volume: name), readOnly: false)
            } else if let source = volume["configMap"] {
                try await project(source, info: Resources.configMaps, nameKey: "name", into: dir, volume: name)
                out[name] = MountSource(path: dir, readOnly: true)
            } else if let source = volume["secret"] {
                try await project(source, info: Resources.secrets, nameKey: "secretName", into: dir, volume: name)
                out[name] = MountSource(path: dir, readOnly: true)
            } else if let claim = volume["persistentVolumeClaim"] {
                let path = try await claimedPath(claim, volume: name)
                out[name] = MountSource(path: path, readOnly: claim["readOnly"]?.bool == true)
            } else {
                let kind = volume.object?.keys.first { $0 != "name" } ?? "unknown"
                throw ContainerStartError(
                    reason: "CreateContainerConfigError",
                    message:
                        "volume \(name): type \(kind) is not supported on this node (emptyDir, hostPath, configMap, secret, persistentVolumeClaim are)"
                )
            }
        }
        try PodFiles(podDirectory: podDirectory, pod: pod).prepare(volumes: self)
        return out
    }

    func makeDirectory(_ path: String, mode: Int) throws(ContainerStartError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            chmod(path, mode_t(mode))
        } catch {
            throw ContainerStartError(reason: "CreateContainerError", message: "cannot create \(path): \(error)")
        }
    }

    /// `medium: Memory`: a tmpfs the agent mounts under the pod's directory (removed with the pod).
    func mountTmpfs(_ path: String, sizeLimit: String?) throws(ContainerStartError) {
        // Mounted already (an earlier start): a tmpfs is another device than the directory it
        // sits in. Two stats, where reading mountinfo grows with every pod on the node.
        var here = stat()
        var parent = stat()
        if stat(path, &here) == 0, stat(path + "/..", &parent) == 0, here.st_dev != parent.st_dev { return }
        var options = "mode=1777"
        if let sizeLimit, let bytes = (try? Quantity(parsing: sizeLimit))?.value { options += ",size=\(bytes)" }
        guard mount("tmpfs", path, "tmpfs", UInt(MS_NOSUID | MS_NODEV), options) == 0 else {
            throw ContainerStartError(
                reason: "CreateContainerError", message: "cannot mount tmpfs for emptyDir at \(path): errno \(errno)")
        }
    }

    /// hostPath `type` checks as kubelet makes them; `DirectoryOrCreate` and `FileOrCreate` create.
    func checkHostPath(_ source: JSON, volume: String) throws(ContainerStartError) -> String {
        let path = source["path"]?.string ?? ""
        let type = source["type"]?.string ?? ""
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        func fail(_ what: String) -> ContainerStartError {
            ContainerStartError(
                reason: "CreateContainerConfigError",
                message: "hostPath volume \(volume): \(path) \(what) (type \(type))")
        }
        switch type {
        case "":
            if !exists { throw fail("does not exist") }
        case "Directory":
            if !exists || !isDirectory.boolValue { throw fail(exists ? "is not a directory" : "does not exist") }
        case "File":
            if !exists || isDirectory.boolValue { throw fail(exists ? "is a directory" : "does not exist") }
        case "DirectoryOrCreate":
            if !exists {
                try makeDirectory(path, mode: 0o755)
            } else if !isDirectory.boolValue {
                throw fail("is not a directory")
            }
        case "FileOrCreate":
            if !exists {
                guard FileManager.default.createFile(atPath: path, contents: nil) else {
                    throw fail("cannot be created")
                }
            } else if isDirectory.boolValue {
                throw fail("is a directory")
            }
        case "Socket", "CharDevice", "BlockDevice":
            if !exists { throw fail("does not exist") }
        default:
            throw fail("has an unknown type")
        }
        return path
    }

    /// configMap / secret volumes: one file per key (or per `items` entry) with `defaultMode`.
    func project(_ source: JSON, info: ResourceInfo, nameKey: String, into dir: String, volume: String)
        async throws(ContainerStartError)
    {
        let name = source[nameKey]?.string ?? ""
        let optional = source["optional"]?.bool == true
        let data = try await ConfigData.fetch(client, info, namespace: namespace, name: name, optional: optional)
        try makeDirectory(dir, mode: 0o755)
        let mode = Int(source["defaultMode"]?.int ?? 0o644)
        var files: [(String, String, Int)] = data.map { ($0.key, $0.key, mode) }
        if let items = source["items"]?.array {
            files = []
            for item in items {
                guard let key = item["key"]?.string, let path = item["path"]?.string else { continue }
                guard data[key] != nil || optional else {
                    throw ContainerStartError(
                        reason: "CreateContainerConfigError",
                        message: "volume \(volume): key \(key) not found in \(info.kind) \(name)")
                }
                files.append((key, path, Int(item["mode"]?.int ?? Int64(mode))))
            }
        }
        for (key, path, fileMode) in files {
            guard let value = data[key], !path.split(separator: "/").contains("..") else { continue }
            let target = dir + "/" + path
            try? FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: target, contents: Data(value.utf8)) else {
                throw ContainerStartError(
                    reason: "CreateContainerError", message: "volume \(volume): cannot write \(target)")
            }
            chmod(target, mode_t(fileMode))
        }
    }
}
