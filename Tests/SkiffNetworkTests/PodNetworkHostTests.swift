import Foundation
import Glibc
import SkiffLinux
import Testing

@testable import SkiffNetwork

/// Real namespaces, a real bridge and veth pairs: a node namespace and two stand-in pod
/// namespaces (named, so the test needs no process to hold them), wired as the agent wires
/// pods, then TCP between them. Traffic stays inside namespaces this test created.
@Suite(.serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct PodNetworkHostTests {
    @Test func wiresPodsToTheNodeAndEachOtherAndCleansUp() throws {
        try Privileged.requireRoot()
        let suffix = String(UUID().uuidString.prefix(6)).lowercased()
        let nodeName = "skiff-t\(suffix)"
        let pods = ["skiff-t\(suffix)-a", "skiff-t\(suffix)-b"]
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("net-" + suffix).path
        defer {
            for name in pods + [nodeName] { NetworkNamespace.remove(name) }
            try? FileManager.default.removeItem(atPath: state)
        }
        for name in pods { try NetworkNamespace.create(name) }
        let network = PodNetwork(
            network: try IPv4Network("10.88.0.0/24", field: "test"), namespaceName: nodeName, stateDirectory: state)
        try network.prepareNode()
        try network.prepareNode()  // a restarted agent finds it all in place
        #expect(NetworkNamespace.exists(nodeName))

        let a = try network.attach(uid: "uid-a-1234567890ab", podNamespace: NetworkNamespace.path(pods[0]))
        let b = try network.attach(uid: "uid-b-1234567890ab", podNamespace: NetworkNamespace.path(pods[1]))
        #expect(a.description == "10.88.0.2")
        #expect(b.description == "10.88.0.3")
        // A new agent (empty cache) finds pod a wired and keeps its address.
        let restarted = PodNetwork(network: network.network, namespaceName: nodeName, stateDirectory: state)
        #expect(try restarted.attach(uid: "uid-a-1234567890ab", podNamespace: NetworkNamespace.path(pods[0])) == a)

        // node → pod, pod → pod, pod → node (the gateway on the bridge).
        #expect(try TCPProbe.exchange(from: NetworkNamespace.path(nodeName), to: NetworkNamespace.path(pods[0]), a))
        #expect(try TCPProbe.exchange(from: NetworkNamespace.path(pods[1]), to: NetworkNamespace.path(pods[0]), a))
        #expect(
            try TCPProbe.exchange(
                from: NetworkNamespace.path(pods[0]), to: NetworkNamespace.path(nodeName), network.nodeAddress))

        // Nothing of it is in the namespace the test runs in (the machine's own).
        let here = try Netlink()
        #expect(try here.index(of: PodNetwork.bridgeName) == nil)
        #expect(try here.index(of: PodNetwork.hostInterface(uid: "uid-a-1234567890ab")) == nil)

        network.detach(uid: "uid-a-1234567890ab")
        #expect(network.address(uid: "uid-a-1234567890ab") == nil)
        let nodeFD = try NetworkNamespace.open(NetworkNamespace.path(nodeName))
        defer { close(nodeFD) }
        let node = try Netlink.open(inNamespace: nodeFD)
        #expect(try node.index(of: PodNetwork.hostInterface(uid: "uid-a-1234567890ab")) == nil)
        #expect(try node.index(of: PodNetwork.hostInterface(uid: "uid-b-1234567890ab")) != nil)
    }
}

/// One TCP round trip: a listener made in one namespace, Skiff's TCPClient in another.
enum TCPProbe {
    static func exchange(from client: String, to server: String, _ address: IPv4Address) throws -> Bool {
        let port: UInt16 = 18080
        let serverFD = try NetworkNamespace.open(server)
        defer { close(serverFD) }
        let listener = try NetworkNamespace.run(in: serverFD) { () throws(LinuxError) in
            let s = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
            if s < 0 { throw LinuxError("socket") }
            return s
        }
        defer { close(listener) }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = address.socketAddress(port: port)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 1) == 0 else { throw LinuxError("bind/listen \(address):\(port)") }
        let connection = try TCPClient(to: address, port: port, namespacePath: client, timeout: .seconds(5))
        let accepted = accept(listener, nil, nil)
        guard accepted >= 0 else { return false }
        let message = "hello \(address)"
        try connection.send(message)
        // Echo what arrived, then close: the client reads to the end.
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { recv(accepted, $0.baseAddress, $0.count, 0) }
        if n > 0 { _ = buffer.withUnsafeBytes { Glibc.send(accepted, $0.baseAddress, n, 0) } }
        close(accepted)
        return String(decoding: try connection.receiveAll(), as: UTF8.self) == message
    }
}

enum Privileged {
    static let isRoot = getuid() == 0
    static let canRun = isRoot || ProcessInfo.processInfo.environment["CI"] == "true"
    static let reason: Comment = "needs root (network namespaces); CI runs it as root"

    static func requireRoot() throws {
        try #require(isRoot, "privileged test running without root: CI must run as root")
    }
}
