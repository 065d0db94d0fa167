import Foundation
import SkiffAPI
import SkiffClient
import SkiffLinux
import SkiffNetwork
import Testing

/// The pod network for real: the agent's node namespace, bridge and veth pairs; pods reach
/// each other and the node reaches them, all inside namespaces Skiff made.
@Suite("pod network", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentNetworkTests {
    typealias Pods = AgentPodTests

    static func podIP(_ client: APIClient, _ name: String) async throws -> String? {
        try await Pods.get(client, name)[path: ["status", "podIP"]]?.string
    }

    @Test("pods get addresses from the pod CIDR and reach each other; the node reaches them; deletion frees it all")
    func podToPodAndNodeToPod() async throws {
        try await withCluster { _, agent, client in
            let web = Pods.container(
                "web", "mkdir /tmp/www && echo hello-from-web > /tmp/www/index.html && httpd -f -p 8080 -h /tmp/www")
            _ = try await client.create(
                Resources.pods, namespace: "default", object: Pods.pod("web", containers: [web]))
            try await eventually("web has an address") { try await Self.podIP(client, "web") != nil }
            let webIP = try #require(try await Self.podIP(client, "web"))
            let webPod = try await Pods.get(client, "web")
            #expect(webIP.hasPrefix("10.88.0."), "\(webIP)")
            #expect(webPod[path: ["status", "hostIP"]]?.string == "10.88.0.1")
            #expect(webPod[path: ["status", "podIPs"]]?.array?.first?["ip"]?.string == webIP)

            let script =
                "echo env=$MY_IP; ip -4 addr show eth0; ip route; "
                + "until wget -qO- http://\(webIP):8080/; do sleep 0.2; done; sleep 3600"
            let clientContainer = Pods.container(
                "main", script,
                extra: ["env": [["name": "MY_IP", "valueFrom": ["fieldRef": ["fieldPath": "status.podIP"]]]]])
            _ = try await client.create(
                Resources.pods, namespace: "default", object: Pods.pod("client", containers: [clientContainer]))
            try await eventually("client fetched the page from web over the pod network") {
                agent.logText(pod: try await Pods.get(client, "client"), container: "main").contains("hello-from-web")
            }
            let clientIP = try #require(try await Self.podIP(client, "client"))
            #expect(clientIP != webIP)
            let log = agent.logText(pod: try await Pods.get(client, "client"), container: "main")
            #expect(log.contains("env=\(clientIP)"), "status.podIP reaches env before the start: \(log)")
            #expect(log.contains("inet \(clientIP)/24"), "\(log)")
            #expect(log.contains("default via 10.88.0.1 dev eth0"), "\(log)")

            // The node (its namespace, as kubelet's probes see pods) reaches the pod.
            let connection = try TCPClient(
                to: try #require(IPv4Address(webIP)), port: 8080, namespacePath: agent.nodeNetns,
                timeout: .seconds(5))
            try connection.send("GET /index.html HTTP/1.0\r\n\r\n")
            let response = String(decoding: try connection.receiveAll(), as: UTF8.self)
            #expect(response.hasPrefix("HTTP/1.") && response.contains("hello-from-web"), "\(response)")

            // None of it is in the machine's own network namespace (the one this test runs in).
            let webUID = try #require(webPod[path: ["metadata", "uid"]]?.string)
            let here = try Netlink()
            #expect(try here.index(of: PodNetwork.bridgeName) == nil)
            #expect(try here.index(of: PodNetwork.hostInterface(uid: webUID)) == nil)

            // Deleting the pod frees its address and removes its interface.
            _ = try await client.delete(
                Resources.pods, namespace: "default", name: "web", options: ["gracePeriodSeconds": 0])
            let addressFile = agent.directory + "/network/ipam/" + webIP
            try await eventually("web's address released") { !FileManager.default.fileExists(atPath: addressFile) }
            let nodeFD = try NetworkNamespace.open(agent.nodeNetns)
            defer { close(nodeFD) }
            #expect(try Netlink.open(inNamespace: nodeFD).index(of: PodNetwork.hostInterface(uid: webUID)) == nil)
        }
    }

    @Test("a hostNetwork pod shares the node's namespace (the agent's, not the machine's) and has the node's address")
    func hostNetworkJoinsTheNodeNamespace() async throws {
        var netns = ""
        try await withCluster { _, agent, client in
            netns = agent.nodeNetns
            let main = Pods.container("main", "ip -o link; echo done; sleep 3600")
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: Pods.pod("hostnet", containers: [main], extra: ["hostNetwork": true]))
            try await eventually("hostnet ran") {
                agent.logText(pod: try await Pods.get(client, "hostnet"), container: "main").contains("done")
            }
            // The log can come before the status that carries the address: wait for one.
            try await eventually("hostnet has a podIP") {
                try await Pods.get(client, "hostnet")[path: ["status", "podIP"]]?.string != nil
            }
            let pod = try await Pods.get(client, "hostnet")
            #expect(pod[path: ["status", "podIP"]]?.string == "10.88.0.1")
            let log = agent.logText(pod: pod, container: "main")
            #expect(log.contains(": \(PodNetwork.bridgeName):"), "the node namespace has the bridge: \(log)")
            let hostLinks = ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")) ?? [])
                .filter { $0 != "lo" }
            for link in hostLinks {
                #expect(!log.contains(": \(link):"), "the machine's \(link) is not visible: \(log)")
            }
        }
        #expect(
            !netns.isEmpty && !NetworkNamespace.exists(URL(fileURLWithPath: netns).lastPathComponent),
            "the node namespace is removed with the node")
    }
}
