import CSkiffLinux
import Glibc
import SkiffJSON

/// What `skiff-init pod` needs to make a pod's sandbox: its identity and which namespaces it
/// owns. The agent writes it to `DIR/pod.json`.
public struct PodSandboxSpec: Sendable, Equatable {
    public var uid: String
    public var name: String
    public var namespace: String
    public var hostname: String
    /// The node's network (and UTS, as Kubernetes does) instead of the pod's own.
    public var hostNetwork: Bool
    public var hostIPC: Bool
    /// For hostNetwork: the node's network namespace file (`/run/netns/skiff-NODE`) the sandbox
    /// joins, so "host" network means the node's, not the machine's; nil on an installed host.
    public var nodeNetwork: String?

    public init(
        uid: String, name: String, namespace: String, hostname: String, hostNetwork: Bool = false,
        hostIPC: Bool = false,
        nodeNetwork: String? = nil
    ) {
        self.uid = uid
        self.name = name
        self.namespace = namespace
        self.hostname = hostname
        self.hostNetwork = hostNetwork
        self.hostIPC = hostIPC
        self.nodeNetwork = nodeNetwork
    }

    public init(json: JSON) throws(LinuxError) {
        let r = try SpecReader(json, path: "pod")
        self.init(
            uid: try r.string("uid"), name: try r.string("name"), namespace: try r.string("namespace"),
            hostname: try r.string("hostname"), hostNetwork: r.bool("hostNetwork"), hostIPC: r.bool("hostIPC"),
            nodeNetwork: r.optionalString("nodeNetwork"))
    }

    public var json: JSON {
        .compactObject([
            ("uid", .string(uid)), ("name", .string(name)), ("namespace", .string(namespace)),
            ("hostname", .string(hostname)), ("hostNetwork", .bool(hostNetwork)), ("hostIPC", .bool(hostIPC)),
            ("nodeNetwork", nodeNetwork.map(JSON.string)),
        ])
    }

    /// The node network namespace a hostNetwork sandbox joins, if any.
    var joinedNetwork: String? { hostNetwork ? nodeNetwork : nil }

    /// The namespace files every container joins: those the sandbox made, and the node's
    /// network it joined.
    var containerNamespaceFiles: [String] {
        namespaces.map(\.file) + (joinedNetwork == nil ? [] : ["net"])
    }

    /// The namespaces the sandbox creates.
    var namespaces: [(flag: Int32, file: String)] {
        var out: [(Int32, String)] = []
        if !hostNetwork {
            out.append((Int32(SKIFF_CLONE_NEWNET), "net"))
            out.append((Int32(SKIFF_CLONE_NEWUTS), "uts"))
        }
        if !hostIPC { out.append((Int32(SKIFF_CLONE_NEWIPC), "ipc")) }
        return out
    }
}

/// Files of a pod's runtime directory (the agent's `pods/<uid>/`).
public struct PodDirectory: Sendable {
    public let path: String
    public init(_ path: String) { self.path = path }
    public var spec: String { path + "/pod.json" }
    public var controlSocket: String { path + "/control.sock" }
    public var state: String { path + "/state.json" }
    public var infraPid: String { path + "/infra.pid" }
    public var infraLog: String { path + "/infra.log" }
}
