import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// Pod-wide options on real pods: a shared or the node's pid namespace, the pod's /etc/hosts
/// and /dev/shm, and a persistentVolumeClaim bound to a hostPath volume.
@Suite("agent applies pod-wide options", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentPodOptionsTests {
    typealias P = AgentPodTests

    @Test("shareProcessNamespace gives one pid namespace that reaps orphans; hostPID gives the node's")
    func pidNamespaces() async throws {
        try await withCluster { _, agent, client in
            let a = P.container("a", "exec sleep 3601")
            // An orphan (the subshell's sleep) goes to the pod's PID 1, which must reap it.
            let b = P.container(
                "b",
                "(sleep 0.2 &); sleep 2; ps -o pid,args; echo pid1=$(cat /proc/1/comm); echo zombies=$(cat /proc/[0-9]*/stat | grep -c ') Z '); sleep 3600"
            )
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: P.pod("shared", containers: [a, b], extra: ["shareProcessNamespace": true]))
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: P.pod(
                    "hostpid", containers: [P.container("main", "echo pid1=$(cat /proc/1/comm); sleep 3600")],
                    extra: ["hostPID": true]))
            try await waitForRunning(client, agent, "shared")
            try await waitForRunning(client, agent, "hostpid")
            let shared = try await P.get(client, "shared")
            try await eventually("b listed the pod's processes") {
                agent.logText(pod: shared, container: "b").contains("zombies=")
            }
            let lines = agent.logText(pod: shared, container: "b")
            #expect(lines.contains("sleep 3601"), "b sees a's process: \(lines)")
            #expect(lines.contains("pid1=skiff-init"), "the sandbox is the pod's PID 1: \(lines)")
            #expect(lines.contains("zombies=0"), "\(lines)")
            let hostInit = try String(contentsOfFile: "/proc/1/comm", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let hostpid = try await P.get(client, "hostpid")
            try await eventually("hostpid printed its PID 1") {
                agent.logText(pod: hostpid, container: "main").contains("pid1=")
            }
            #expect(agent.logText(pod: hostpid, container: "main").contains("pid1=\(hostInit)"))
            // Default pods keep a pid namespace per container (AgentPodTests: ps shows only its own).
        }
    }

    @Test("containers share the pod's /dev/shm, and /etc/hosts names the pod at its IP with hostAliases")
    func podFiles() async throws {
        try await withCluster { _, agent, client in
            let writer = P.container("writer", "echo shm-data > /dev/shm/x; cat /etc/hosts; sleep 3600")
            let reader = P.container(
                "reader", "until [ -f /dev/shm/x ]; do sleep 0.1; done; cat /dev/shm/x; df -k /dev/shm; sleep 3600")
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: P.pod(
                    "files", containers: [writer, reader],
                    extra: ["hostAliases": [["ip": "10.1.2.3", "hostnames": ["foo.local", "bar"]]]]))
            try await waitForRunning(client, agent, "files")
            let pod = try await P.get(client, "files")
            try await eventually("the reader saw the writer's file") {
                agent.logText(pod: pod, container: "reader").contains("shm-data")
            }
            #expect(agent.logText(pod: pod, container: "reader").contains("65536"), "64 MiB shm")
            try await eventually("podIP in status") {
                try await P.get(client, "files")[path: ["status", "podIP"]]?.string != nil
            }
            let podIP = try await P.get(client, "files")[path: ["status", "podIP"]]?.string ?? "-"
            let hosts = agent.logText(pod: pod, container: "writer")
            #expect(hosts.contains("\(podIP)\tfiles"), "\(hosts)")
            #expect(hosts.contains("10.1.2.3\tfoo.local\tbar"), "\(hosts)")
            #expect(hosts.contains("127.0.0.1\tlocalhost"))
        }
    }

    @Test(
        "a persistentVolumeClaim mounts its hostPath PersistentVolume and is bound; a missing claim holds the pod back, named"
    )
    func claims() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-pv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withCluster { _, agent, client in
            let volume: JSON = [
                "apiVersion": "v1", "kind": "PersistentVolume", "metadata": ["name": "pv-test"],
                "spec": [
                    "capacity": ["storage": "1Gi"], "accessModes": ["ReadWriteOnce"],
                    "hostPath": ["path": .string(dir)],
                ],
            ]
            _ = try await client.create(Resources.persistentVolumes, namespace: nil, object: volume)
            let claim: JSON = [
                "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": ["name": "data"],
                "spec": [
                    "accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": "1Gi"]],
                    "volumeName": "pv-test",
                ],
            ]
            _ = try await client.create(Resources.persistentVolumeClaims, namespace: "default", object: claim)
            let mount: [String: JSON] = ["volumeMounts": [["name": "data", "mountPath": "/data"]]]
            for (name, claimName) in [("claimer", "data"), ("unclaimed", "nope")] {
                _ = try await client.create(
                    Resources.pods, namespace: "default",
                    object: P.pod(
                        name, containers: [P.container("main", "echo kept > /data/hello; sleep 3600", extra: mount)],
                        extra: [
                            "volumes": [["name": "data", "persistentVolumeClaim": ["claimName": .string(claimName)]]]
                        ]))
            }
            try await waitForRunning(client, agent, "claimer")
            try await eventually("the pod wrote into the volume's host directory") {
                (try? String(contentsOfFile: dir + "/hello", encoding: .utf8)) == "kept\n"
            }
            // As in Kubernetes, the scheduler holds it back, saying why.
            try await eventually("unclaimed waits unscheduled, naming the missing claim") {
                let pod = try await P.get(client, "unclaimed")
                let scheduled = (pod[path: ["status", "conditions"]]?.array ?? []).first {
                    $0["type"] == "PodScheduled"
                }
                return pod[path: ["spec", "nodeName"]] == nil && scheduled?["status"] == "False"
                    && scheduled?["message"]?.string?.contains("persistentvolumeclaim \"nope\" not found") == true
            }
            // The claim that names its volume is bound to it.
            try await eventually("data Bound") {
                try await client.get(Resources.persistentVolumeClaims, namespace: "default", name: "data")[
                    path: ["status", "phase"]] == "Bound"
            }
        }
    }
}
