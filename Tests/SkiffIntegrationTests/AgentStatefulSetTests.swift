import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// A StatefulSet with real pods and local volumes: pods made in order with stable names, each
/// with its own claim that the node's provisioner binds to a directory; a deleted `web-0`
/// comes back with the same name and finds its data; a deleted claim takes its directory.
@Suite("stateful sets run real pods", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentStatefulSetTests {
    static func statefulSet(_ name: String, replicas: Int) -> JSON {
        // The first start writes the pod's hostname; every start appends a line.
        let script =
            "[ -f /data/first ] || hostname > /data/first; echo boot >> /data/boots; "
            + "echo first=$(cat /data/first) boots=$(wc -l < /data/boots); "
            + "trap 'exit 0' TERM; while true; do sleep 0.2; done"
        return [
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": ["name": .string(name)],
            "spec": [
                "replicas": .int(Int64(replicas)), "serviceName": .string(name),
                "selector": ["matchLabels": ["app": .string(name)]],
                "template": [
                    "metadata": ["labels": ["app": .string(name)]],
                    "spec": [
                        "containers": [
                            AgentPodTests.container(
                                "main", script, extra: ["volumeMounts": [["name": "data", "mountPath": "/data"]]])
                        ]
                    ],
                ],
                "volumeClaimTemplates": [
                    [
                        "metadata": ["name": "data"],
                        "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": "1Mi"]]],
                    ]
                ],
            ],
        ]
    }

    static func pod(_ client: APIClient, _ name: String) async throws -> JSON? {
        try? await client.get(Resources.pods, namespace: "default", name: name)
    }

    @Test("web-0 then web-1, each with a bound local claim; web-0 deleted comes back to its own data")
    func stableIdentityAndData() async throws {
        try await withCluster { master, agent, client in
            _ = try await client.create(
                Resources.statefulSets, namespace: "default", object: Self.statefulSet("web", replicas: 2))
            let kubectl = AgentLogsTests.kubectls[0].1
            let rollout = try await runProgram(
                kubectl, ["--kubeconfig", master.kubeconfigPath, "rollout", "status", "sts/web", "--timeout=90s"])
            #expect(rollout.status == 0, "rollout status: \(rollout.output)")
            let web0 = try #require(try await Self.pod(client, "web-0"))
            let web1 = try #require(try await Self.pod(client, "web-1"))
            #expect(web0[path: ["spec", "hostname"]] == "web-0" && web0[path: ["spec", "subdomain"]] == "web")
            // OrderedReady: web-1 was made only once web-0 was Ready.
            let ready0 = (web0[path: ["status", "conditions"]]?.array ?? []).first { $0["type"] == "Ready" }?[
                "lastTransitionTime"]?.string.flatMap(RFC3339.parse)
            let created1 = web1[path: ["metadata", "creationTimestamp"]]?.string.flatMap(RFC3339.parse)
            #expect(
                ready0 != nil && created1 != nil && created1! >= ready0!,
                "web-1 \(String(describing: created1)) after web-0 ready \(String(describing: ready0))")

            for ordinal in 0..<2 {
                let claim = try await client.get(
                    Resources.persistentVolumeClaims, namespace: "default", name: "data-web-\(ordinal)")
                #expect(claim[path: ["status", "phase"]] == "Bound")
                let volumeName = try #require(claim[path: ["spec", "volumeName"]]?.string)
                let volume = try await client.get(Resources.persistentVolumes, namespace: nil, name: volumeName)
                let path = try #require(volume[path: ["spec", "hostPath", "path"]]?.string)
                #expect(path.hasPrefix(agent.directory + "/volumes/"), "\(path)")
                #expect(
                    volume[path: ["spec", "nodeAffinity", "required", "nodeSelectorTerms"]]?.array?.first?[
                        "matchExpressions"]?.array?.first?["values"] == [.string(agent.nodeName)])
                // Ready means started; the script writes a moment later.
                try await eventually("web-\(ordinal) wrote its name into its volume") {
                    (try? String(contentsOfFile: path + "/first", encoding: .utf8)) == "web-\(ordinal)\n"
                }
            }
            try await eventually("web-0's first start logged") {
                try await AgentLogsTests.log(client, "web-0", []) == "first=web-0 boots=1\n"
            }

            let uid = web0[path: ["metadata", "uid"]]?.string
            try await client.delete(Resources.pods, namespace: "default", name: "web-0")
            try await eventually("web-0 back, a new pod, Running", seconds: 60) {
                let pod = try await Self.pod(client, "web-0")
                return pod?[path: ["metadata", "uid"]]?.string != uid && pod?[path: ["status", "phase"]] == "Running"
            }
            try await eventually("web-0 found its data") {
                try await AgentLogsTests.log(client, "web-0", []) == "first=web-0 boots=2\n"
            }

            // Scaled down from the top; the claims stay until deleted, then their volume goes.
            _ = try await client.patch(
                Resources.statefulSets, namespace: "default", name: "web", patch: ["spec": ["replicas": 1]])
            try await eventually("web-1 gone, web-0 kept", seconds: 60) {
                let web1 = try await Self.pod(client, "web-1")
                let web0 = try await Self.pod(client, "web-0")
                return web1 == nil && web0 != nil
            }
            let claim1 = try await client.get(
                Resources.persistentVolumeClaims, namespace: "default", name: "data-web-1")
            let volume1 = try #require(claim1[path: ["spec", "volumeName"]]?.string)
            let directory1 = agent.directory + "/volumes/" + volume1
            #expect(FileManager.default.fileExists(atPath: directory1))
            try await client.delete(Resources.persistentVolumeClaims, namespace: "default", name: "data-web-1")
            try await eventually("its volume and directory gone", seconds: 30) {
                let gone = (try? await client.get(Resources.persistentVolumes, namespace: nil, name: volume1)) == nil
                return gone && !FileManager.default.fileExists(atPath: directory1)
            }
            _ = try await client.patch(
                Resources.statefulSets, namespace: "default", name: "web", patch: ["spec": ["replicas": 0]])
            try await eventually("scaled to 0", seconds: 60) { try await Self.pod(client, "web-0") == nil }
        }
    }
}
