import Foundation
import SkiffAPI
import SkiffClient
import SkiffLinux
import Testing

/// Real pods through the real master and agent: the agent registers its node, the interim
/// scheduler binds, skiff-init runs the containers, and status comes back through the API.
@Suite("agent runs real pods", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentPodTests {
    static func pod(_ name: String, restartPolicy: String = "Always", containers: [JSON], extra: [String: JSON] = [:])
        -> JSON
    {
        var spec: [String: JSON] = ["restartPolicy": .string(restartPolicy), "containers": .array(containers)]
        spec.merge(extra) { $1 }
        return ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name)], "spec": .object(spec)]
    }

    static func container(_ name: String, _ script: String, image: String = "busybox", extra: [String: JSON] = [:])
        -> JSON
    {
        var c: [String: JSON] = [
            "name": .string(name), "image": .string(image), "command": ["sh", "-c", .string(script)],
        ]
        c.merge(extra) { $1 }
        return .object(c)
    }

    static func get(_ client: APIClient, _ name: String) async throws -> JSON {
        try await client.get(Resources.pods, namespace: "default", name: name)
    }

    static func state(_ pod: JSON, _ container: String) -> JSON? {
        (pod[path: ["status", "containerStatuses"]]?.array ?? []).first { $0["name"]?.string == container }?["state"]
    }

    @Test("a two-container pod shares localhost and the hostname, each container sees only its own processes")
    func twoContainers() async throws {
        try await withCluster { _, agent, client in
            let web = Self.container("web", "echo started; httpd -f -p 127.0.0.1:8080 -h /etc")
            let probe = Self.container(
                "probe",
                "sleep 1; wget -qO- http://127.0.0.1:8080/group | head -1; hostname; echo procs: $(ps -o comm); ls /; sleep 3600"
            )
            _ = try await client.create(
                Resources.pods, namespace: "default", object: Self.pod("duo", containers: [web, probe]))
            try await eventually("pod duo Running with both containers ready") {
                let pod = try await Self.get(client, "duo")
                return pod[path: ["status", "phase"]]?.string == "Running"
                    && (pod[path: ["status", "containerStatuses"]]?.array ?? []).allSatisfy {
                        $0["ready"]?.bool == true
                    }
            }
            let pod = try await Self.get(client, "duo")
            #expect(pod[path: ["spec", "nodeName"]]?.string == agent.nodeName)
            try await eventually("the probe's output in its log") {
                agent.logText(pod: pod, container: "probe").contains("proc")
            }
            let lines = agent.logText(pod: pod, container: "probe").split(separator: "\n").map(String.init)
            #expect(lines.first == "root:x:0:", "\(lines)")  // fetched from the other container over 127.0.0.1
            #expect(lines.contains("duo"), "hostname is the pod name: \(lines)")
            // Only this container's shell and ps (and the shell ps runs in): no httpd of the web
            // container, nothing of the host.
            let procs = lines.first { $0.hasPrefix("procs: ") }?.split(separator: " ").dropFirst(2) ?? []
            #expect(procs.contains("ps") && Set(procs).isSubset(of: ["sh", "ps"]), "\(lines)")
            #expect(!lines.contains("work") && !lines.contains("opt"), "the host's root is invisible: \(lines)")
            #expect(agent.logText(pod: pod, container: "web").contains("started"))
        }
    }

    @Test("exit codes become terminated states and the phase follows restartPolicy Never")
    func exitCodes() async throws {
        try await withCluster { _, _, client in
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: Self.pod("fails", restartPolicy: "Never", containers: [Self.container("main", "exit 3")]))
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: Self.pod("works", restartPolicy: "Never", containers: [Self.container("main", "true")]))
            try await eventually("fails is Failed") {
                try await Self.get(client, "fails")[path: ["status", "phase"]]?.string == "Failed"
            }
            try await eventually("works is Succeeded") {
                try await Self.get(client, "works")[path: ["status", "phase"]]?.string == "Succeeded"
            }
            let failed = Self.state(try await Self.get(client, "fails"), "main")?["terminated"]
            #expect(failed?["exitCode"]?.int == 3)
            #expect(failed?["reason"]?.string == "Error")
            let done = Self.state(try await Self.get(client, "works"), "main")?["terminated"]
            #expect(done?["reason"]?.string == "Completed")
            #expect(done?["exitCode"]?.int == 0)
        }
    }

    @Test("a crashing container restarts with back-off: restartCount grows, CrashLoopBackOff in between")
    func restartBackoff() async throws {
        try await withCluster(backoffInitial: "1s") { _, _, client in
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: Self.pod("crash", containers: [Self.container("main", "exit 1")]))
            var sawBackoff = false
            try await eventually("two restarts", seconds: 60) {
                let pod = try await Self.get(client, "crash")
                let status = pod[path: ["status", "containerStatuses"]]?.array?.first
                if status?["state"]?["waiting"]?["reason"]?.string == "CrashLoopBackOff" { sawBackoff = true }
                return (status?["restartCount"]?.int ?? 0) >= 2
            }
            #expect(sawBackoff)
            let status = try await Self.get(client, "crash")[path: ["status", "containerStatuses"]]?.array?.first
            #expect(status?["lastState"]?["terminated"]?["exitCode"]?.int == 1)
        }
    }

    @Test("a memory limit is enforced: a 256 MiB hog against 64 MiB is OOMKilled with 137")
    func oomKilled() async throws {
        try await withCluster { _, _, client in
            let hog = Self.container(
                "hog", "head -c 268435456 /dev/zero | tail; echo survived",
                extra: ["resources": ["limits": ["memory": "64Mi"]]])
            _ = try await client.create(
                Resources.pods, namespace: "default", object: Self.pod("hog", restartPolicy: "Never", containers: [hog])
            )
            try await eventually("hog terminated", seconds: 60) {
                Self.state(try await Self.get(client, "hog"), "hog")?["terminated"] != nil
            }
            let terminated = Self.state(try await Self.get(client, "hog"), "hog")?["terminated"]
            #expect(terminated?["reason"]?.string == "OOMKilled", "\(String(describing: terminated))")
            #expect(terminated?["exitCode"]?.int == 137)
        }
    }

    @Test("env and files from a ConfigMap and a Secret arrive in the container")
    func configMapAndSecret() async throws {
        try await withCluster { _, agent, client in
            _ = try await client.create(
                Resources.configMaps, namespace: "default",
                object: [
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "cfg"], "data": ["color": "blue"],
                ])
            _ = try await client.create(
                Resources.secrets, namespace: "default",
                object: [
                    "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "sec"],
                    "data": ["password": .string(Data("hunter2".utf8).base64EncodedString())],
                ])
            let main = Self.container(
                "main",
                "echo color=$COLOR; echo pw=$(cat /etc/sec/password); echo ro=$(touch /etc/sec/x 2>&1 || echo refused)",
                extra: [
                    "env": [["name": "COLOR", "valueFrom": ["configMapKeyRef": ["name": "cfg", "key": "color"]]]],
                    "volumeMounts": [["name": "sec", "mountPath": "/etc/sec"]],
                ])
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: Self.pod(
                    "cfg", restartPolicy: "Never", containers: [main],
                    extra: ["volumes": [["name": "sec", "secret": ["secretName": "sec"]]]]))
            try await eventually("cfg Succeeded") {
                try await Self.get(client, "cfg")[path: ["status", "phase"]]?.string == "Succeeded"
            }
            let log = agent.logText(pod: try await Self.get(client, "cfg"), container: "main")
            #expect(log.contains("color=blue"), "\(log)")
            #expect(log.contains("pw=hunter2"), "\(log)")
            #expect(log.contains("refused"), "secret volumes are read-only: \(log)")
        }
    }

    @Test("an unknown image waits with ErrImagePull naming the images there are")
    func unknownImage() async throws {
        try await withCluster { _, _, client in
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: Self.pod("noimg", containers: [Self.container("main", "true", image: "nginx:1.25")]))
            try await eventually("ErrImagePull") {
                Self.state(try await Self.get(client, "noimg"), "main")?["waiting"]?["reason"]?.string == "ErrImagePull"
            }
            let message = Self.state(try await Self.get(client, "noimg"), "main")?["waiting"]?["message"]?.string ?? ""
            #expect(message.contains("nginx:1.25") && message.contains("busybox:latest"), "\(message)")
        }
    }

    @Test("the agent killed with SIGKILL and restarted re-adopts running pods without restarting them")
    func agentRestart() async throws {
        try await withCluster { _, agent, client in
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: Self.pod(
                    "steady", containers: [Self.container("main", "while true; do echo tick; sleep 0.2; done")]))
            try await eventually("steady Running") {
                try await Self.get(client, "steady")[path: ["status", "phase"]]?.string == "Running"
            }
            let before = Self.state(try await Self.get(client, "steady"), "main")?["running"]?["startedAt"]
            agent.kill9()
            let pod = try await Self.get(client, "steady")
            let ticks = agent.logText(pod: pod, container: "main").split(separator: "\n").count
            try await Task.sleep(for: .seconds(1))
            // Logs keep growing without the agent: the pod's own supervisor writes them.
            #expect(agent.logText(pod: pod, container: "main").split(separator: "\n").count > ticks)
            try agent.start()
            try await Task.sleep(for: .seconds(2))
            let after = try await Self.get(client, "steady")
            let status = after[path: ["status", "containerStatuses"]]?.array?.first
            #expect(status?["restartCount"]?.int == 0)
            #expect(status?["state"]?["running"]?["startedAt"] == before)
        }
    }

    @Test("deleting a pod ends its processes and leaves no mount, cgroup or directory behind")
    func deletionLeavesNothing() async throws {
        try await withCluster { _, agent, client in
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: Self.pod(
                    "gone", containers: [Self.container("main", "trap 'exit 0' TERM; sleep 3600 & wait")],
                    extra: ["volumes": [["name": "scratch", "emptyDir": ["medium": "Memory"]]]]))
            try await eventually("gone Running") {
                try await Self.get(client, "gone")[path: ["status", "phase"]]?.string == "Running"
            }
            let uid = try await Self.get(client, "gone")[path: ["metadata", "uid"]]?.string ?? "?"
            _ = try await client.delete(Resources.pods, namespace: "default", name: "gone")
            try await eventually("the pod object is gone (the agent confirmed the deletion)") {
                do {
                    _ = try await Self.get(client, "gone")
                    return false
                } catch let error as SkiffError {
                    return error.code == .notFound
                }
            }
            #expect(agent.podDirectories().isEmpty)
            // Whole, unlike String(contentsOfFile:), which stops at 4 KiB of a /proc file.
            let mounts = try #require(Syscalls.readFile("/proc/self/mountinfo"))
            #expect(!mounts.contains(uid), "no mount of the pod is left")
            #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/unified\(agent.cgroupParent)/pod-\(uid)"))
            let processes = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { Int($0) != nil }
            let leftovers = processes.filter { pid in
                let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
                return cmdline.contains(uid)
            }
            #expect(leftovers.isEmpty, "processes of the pod still running: \(leftovers)")
        }
    }
}
