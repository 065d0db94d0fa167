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
    /// The node's pid namespace for every container (wins over `shareProcessNamespace`).
    public var hostPID: Bool
    /// One pid namespace for the pod, held by the sandbox as its PID 1 (kubelet's pause).
    public var shareProcessNamespace: Bool
    /// hostUsers: false: the pod's own user namespace, its ids 0… mapped to this host range.
    public var userNamespace: IDRange?
    /// For hostNetwork: the node's network namespace file (`/run/netns/skiff-NODE`) the sandbox
    /// joins, so "host" network means the node's, not the machine's; nil on an installed host.
    public var nodeNetwork: String?
    /// The agent's datagram socket, told this pod's key when a container or the sandbox exits.
    public var notifySocket: String?

    public init(
        uid: String, name: String, namespace: String, hostname: String, hostNetwork: Bool = false,
        hostIPC: Bool = false, hostPID: Bool = false, shareProcessNamespace: Bool = false,
        userNamespace: IDRange? = nil, nodeNetwork: String? = nil, notifySocket: String? = nil
    ) {
        self.uid = uid
        self.name = name
        self.namespace = namespace
        self.hostname = hostname
        self.hostNetwork = hostNetwork
        self.hostIPC = hostIPC
        self.hostPID = hostPID
        self.shareProcessNamespace = shareProcessNamespace
        self.userNamespace = userNamespace
        self.nodeNetwork = nodeNetwork
        self.notifySocket = notifySocket
    }

    public init(json: JSON) throws(LinuxError) {
        let r = try SpecReader(json, path: "pod")
        self.init(
            uid: try r.string("uid"), name: try r.string("name"), namespace: try r.string("namespace"),
            hostname: try r.string("hostname"), hostNetwork: r.bool("hostNetwork"), hostIPC: r.bool("hostIPC"),
            hostPID: r.bool("hostPID"), shareProcessNamespace: r.bool("shareProcessNamespace"),
            userNamespace: try r.object("userNamespace").map(IDRange.init(reader:)),
            nodeNetwork: r.optionalString("nodeNetwork"), notifySocket: r.optionalString("notifySocket"))
    }

    public var json: JSON {
        .compactObject([
            ("uid", .string(uid)), ("name", .string(name)), ("namespace", .string(namespace)),
            ("hostname", .string(hostname)), ("hostNetwork", .bool(hostNetwork)), ("hostIPC", .bool(hostIPC)),
            ("hostPID", .bool(hostPID)), ("shareProcessNamespace", .bool(shareProcessNamespace)),
            (
                "userNamespace",
                userNamespace.map { ["hostID": .int(Int64($0.hostID)), "size": .int(Int64($0.size))] }
            ),
            ("nodeNetwork", nodeNetwork.map(JSON.string)),
            ("notifySocket", notifySocket.map(JSON.string)),
        ])
    }

    /// The node network namespace a hostNetwork sandbox joins, if any.
    var joinedNetwork: String? { hostNetwork ? nodeNetwork : nil }

    /// The namespace files every container joins: those the sandbox made, and the node's
    /// network it joined. Not the pid namespace: that one the supervisor enters for its
    /// children before it clones them (setns only moves a process's future children).
    var containerNamespaceFiles: [String] {
        namespaces.map(\.file).filter { $0 != "pid" && $0 != "user" } + (joinedNetwork == nil ? [] : ["net"])
    }

    /// The pod's own pid namespace, made by the sandbox and entered by every container.
    var sharesPodPID: Bool { shareProcessNamespace && !hostPID }

    /// Each container gets a pid namespace of its own unless the pod shares one or uses the node's.
    var containerCloneFlags: Int32 { shareProcessNamespace || hostPID ? 0 : Int32(SKIFF_CLONE_NEWPID) }

    /// The namespaces the sandbox creates.
    var namespaces: [(flag: Int32, file: String)] {
        var out: [(Int32, String)] = []
        // Created together with the others, so the pod's namespaces belong to it.
        if userNamespace != nil { out.append((Int32(SKIFF_CLONE_NEWUSER), "user")) }
        if !hostNetwork {
            out.append((Int32(SKIFF_CLONE_NEWNET), "net"))
            out.append((Int32(SKIFF_CLONE_NEWUTS), "uts"))
        }
        if !hostIPC { out.append((Int32(SKIFF_CLONE_NEWIPC), "ipc")) }
        if sharesPodPID { out.append((Int32(SKIFF_CLONE_NEWPID), "pid")) }
        return out
    }
}

/// A range of host ids: ids 0..<size inside a user namespace are hostID..<hostID+size outside.
public struct IDRange: Sendable, Equatable {
    public var hostID: UInt32
    public var size: UInt32

    public init(hostID: UInt32, size: UInt32) {
        self.hostID = hostID
        self.size = size
    }

    init(reader r: SpecReader) {
        self.init(hostID: UInt32(clamping: r.int("hostID") ?? 0), size: UInt32(clamping: r.int("size") ?? 0))
    }

    /// One line of `uid_map` / `gid_map`.
    public var mapLine: String { "0 \(hostID) \(size)\n" }
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
    /// One run (`attempt`, from 1) of a container: its spec, overlay and state.
    public func container(_ name: String, attempt: Int) -> String { path + "/containers/\(name)-\(attempt)" }
}
