import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// `pods/log` through the API server to the agent: real kubectl (old and new) and the options.
@Suite("pod logs", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct AgentLogsTests {
    typealias Pods = AgentPodTests
    static let kubectls = [
        ("133", "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"),
        ("120", Checkout.tools + "/kubectl-1.20/usr/bin/kubectl"),
    ]

    static func log(_ client: APIClient, _ pod: String, _ query: [(String, String)]) async throws(SkiffError) -> String
    {
        let response = try await client.send("GET", "/api/v1/namespaces/default/pods/\(pod)/log", query: query)
        return String(decoding: response.body, as: UTF8.self)
    }

    @Test("kubectl run, logs -f until the container ends, logs --tail --timestamps (1.33 and 1.20)")
    func kubectlLogs() async throws {
        try await withCluster { master, agent, client in
            for (version, kubectl) in Self.kubectls {
                try #require(
                    FileManager.default.isExecutableFile(atPath: kubectl), "\(kubectl): run `make client-tools`")
                let name = "count-\(version)"
                // The container prints only once the test creates `go` in a hostPath folder, so
                // `logs -f` is surely following a running container, however loaded the machine.
                let trigger = master.directory + "/trigger-" + version
                try FileManager.default.createDirectory(atPath: trigger, withIntermediateDirectories: true)
                let script =
                    "until [ -e /trigger/go ]; do sleep 0.1; done; for i in 1 2 3; do echo n$i; sleep 0.3; done"
                let overrides: JSON = [
                    "spec": [
                        "volumes": [["name": "trigger", "hostPath": ["path": .string(trigger)]]],
                        "containers": [
                            [
                                "name": .string(name), "image": "busybox", "command": ["sh", "-c", .string(script)],
                                "volumeMounts": [["name": "trigger", "mountPath": "/trigger"]],
                            ]
                        ],
                    ]
                ]
                let run = try await runProgram(
                    kubectl,
                    [
                        "--kubeconfig", master.kubeconfigPath, "run", name, "--image=busybox", "--restart=Never",
                        "--overrides", overrides.serializedString(),
                    ])
                #expect(run.status == 0, "\(run.output)")
                try await waitForRunning(client, agent, name)
                let (waited, follow) = try await runUntilServerEnds(
                    kubectl, ["--kubeconfig", master.kubeconfigPath, "logs", "-f", name], settle: .seconds(1)
                ) { FileManager.default.createFile(atPath: trigger + "/go", contents: nil) }
                #expect(waited, "kubectl \(version) logs -f waits for output")
                // It returned by itself when the container exited (timeout would give 124).
                #expect(follow.status == 0, "kubectl \(version) logs -f: \(follow.output)")
                #expect(follow.output == "n1\nn2\nn3\n", "kubectl \(version) logs -f: \(follow.output)")
                let tail = try await runProgram(
                    kubectl, ["--kubeconfig", master.kubeconfigPath, "logs", name, "--tail=1", "--timestamps"])
                let line = tail.output.trimmingCharacters(in: .newlines)
                #expect(line.hasPrefix("20") && line.hasSuffix("Z n3") && !line.contains("\n"), "\(tail.output)")
            }
        }
    }

    @Test("previous, limitBytes, the container choice and bad options, each with Kubernetes' message")
    func logOptionsAndErrors() async throws {
        try await withCluster { master, _, client in
            let crash = Pods.container("main", "echo run at $(date +%s%N); exit 1")
            let side = Pods.container("side", "sleep 3600")
            _ = try await client.create(
                Resources.pods, namespace: "default", object: Pods.pod("crash", containers: [crash, side]))
            try await eventually("crash restarted once") {
                let statuses = try await Pods.get(client, "crash")[path: ["status", "containerStatuses"]]?.array ?? []
                return statuses.contains { $0["name"]?.string == "main" && ($0["restartCount"]?.int ?? 0) >= 1 }
            }
            let previous = try await Self.log(client, "crash", [("container", "main"), ("previous", "true")])
            let current = try await Self.log(client, "crash", [("container", "main")])
            #expect(previous.hasPrefix("run at ") && previous.hasSuffix("\n"), "\(previous)")
            #expect(current.isEmpty || (current.hasPrefix("run at ") && current != previous), "\(current)")
            #expect(
                try await Self.log(client, "crash", [("container", "main"), ("previous", "true"), ("limitBytes", "3")])
                    == "run")
            let server = ["SKIFF_SERVER": "unix://" + master.socketPath]
            let cli = try await runProgram(
                Checkout.skiff, ["logs", "crash", "-c", "main", "--previous", "--limit-bytes", "6"], environment: server
            )
            #expect(cli.status == 0 && cli.output == "run at", "skiff logs: \(cli.output)")
            let noContainer = try await runProgram(Checkout.skiff, ["logs", "crash"], environment: server)
            #expect(
                noContainer.status != 0 && noContainer.output.contains("choose one of: [main side]"),
                "\(noContainer.output)")

            await #expect {
                try await Self.log(client, "crash", [])
            } throws: { error in
                "\(error)".contains("a container name must be specified for pod crash, choose one of: [main side]")
            }
            await #expect {
                try await Self.log(client, "crash", [("container", "side"), ("previous", "true")])
            } throws: { error in
                "\(error)".contains("previous terminated container \"side\" in pod \"crash\" not found")
            }
            await #expect {
                try await Self.log(client, "crash", [("container", "nope")])
            } throws: { error in
                "\(error)".contains("container nope is not valid for pod crash")
            }
            await #expect {
                try await Self.log(client, "crash", [("container", "side"), ("tailLines", "-1")])
            } throws: { error in
                "\(error)".contains("tailLines: Invalid value: \"-1\"")
            }
        }
    }
}
