import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// The isolation a default pod gets, seen from inside with the probes of the `skiff-test`
/// image (rootfs/probes): nothing here would harm the machine if isolation were broken.
@Suite("pods are confined", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentSecurityTests {
    func runToCompletion(_ client: APIClient, _ name: String, _ script: String, securityContext: JSON? = nil)
        async throws -> JSON
    {
        var container: [String: JSON] = [
            "name": "main", "image": "skiff-test", "command": ["sh", "-c", .string(script)],
        ]
        if let securityContext { container["securityContext"] = securityContext }
        let pod = AgentPodTests.pod(name, restartPolicy: "Never", containers: [.object(container)])
        _ = try await client.create(Resources.pods, namespace: "default", object: pod)
        try await eventually("\(name) finished") {
            let phase = try await AgentPodTests.get(client, name)[path: ["status", "phase"]]?.string
            return phase == "Succeeded" || phase == "Failed"
        }
        return try await AgentPodTests.get(client, name)
    }

    @Test("a default pod: OCI default capabilities, no_new_privs, seccomp RuntimeDefault, read-only /proc/sys")
    func defaults() async throws {
        try await withCluster { _, agent, client in
            let pod = try await runToCompletion(
                client, "confined",
                "caps-probe; keyctl-probe; unshare-probe; mount-probe; clone3-probe; "
                    + "echo evil > /proc/sys/kernel/hostname || echo hostname-refused; cat /proc/keys || echo keys-hidden"
            )
            let log = agent.logText(pod: pod, container: "main")
            #expect(log.contains("CapEff:\t00000000a80425fb"), "\(log)")
            #expect(log.contains("CapBnd:\t00000000a80425fb"), "\(log)")
            #expect(log.contains("NoNewPrivs:\t1"), "\(log)")
            #expect(log.contains("Seccomp:\t2"), "\(log)")
            #expect(log.contains("keyctl: Operation not permitted (EPERM, 1)"), "\(log)")
            #expect(log.contains("unshare: Operation not permitted (EPERM, 1)"), "\(log)")
            #expect(log.contains("mount: Operation not permitted (EPERM, 1)"), "\(log)")
            #expect(log.contains("clone3: Function not implemented (ENOSYS, 38)"), "glibc must fall back: \(log)")
            #expect(log.contains("hostname-refused"), "\(log)")
            var uts = utsname()
            uname(&uts)
            let hostname = withUnsafeBytes(of: &uts.nodename) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            #expect(hostname != "evil")
        }
    }

    @Test("securityContext: drop ALL capabilities, run as a user, read-only root filesystem")
    func securityContext() async throws {
        try await withCluster { _, agent, client in
            let pod = try await runToCompletion(
                client, "locked",
                "caps-probe; id -u; touch /etc/x || echo rootfs-refused; touch /tmp/y || echo tmp-refused",
                securityContext: [
                    "capabilities": ["drop": ["ALL"]], "runAsUser": 1000, "readOnlyRootFilesystem": true,
                ])
            let log = agent.logText(pod: pod, container: "main")
            #expect(log.contains("CapEff:\t0000000000000000"), "\(log)")
            #expect(log.contains("CapBnd:\t0000000000000000"), "\(log)")
            #expect(log.split(separator: "\n").contains("1000"), "\(log)")
            #expect(log.contains("rootfs-refused"), "\(log)")
        }
    }

    @Test("an unknown capability name is a CreateContainerConfigError naming it")
    func unknownCapability() async throws {
        try await withCluster { _, _, client in
            let container: JSON = [
                "name": "main", "image": "busybox", "command": ["true"],
                "securityContext": ["capabilities": ["add": ["NOT_A_CAP"]]],
            ]
            _ = try await client.create(
                Resources.pods, namespace: "default", object: AgentPodTests.pod("badcap", containers: [container]))
            try await eventually("CreateContainerConfigError") {
                AgentPodTests.state(try await AgentPodTests.get(client, "badcap"), "main")?["waiting"]?["reason"]?
                    .string
                    == "CreateContainerConfigError"
            }
            let waiting = AgentPodTests.state(try await AgentPodTests.get(client, "badcap"), "main")?["waiting"]
            #expect(waiting?["message"]?.string?.contains("NOT_A_CAP") == true, "\(String(describing: waiting))")
        }
    }

    @Test("the pod's pids limit (read back from the kernel first) stops a bounded fork bomb")
    func pidsLimit() async throws {
        try await withCluster(agentArguments: ["--pod-pids-limit", "20"]) { _, agent, client in
            // busybox sh gives up at the first failed fork ("can't fork", exit 2): that is the
            // limit at work; 40 tries at most, so even without a limit nothing runs away.
            let script = "sleep 2; i=0; while [ $i -lt 40 ]; do sleep 30 & i=$((i+1)); done; echo all-started"
            let pod = AgentPodTests.pod(
                "forks", restartPolicy: "Never", containers: [AgentPodTests.container("main", script)])
            let created = try await client.create(Resources.pods, namespace: "default", object: pod)
            let uid = created[path: ["metadata", "uid"]]?.string ?? ""
            // The pod cgroup and its limit exist before any container starts: read it back first.
            let pidsMaxPath = "/sys/fs/cgroup/pids\(agent.cgroupParent)/pod-\(uid)/pids.max"
            try await eventually("the pod's pids cgroup exists") { FileManager.default.fileExists(atPath: pidsMaxPath) }
            let pidsMax = try String(contentsOfFile: pidsMaxPath, encoding: .utf8)
            #expect(pidsMax.trimmingCharacters(in: .whitespacesAndNewlines) == "20")
            try await eventually("forks finished") {
                try await AgentPodTests.get(client, "forks")[path: ["status", "phase"]]?.string == "Failed"
            }
            let log = agent.logText(pod: try await AgentPodTests.get(client, "forks"), container: "main")
            #expect(log.contains("can't fork"), "\(log)")
            #expect(!log.contains("all-started"), "\(log)")
        }
    }
}
