import CSkiffLinux
import Glibc
import SkiffLinux

/// A NETLINK_ROUTE socket bound to the network namespace it was opened in (skiff_netlink.c does
/// the message work). Errors name the request and the interface.
public final class Netlink {
    let fd: Int32

    /// A socket in the calling thread's namespace.
    public init() throws(LinuxError) {
        fd = try Self.result("socket(netlink)") { skiff_nl_open() }
    }

    /// A socket in the namespace open at `namespaceFD` (the thread visits it to open the socket).
    public static func open(inNamespace namespaceFD: Int32) throws(LinuxError) -> Netlink {
        try NetworkNamespace.run(in: namespaceFD) { () throws(LinuxError) in try Netlink() }
    }

    deinit { Glibc.close(fd) }

    /// The interface's index, or nil when there is no interface of that name.
    public func index(of name: String) throws(LinuxError) -> Int32? {
        let index = skiff_nl_link_index(fd, name)
        if index == -ENODEV { return nil }
        return try Self.result("netlink get link \(name)") { index }
    }

    public func requireIndex(_ name: String) throws(LinuxError) -> Int32 {
        guard let index = try index(of: name) else { throw LinuxError("netlink get link \(name)", errno: ENODEV) }
        return index
    }

    public func addBridge(_ name: String) throws(LinuxError) {
        try Self.result("netlink add bridge \(name)") { skiff_nl_bridge_add(fd, name) }
    }

    /// A veth pair: `name` in this namespace, `peer` created directly in `peerNamespace`.
    public func addVeth(_ name: String, peer: String, peerNamespace: Int32) throws(LinuxError) {
        try Self.result("netlink add veth \(name) peer \(peer)") { skiff_nl_veth_add(fd, name, peer, peerNamespace) }
    }

    public func setUp(_ index: Int32, master: Int32 = 0) throws(LinuxError) {
        try Self.result("netlink set link \(index) up") { skiff_nl_link_up(fd, index, master) }
    }

    public func deleteLink(_ index: Int32) throws(LinuxError) {
        try Self.result("netlink delete link \(index)") { skiff_nl_link_del(fd, index) }
    }

    /// Adds the address; one already there is fine (a retried set-up).
    public func addAddress(_ address: IPv4Address, prefixLength: Int, to index: Int32) throws(LinuxError) {
        let rc = skiff_nl_addr_add(fd, index, address.networkOrder, Int32(prefixLength))
        if rc == -EEXIST { return }
        try Self.result("netlink add address \(address)/\(prefixLength)") { rc }
    }

    public func addDefaultRoute(via gateway: IPv4Address, device index: Int32) throws(LinuxError) {
        let rc = skiff_nl_route_default(fd, gateway.networkOrder, index)
        if rc == -EEXIST { return }
        try Self.result("netlink add default route via \(gateway)") { rc }
    }

    @discardableResult
    static func result(_ call: String, _ body: () -> Int32) throws(LinuxError) -> Int32 {
        let rc = body()
        if rc < 0 { throw LinuxError(call, errno: -rc) }
        return rc
    }
}
