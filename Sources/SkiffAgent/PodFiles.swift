import Foundation
import SkiffAPI
import SkiffLinux

/// The files kubelet gives every pod besides its volumes: a managed `/etc/hosts` naming the pod
/// at its address (with its hostAliases), and one `/dev/shm` tmpfs that all its containers share,
/// as they share its IPC namespace (64 MiB, Docker's and kubelet's default size).
struct PodFiles {
    let podDirectory: String
    let pod: JSON

    var shm: String { podDirectory + "/shm" }
    var hosts: String { podDirectory + "/etc-hosts" }
    /// A hostNetwork pod keeps the image's hosts file, as it has the node's network.
    var managesHosts: Bool { pod[path: ["spec", "hostNetwork"]]?.bool != true }

    func prepare(volumes: PodVolumes) throws(ContainerStartError) {
        try volumes.makeDirectory(shm, mode: 0o1777)
        try volumes.mountTmpfs(shm, sizeLimit: "64Mi")
        guard managesHosts, let podIP = volumes.podIP, !podIP.isEmpty else { return }
        let text = Self.hostsFile(pod: pod, podIP: podIP)
        if (try? String(contentsOfFile: hosts, encoding: .utf8)) == text { return }
        guard FileManager.default.createFile(atPath: hosts, contents: Data(text.utf8)) else {
            throw ContainerStartError(reason: "CreateContainerError", message: "cannot write \(hosts)")
        }
    }

    /// The container mounts: the shared /dev/shm, and /etc/hosts when managed.
    func mounts() -> [MountSpec] {
        var out = [MountSpec(kind: .bind, source: shm, destination: "/dev/shm")]
        if managesHosts { out.append(MountSpec(kind: .bind, source: hosts, destination: "/etc/hosts")) }
        return out
    }

    /// kubelet's layout: loopback names, the pod's hostname at its IP, then `spec.hostAliases`.
    static func hostsFile(pod: JSON, podIP: String) -> String {
        let name = pod[path: ["spec", "hostname"]]?.string ?? pod[path: ["metadata", "name"]]?.string ?? ""
        var text = """
            # Kubernetes-managed hosts file.
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            fe00::0\tip6-mcastprefix
            fe00::1\tip6-allnodes
            fe00::2\tip6-allrouters
            \(podIP)\t\(name)

            """
        let aliases = pod[path: ["spec", "hostAliases"]]?.array ?? []
        if !aliases.isEmpty {
            text += "\n# Entries added by HostAliases.\n"
            for alias in aliases {
                let names = alias["hostnames"]?.array?.compactMap(\.string) ?? []
                text += "\(alias["ip"]?.string ?? "")\t\(names.joined(separator: "\t"))\n"
            }
        }
        return text
    }
}
