import Glibc
import SkiffLinux
import Synchronization

/// The node side of pod networking, CNI-bridge style: in the node network namespace a bridge
/// `skiff0` holding the gateway address, and per pod a veth pair whose inner end is the pod's
/// `eth0` (its address from the pod CIDR, a default route through the gateway).
///
/// The node namespace is one the agent creates (`skiff-NODE` by default), so nothing is added
/// to the machine's own network, or the host's own (`host`) on an installed server.
public final class PodNetwork: Sendable {
    public static let bridgeName = "skiff0"

    public let network: IPv4Network
    /// nil: the host's own namespace (`--node-netns host`).
    public let namespaceName: String?
    public let allocator: IPAllocator
    /// Pods wired since this agent started (or found wired): their namespace file and address,
    /// so the periodic resync of each pod asks neither the kernel nor the disk, and a new sandbox
    /// (another namespace) is wired again.
    let attached = Mutex<[String: (namespace: String, address: IPv4Address)]>([:])

    public init(network: IPv4Network, namespaceName: String?, stateDirectory: String) {
        self.network = network
        self.namespaceName = namespaceName
        self.allocator = IPAllocator(directory: stateDirectory + "/ipam", network: network)
    }

    /// The node's address as pods see it (and hostNetwork pods have).
    public var nodeAddress: IPv4Address { network.gateway }

    /// The namespace file containers of hostNetwork pods join; nil on a host install.
    public var namespacePath: String? { namespaceName.map(NetworkNamespace.path) }

    /// Creates the node namespace (unless `host`) and the bridge with the gateway address.
    public func prepareNode() throws(LinuxError) {
        if let namespaceName { try NetworkNamespace.create(namespaceName) }
        try withNodeNetlink { (netlink) throws(LinuxError) in
            if try netlink.index(of: Self.bridgeName) == nil {
                do throws(LinuxError) { try netlink.addBridge(Self.bridgeName) } catch  where error.errno == EEXIST {}
            }
            let bridge = try netlink.requireIndex(Self.bridgeName)
            try netlink.addAddress(nodeAddress, prefixLength: network.prefixLength, to: bridge)
            try netlink.setUp(bridge)
        }
    }

    func withNodeNetlink<T>(_ body: (Netlink) throws(LinuxError) -> T) throws(LinuxError) -> T {
        guard let namespaceName else { return try body(try Netlink()) }
        let fd = try NetworkNamespace.open(NetworkNamespace.path(namespaceName))
        defer { Glibc.close(fd) }
        return try body(try Netlink.open(inNamespace: fd))
    }

    /// The host end of a pod's veth pair: `veth` and 11 hex digits of its uid (IFNAMSIZ is 16).
    public static func hostInterface(uid: String) -> String {
        "veth" + String(uid.filter(\.isHexDigit).prefix(11))
    }

    /// Wires the pod whose network namespace is `podNamespace` (`/proc/PID/ns/net` of its
    /// sandbox) and returns its address; a pod already wired keeps its address.
    public func attach(uid: String, podNamespace: String) throws(NetworkError) -> IPv4Address {
        if let known = attached.withLock({ $0[uid] }), known.namespace == podNamespace { return known.address }
        let address = try allocator.allocate(for: uid)
        do {
            try wire(uid: uid, podNamespace: podNamespace, address: address)
        } catch {
            throw NetworkError("cannot connect pod \(uid) to the pod network \(network): \(error)")
        }
        attached.withLock { $0[uid] = (podNamespace, address) }
        return address
    }

    func wire(uid: String, podNamespace path: String, address: IPv4Address) throws(LinuxError) {
        let podNamespace = try NetworkNamespace.open(path)
        defer { Glibc.close(podNamespace) }
        let pod = try Netlink.open(inNamespace: podNamespace)
        // A pod with an eth0 was wired before an agent restart: only check its settings.
        if try pod.index(of: "eth0") == nil {
            let host = Self.hostInterface(uid: uid)
            try withNodeNetlink { (node) throws(LinuxError) in
                // A host end without its pod end is left from an earlier sandbox: replace it.
                if let stale = try node.index(of: host) { try node.deleteLink(stale) }
                try node.addVeth(host, peer: "eth0", peerNamespace: podNamespace)
                try node.setUp(try node.requireIndex(host), master: try node.requireIndex(Self.bridgeName))
            }
        }
        let eth0 = try pod.requireIndex("eth0")
        try pod.addAddress(address, prefixLength: network.prefixLength, to: eth0)
        try pod.setUp(eth0)
        try pod.addDefaultRoute(via: nodeAddress, device: eth0)
    }

    /// Removes the pod's host interface (if its namespace has not taken it along) and frees
    /// its address.
    public func detach(uid: String) {
        let host = Self.hostInterface(uid: uid)
        try? withNodeNetlink { (node) throws(LinuxError) in
            if let index = try node.index(of: host) { try node.deleteLink(index) }
        }
        allocator.release(owner: uid)
        attached.withLock { $0[uid] = nil }
    }

    /// The pod's address, when it has one.
    public func address(uid: String) -> IPv4Address? {
        attached.withLock { $0[uid]?.address } ?? allocator.address(of: uid)
    }
}
