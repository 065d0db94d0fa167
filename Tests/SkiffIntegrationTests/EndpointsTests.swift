import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// The endpoints controller in a real master: a Service's Endpoints follow its pods' IPs,
/// readiness, labels and named ports, and go with the Service.
@Suite("endpoints in the master")
struct EndpointsTests {
    /// A pod as an agent would report it: an IP, and Ready or not.
    static func runningPod(_ client: APIClient, _ name: String, ip: String, ready: Bool, labels: [String: String])
        async throws
    {
        var pod = podManifest(name, labels: labels, unscheduled: true)
        pod[path: ["spec", "containers"]] = [
            ["name": "main", "image": "busybox", "ports": [["name": "http", "containerPort": 8080]]]
        ]
        var created = try await client.create(Resources.pods, namespace: "default", object: pod)
        created["status"] = [
            "phase": "Running", "podIP": .string(ip), "podIPs": [["ip": .string(ip)]],
            "conditions": [["type": "Ready", "status": .string(ready ? "True" : "False")]],
        ]
        _ = try await client.update(Resources.pods, namespace: "default", object: created, subresource: "status")
    }

    static func subsets(_ client: APIClient) async throws -> [JSON]? {
        try? await client.get(Resources.endpoints, namespace: "default", name: "web")["subsets"]?.array ?? []
    }

    @Test("ready pods as addresses, unready ones apart, named target ports resolved; gone with the Service")
    func follows() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            try await Self.runningPod(client, "a", ip: "10.88.0.5", ready: true, labels: ["app": "web"])
            try await Self.runningPod(client, "b", ip: "10.88.0.6", ready: false, labels: ["app": "web"])
            try await Self.runningPod(client, "other", ip: "10.88.0.7", ready: true, labels: ["app": "db"])
            let service: JSON = [
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": "web", "labels": ["tier": "front"]],
                "spec": ["selector": ["app": "web"], "ports": [["name": "web", "port": 80, "targetPort": "http"]]],
            ]
            _ = try await client.create(Resources.services, namespace: "default", object: service)
            try await eventually("a ready, b not ready, on port 8080") {
                guard let subset = try await Self.subsets(client)?.first else { return false }
                return subset["addresses"]?.array?.map { $0["ip"] } == ["10.88.0.5"]
                    && subset["notReadyAddresses"]?.array?.map { $0["ip"] } == ["10.88.0.6"]
                    && subset["ports"] == [["name": "web", "port": 8080, "protocol": "TCP"]]
            }
            let endpoints = try await client.get(Resources.endpoints, namespace: "default", name: "web")
            #expect(endpoints[path: ["metadata", "labels", "tier"]] == "front")
            #expect(
                endpoints["subsets"]?.array?.first?["addresses"]?.array?.first?[path: ["targetRef", "name"]] == "a")

            // b turns ready; a leaves the selector.
            var b = try await client.get(Resources.pods, namespace: "default", name: "b")
            b[path: ["status", "conditions"]] = [["type": "Ready", "status": "True"]]
            _ = try await client.update(Resources.pods, namespace: "default", object: b, subresource: "status")
            _ = try await client.patch(
                Resources.pods, namespace: "default", name: "a", patch: ["metadata": ["labels": ["app": "gone"]]])
            try await eventually("only b, ready") {
                guard let subsets = try await Self.subsets(client), subsets.count == 1 else { return false }
                return subsets[0]["addresses"]?.array?.map { $0["ip"] } == ["10.88.0.6"]
                    && subsets[0]["notReadyAddresses"] == nil
            }
            let kubectl = try await runProgram(
                "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
                ["--kubeconfig", master.kubeconfigPath, "get", "endpoints", "web"])
            #expect(kubectl.output.contains("10.88.0.6:8080"), "\(kubectl.output)")

            try await client.delete(Resources.services, namespace: "default", name: "web")
            try await eventually("the Endpoints go with the Service") { try await Self.subsets(client) == nil }
        }
    }
}
