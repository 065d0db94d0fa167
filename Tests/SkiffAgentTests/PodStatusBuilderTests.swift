import SkiffAPI
import SkiffLinux
import Testing

@testable import SkiffAgent

@Suite("pod status with init containers, sidecars and probes")
struct PodStatusBuilderTests {
    static func record(_ name: String, running: Bool, exit: Int32? = nil) -> ContainerRecord {
        var record = ContainerRecord(name: name, attempt: 1, pid: 10, startedAt: 1_000_000_000, logPath: nil)
        record.running = running
        record.exitCode = exit
        if !running { record.finishedAt = 2_000_000_000 }
        return record
    }

    static func pod(policy: String, sidecar: Bool = false) -> JSON {
        var setup: JSON = ["name": "setup", "image": "busybox"]
        if sidecar { setup["restartPolicy"] = "Always" }
        return [
            "metadata": ["uid": "u1", "name": "p"],
            "spec": [
                "restartPolicy": .string(policy), "initContainers": [setup],
                "containers": [["name": "main", "image": "busybox"]],
            ],
        ]
    }

    static func build(
        _ pod: JSON, _ records: [ContainerRecord], initialized: Bool, started: Set<String> = [], ready: Set<String> = []
    ) -> JSON {
        PodStatusBuilder(
            pod: pod, state: PodState(infraPid: 1, sandboxPid: 2, sandboxRunning: true, containers: records),
            waiting: [:], oomKilled: [], hostIP: "10.0.0.1", podIP: "10.88.0.2", started: started, ready: ready,
            initialized: initialized
        ).build()
    }

    static func condition(_ status: JSON, _ type: String) -> JSON? {
        status["conditions"]?.array?.first { $0["type"]?.string == type }
    }

    @Test("a failed init container fails a Never pod, and its containers wait on PodInitializing")
    func failedInit() {
        let status = Self.build(
            Self.pod(policy: "Never"), [Self.record("setup", running: false, exit: 1)], initialized: false)
        #expect(status["phase"]?.string == "Failed")
        #expect(
            status[path: ["containerStatuses"]]?.array?.first?[path: ["state", "waiting", "reason"]]
                == "PodInitializing")
        #expect(Self.condition(status, "Initialized")?["reason"] == "ContainersNotInitialized")
        let again = Self.build(
            Self.pod(policy: "OnFailure"), [Self.record("setup", running: false, exit: 1)], initialized: false)
        #expect(again["phase"]?.string == "Pending")
    }

    @Test("a completed init container reads ready; a sidecar counts towards Ready only when ready")
    func readiness() {
        let done = Self.build(
            Self.pod(policy: "Always"),
            [Self.record("setup", running: false, exit: 0), Self.record("main", running: true)],
            initialized: true, started: ["main"], ready: ["main"])
        #expect(done["initContainerStatuses"]?.array?.first?["ready"] == true)
        #expect(Self.condition(done, "Ready")?["status"] == "True")
        let records = [Self.record("setup", running: true), Self.record("main", running: true)]
        let unready = Self.build(
            Self.pod(policy: "Always", sidecar: true), records, initialized: true, started: ["main", "setup"],
            ready: ["main"])
        #expect(Self.condition(unready, "Ready")?["status"] == "False")
        #expect(unready["initContainerStatuses"]?.array?.first?["started"] == true)
        let ready = Self.build(
            Self.pod(policy: "Always", sidecar: true), records, initialized: true, started: ["main", "setup"],
            ready: ["main", "setup"])
        #expect(Self.condition(ready, "Ready")?["status"] == "True")
        #expect(ready["phase"]?.string == "Running")
    }
}

@Suite("a finished pod's phase waits for its sidecars")
struct PodPhaseWithSidecarsTests {
    typealias B = PodStatusBuilderTests

    @Test("Never and OnFailure end when the containers have and the sidecars too; Always never ends")
    func phases() {
        let sidecarRunning = B.record("setup", running: true)
        let sidecarDone = B.record("setup", running: false, exit: 143)  // a sidecar's exit code does not count
        let cases: [(String, [ContainerRecord], String)] = [
            ("Never", [sidecarRunning, B.record("main", running: false, exit: 0)], "Running"),
            ("Never", [sidecarDone, B.record("main", running: false, exit: 0)], "Succeeded"),
            ("Never", [sidecarDone, B.record("main", running: false, exit: 3)], "Failed"),
            ("OnFailure", [sidecarRunning, B.record("main", running: false, exit: 3)], "Running"),
            ("OnFailure", [sidecarDone, B.record("main", running: false, exit: 0)], "Succeeded"),
            ("Always", [sidecarDone, B.record("main", running: false, exit: 0)], "Running"),
            ("Never", [sidecarRunning, B.record("main", running: true)], "Running"),
        ]
        for (policy, records, phase) in cases {
            let status = B.build(B.pod(policy: policy, sidecar: true), records, initialized: true)
            #expect(status["phase"]?.string == phase, "\(policy) \(records.map { "\($0.name) \($0.running)" })")
        }
    }

    @Test("containers finished: for good under Never, successfully under OnFailure, never under Always")
    func finished() {
        let done = ["main": B.record("main", running: false, exit: 0)]
        let failed = ["main": B.record("main", running: false, exit: 1)]
        #expect(PodController.containersFinished(B.pod(policy: "Never"), records: failed))
        #expect(PodController.containersFinished(B.pod(policy: "OnFailure"), records: done))
        #expect(!PodController.containersFinished(B.pod(policy: "OnFailure"), records: failed))
        #expect(!PodController.containersFinished(B.pod(policy: "Always"), records: done))
        #expect(!PodController.containersFinished(B.pod(policy: "Never"), records: [:]))
        #expect(
            !PodController.containersFinished(
                B.pod(policy: "Never"), records: ["main": B.record("main", running: true)]))
    }
}
