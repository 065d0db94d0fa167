import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// Init containers, sidecars, probes and hooks on real pods: each claim is read back from the
/// pod's status or from what the containers wrote.
@Suite("agent runs the pod lifecycle", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentLifecycleTests {
    typealias P = AgentPodTests

    static func status(_ pod: JSON, _ container: String, isInit: Bool = false) -> JSON? {
        let field = isInit ? "initContainerStatuses" : "containerStatuses"
        return (pod[path: ["status", field]]?.array ?? []).first { $0["name"]?.string == container }
    }

    /// The Events about a pod, as `kubectl describe` lists them.
    static func events(_ client: APIClient, _ pod: String) async throws -> [JSON] {
        try await client.list(Resources.events, namespace: "default", fieldSelector: "involvedObject.name=\(pod)")
            .items
    }

    /// Waits for an event of the pod's that `matches`: events are queued and written one at a
    /// time, so one may land after the status change a test saw first. Records the events seen
    /// when none comes.
    static func expectEvent(
        _ client: APIClient, _ pod: String, _ what: String, _ matches: @escaping @Sendable (JSON) -> Bool
    ) async throws {
        do {
            try await eventually(what, seconds: 20) { try await events(client, pod).contains(where: matches) }
        } catch {
            Issue.record("\(what): not among \(try await events(client, pod))")
        }
    }

    static func condition(_ pod: JSON, _ type: String) -> String? {
        (pod[path: ["status", "conditions"]]?.array ?? []).first { $0["type"]?.string == type }?["status"]?.string
    }

    @Test("init containers run in order, a sidecar starts first and stays, and only then the containers start")
    func initContainersAndSidecar() async throws {
        try await withCluster { _, agent, client in
            var sidecar = P.container("server", "httpd -f -p 8080 -h /work").object ?? [:]
            sidecar["restartPolicy"] = "Always"
            sidecar["ports"] = [["name": "http", "containerPort": 8080]]
            sidecar["startupProbe"] = ["tcpSocket": ["port": 8080], "periodSeconds": 1, "failureThreshold": 30]
            sidecar["readinessProbe"] = ["httpGet": ["path": "/order", "port": "http"], "periodSeconds": 1]
            let mount: JSON = ["volumeMounts": [["name": "work", "mountPath": "/work"]]]
            sidecar["volumeMounts"] = mount["volumeMounts"]
            let inits: [JSON] = [
                P.container("first", "echo one >> /work/order", extra: mount.object ?? [:]), .object(sidecar),
                P.container("second", "echo two >> /work/order", extra: mount.object ?? [:]),
            ]
            let main = P.container(
                "main", "cat /work/order; wget -qO- http://127.0.0.1:8080/order; sleep 3600", extra: mount.object ?? [:]
            )
            let pod = P.pod(
                "ordered", containers: [main],
                extra: ["initContainers": .array(inits), "volumes": [["name": "work", "emptyDir": [:]]]])
            _ = try await client.create(Resources.pods, namespace: "default", object: pod)
            try await waitForRunning(client, agent, "ordered")
            try await eventually("ordered is Ready with its sidecar ready") {
                let pod = try await P.get(client, "ordered")
                return Self.condition(pod, "Ready") == "True"
                    && Self.status(pod, "server", isInit: true)?["ready"]?.bool == true
            }
            let current = try await P.get(client, "ordered")
            #expect(Self.condition(current, "Initialized") == "True")
            for name in ["first", "second"] {
                let status = Self.status(current, name, isInit: true)
                #expect(
                    status?[path: ["state", "terminated", "reason"]]?.string == "Completed", "\(name): \(status ?? nil)"
                )
                #expect(status?["ready"]?.bool == true)
            }
            let server = Self.status(current, "server", isInit: true)
            #expect(server?[path: ["state", "running"]] != nil && server?["started"]?.bool == true, "\(server ?? nil)")
            try await eventually("main printed the file twice") {
                agent.logText(pod: current, container: "main").split(separator: "\n").count >= 4
            }
            // cat, then the same file fetched from the sidecar: it served before main started.
            let lines = agent.logText(pod: current, container: "main").split(separator: "\n").map(String.init)
            #expect(lines == ["one", "two", "one", "two"], "\(lines)")
        }
    }

    @Test("once its containers finish, a pod's sidecars get SIGTERM, last first, and the pod ends Succeeded")
    func sidecarsStopAfterTheContainers() async throws {
        try await withCluster { _, agent, client in
            let mount: [String: JSON] = ["volumeMounts": [["name": "work", "mountPath": "/work"]]]
            // On SIGTERM each says so, and what the other wrote by then; `wait` lets the trap run at once.
            func sidecar(_ name: String, _ other: String) -> JSON {
                var extra = mount
                extra["restartPolicy"] = "Always"
                let script =
                    "trap 'echo TERM \(name) after [$(cat /work/\(other) 2>/dev/null)]; echo \(name) > /work/\(name); exit 0' TERM; "
                    + "while :; do sleep 1 & wait $!; done"
                return P.container(name, script, extra: extra)
            }
            let pod = P.pod(
                "finishing", restartPolicy: "Never", containers: [P.container("main", "sleep 2", extra: mount)],
                extra: [
                    "initContainers": [sidecar("first", "second"), sidecar("second", "first")],
                    "volumes": [["name": "work", "emptyDir": [:]]],
                ])
            _ = try await client.create(Resources.pods, namespace: "default", object: pod)
            try await eventually("finishing Succeeded", seconds: 60) {
                try await P.get(client, "finishing")[path: ["status", "phase"]]?.string == "Succeeded"
            }
            let current = try await P.get(client, "finishing")
            // The later sidecar stops first; the earlier one only after it has ended.
            #expect(agent.logText(pod: current, container: "second").contains("TERM second after []"))
            #expect(agent.logText(pod: current, container: "first").contains("TERM first after [second]"))
            for name in ["first", "second"] {
                let state = Self.status(current, name, isInit: true)?[path: ["state", "terminated"]]
                #expect(
                    state?["exitCode"]?.int == 0 && state?["reason"]?.string == "Completed", "\(name): \(state ?? nil)")
            }
            for name in ["second", "first"] {
                try await Self.expectEvent(client, "finishing", "a Killing event for \(name)") {
                    $0["message"]?.string == "Stopping container \(name)"
                }
            }
        }
    }

    @Test("a failed init container fails a restartPolicy Never pod and is retried under OnFailure")
    func failedInitContainer() async throws {
        try await withCluster { _, _, client in
            for (name, policy) in [("init-never", "Never"), ("init-retry", "OnFailure")] {
                let pod = P.pod(
                    name, restartPolicy: policy, containers: [P.container("main", "sleep 3600")],
                    extra: ["initContainers": [P.container("setup", "exit 2")]])
                _ = try await client.create(Resources.pods, namespace: "default", object: pod)
            }
            try await eventually("init-never is Failed") {
                try await P.get(client, "init-never")[path: ["status", "phase"]]?.string == "Failed"
            }
            let failed = try await P.get(client, "init-never")
            #expect(Self.status(failed, "setup", isInit: true)?[path: ["state", "terminated", "exitCode"]]?.int == 2)
            #expect(Self.status(failed, "main")?[path: ["state", "waiting", "reason"]]?.string == "PodInitializing")
            #expect(Self.condition(failed, "Initialized") == "False")
            try await eventually("init-retry's init container restarted") {
                let pod = try await P.get(client, "init-retry")
                return (Self.status(pod, "setup", isInit: true)?["restartCount"]?.int ?? 0) >= 1
            }
            let retried = try await P.get(client, "init-retry")
            #expect(retried[path: ["status", "phase"]]?.string == "Pending")
            #expect(Self.status(retried, "main")?[path: ["state", "running"]] == nil)
        }
    }

    @Test("readiness gates Ready (exec and tcpSocket probes); a failed httpGet liveness probe restarts the container")
    func probes() async throws {
        let gate = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-gate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: gate, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: gate) }
        try await withCluster { _, agent, client in
            // Ready only once the test creates the file the readiness probe reads.
            var gated = P.container("app", "exec sleep 3600").object ?? [:]
            gated["readinessProbe"] = ["exec": ["command": ["cat", "/gate/ready"]], "periodSeconds": 1]
            gated["volumeMounts"] = [["name": "gate", "mountPath": "/gate"]]
            var web = P.container("web", "exec httpd -f -p 8081 -h /etc").object ?? [:]
            web["imagePullPolicy"] = "Always"
            web["readinessProbe"] = ["tcpSocket": ["port": 8081], "periodSeconds": 1]
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: P.pod(
                    "gated", containers: [.object(gated), .object(web)],
                    extra: ["volumes": [["name": "gate", "hostPath": ["path": .string(gate)]]]]))
            var sick =
                P.container(
                    "app", "mkdir -p /w; echo ok > /w/healthz; httpd -p 8080 -h /w; sleep 4; rm /w/healthz; sleep 3600"
                ).object ?? [:]
            sick["livenessProbe"] = [
                "httpGet": ["path": "/healthz", "port": 8080], "periodSeconds": 1, "failureThreshold": 2,
            ]
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: P.pod("sick", containers: [.object(sick)], extra: ["terminationGracePeriodSeconds": 2]))

            try await waitForRunning(client, agent, "gated")
            try await eventually("the readiness probe has failed at least once") {
                agent.log.contains("Readiness probe failed") && agent.log.contains("/gate/ready")
            }
            let early = try await P.get(client, "gated")
            #expect(Self.status(early, "app")?["ready"]?.bool == false, "not ready before /gate/ready exists")
            #expect(Self.status(early, "app")?[path: ["state", "running"]] != nil)
            #expect(Self.condition(early, "Ready") == "False")
            FileManager.default.createFile(atPath: gate + "/ready", contents: Data("yes\n".utf8))
            try await eventually("gated becomes Ready") {
                let pod = try await P.get(client, "gated")
                return Self.condition(pod, "Ready") == "True" && Self.status(pod, "web")?["ready"]?.bool == true
                    && Self.status(pod, "app")?["ready"]?.bool == true
            }
            try await eventually("sick restarted by its liveness probe", seconds: 60) {
                (Self.status(try await P.get(client, "sick"), "app")?["restartCount"]?.int ?? 0) >= 1
            }
            let restarted = Self.status(try await P.get(client, "sick"), "app")
            // sh as PID 1 ignores SIGTERM: the run ended by cgroup.kill when its 2 s grace ran out.
            #expect(restarted?[path: ["lastState", "terminated", "exitCode"]]?.int == 137, "\(restarted ?? nil)")
            #expect(agent.log.contains("failed liveness probe"), "the agent says why it restarted the container")
            try await Self.expectEvent(client, "sick", "an Unhealthy warning for the liveness probe") {
                $0["reason"] == "Unhealthy" && $0["message"]?.string?.hasPrefix("Liveness probe failed: ") == true
                    && $0["type"] == "Warning" && $0[path: ["involvedObject", "fieldPath"]] == "spec.containers{app}"
            }
            try await Self.expectEvent(client, "sick", "a Killing event naming the liveness probe") {
                $0["reason"] == "Killing" && $0["message"]?.string?.contains("liveness") == true
            }
            try await Self.expectEvent(client, "gated", "Pulled: Always says there is nothing to pull") {
                $0["reason"] == "Pulled" && $0["message"]?.string?.contains("imagePullPolicy Always") == true
            }
            try await Self.expectEvent(client, "gated", "Started, from the kubelet") {
                $0["reason"] == "Started" && $0[path: ["source", "component"]] == "kubelet"
            }
        }
    }

    @Test("postStart runs after the start, preStop before SIGTERM, and the grace period ends in a kill")
    func hooks() async throws {
        let host = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-hooks-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: host, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: host) }
        try await withCluster { _, agent, client in
            var app =
                P.container(
                    "app", "trap 'echo term >> /host/events' TERM; while true; do sleep 0.2; done"
                ).object ?? [:]
            app["lifecycle"] = [
                "postStart": ["exec": ["command": ["sh", "-c", "echo poststart >> /host/events"]]],
                "preStop": ["exec": ["command": ["sh", "-c", "echo prestop >> /host/events"]]],
            ]
            app["volumeMounts"] = [["name": "host", "mountPath": "/host"]]
            var broken = P.container("app", "sleep 3600").object ?? [:]
            broken["lifecycle"] = ["postStart": ["exec": ["command": ["false"]]]]
            let volumes: JSON = [["name": "host", "hostPath": ["path": .string(host)]]]
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: P.pod(
                    "hooked", containers: [.object(app)],
                    extra: ["volumes": volumes, "terminationGracePeriodSeconds": 3]))
            _ = try await client.create(
                Resources.pods, namespace: "default",
                object: P.pod("badhook", containers: [.object(broken)], extra: ["terminationGracePeriodSeconds": 1]))
            let events = host + "/events"
            try await waitForRunning(client, agent, "hooked")
            try await eventually("postStart ran and the container counts as started") {
                let text = try String(contentsOfFile: events, encoding: .utf8)
                let pod = try await P.get(client, "hooked")
                return text == "poststart\n" && Self.status(pod, "app")?["started"]?.bool == true
            }
            let begun = Date()
            _ = try await client.delete(Resources.pods, namespace: "default", name: "hooked")
            try await eventually("hooked is gone") {
                do {
                    _ = try await P.get(client, "hooked")
                    return false
                } catch let error as SkiffError where error.code == .notFound { return true }
            }
            let took = Date().timeIntervalSince(begun)
            let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
            #expect(lines == ["poststart", "prestop", "term"], "\(lines)")
            #expect(
                took >= 2.5, "the container ignored SIGTERM and was killed only when its 3 s grace ran out (\(took) s)")
            try await eventually("badhook's container restarted after its postStart hook failed") {
                (Self.status(try await P.get(client, "badhook"), "app")?["restartCount"]?.int ?? 0) >= 1
            }
            #expect(agent.log.contains("FailedPostStartHook"))
            try await Self.expectEvent(client, "badhook", "a FailedPostStartHook event") {
                $0["reason"] == "FailedPostStartHook"
            }
        }
    }
}
