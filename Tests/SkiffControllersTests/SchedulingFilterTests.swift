import SkiffAPI
import Testing

@testable import SkiffControllers

/// The filters against scripted clusters: each decides which nodes a pod may go to, and a pod
/// that fits nowhere gets Kubernetes' message.
@Suite("scheduler filters")
struct SchedulingFilterTests {
    typealias F = Fixtures

    @Test("requests are checked against allocatable minus what the node's pods already ask for")
    func resources() {
        var cache = F.cache(
            [F.node("small", cpu: "1"), F.node("large", cpu: "4")],
            pods: [F.pod("busy", cpu: "3", nodeName: "large")])
        #expect(cache.place(PodSchedulingProfile(F.pod("a", cpu: "900m"))) == .node("small"))
        #expect(
            cache.place(PodSchedulingProfile(F.pod("b", cpu: "2")))
                == .unschedulable("0/2 nodes are available: 2 Insufficient cpu."))
        cache.removePod(key: "default/busy")
        #expect(cache.place(PodSchedulingProfile(F.pod("b", cpu: "2"))) == .node("large"))
    }

    @Test("the failure message counts each node's reason, sorted as Kubernetes prints it")
    func failureMessage() {
        let cache = F.cache([
            F.node("a", memory: "1Gi", labels: ["disk": "ssd"]), F.node("b", labels: ["disk": "hdd"]),
            F.node("c", labels: ["disk": "hdd"]),
        ])
        let pod = F.pod("p", memory: "2Gi", spec: ["nodeSelector": ["disk": "ssd"]])
        #expect(
            cache.place(PodSchedulingProfile(pod))
                == .unschedulable(
                    "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector."
                ))
        #expect(
            F.cache([]).place(PodSchedulingProfile(pod)) == .unschedulable("no nodes available to schedule pods"))
    }

    @Test("a full node says Too many pods, and every short resource is named")
    func tooManyPods() {
        let cache = F.cache([F.node("n", cpu: "1", memory: "1Gi", pods: "1")], pods: [F.pod("x", nodeName: "n")])
        #expect(
            cache.place(PodSchedulingProfile(F.pod("p", cpu: "2", memory: "2Gi")))
                == .unschedulable(
                    "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods."))
    }

    @Test("a finished pod holds no room; a pod being deleted still does")
    func finishedPods() {
        var done = F.pod("done", cpu: "4", nodeName: "n")
        done["status"] = ["phase": "Succeeded"]
        var leaving = F.pod("leaving", cpu: "4", nodeName: "m")
        leaving[path: ["metadata", "deletionTimestamp"]] = "2026-01-01T00:00:00Z"
        let cache = F.cache([F.node("n"), F.node("m")], pods: [done, leaving])
        #expect(cache.place(PodSchedulingProfile(F.pod("p", cpu: "3"))) == .node("n"))
    }

    @Test("effective requests: the largest init container, sidecars added to the containers, overhead")
    func effectiveRequests() {
        let pod = F.pod(
            "p", cpu: "100m",
            spec: [
                "initContainers": [
                    ["name": "setup", "resources": ["requests": ["cpu": "2"]]],
                    ["name": "proxy", "restartPolicy": "Always", "resources": ["limits": ["cpu": "500m"]]],
                    ["name": "late", "resources": ["requests": ["cpu": "1"]]],
                ],
                "overhead": ["cpu": "50m"],
            ])
        // max(100m + 500m, 2, 500m + 1) + 50m
        #expect(PodSchedulingProfile(pod).requests["cpu"] == 2050)
    }

    @Test("host ports conflict on the same port and protocol when addresses overlap")
    func hostPorts() {
        func withPort(_ name: String, _ port: Int64, _ proto: String = "TCP", ip: String? = nil, node: String? = nil)
            -> JSON
        {
            var entry: JSON = ["containerPort": 80, "hostPort": .int(port), "protocol": .string(proto)]
            if let ip { entry["hostIP"] = .string(ip) }
            var pod = F.pod(name, nodeName: node)
            pod[path: ["spec", "containers"]] = [["name": "c", "image": "busybox", "ports": [entry]]]
            return pod
        }
        let cache = F.cache([F.node("a"), F.node("b")], pods: [withPort("web", 8080, node: "a")])
        #expect(cache.place(PodSchedulingProfile(withPort("p", 8080))) == .node("b"))
        let full = F.cache([F.node("a")], pods: [withPort("web", 8080, ip: "127.0.0.1", node: "a")])
        #expect(
            full.place(PodSchedulingProfile(withPort("p", 8080)))
                == .unschedulable(
                    "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."))
        #expect(full.place(PodSchedulingProfile(withPort("udp", 8080, "UDP"))) == .node("a"))
        #expect(full.place(PodSchedulingProfile(withPort("other-ip", 8080, ip: "127.0.0.2"))) == .node("a"))
    }
}
