import Foundation
import SkiffAPI
import Testing

/// 2024-05-01T12:00:00Z; objects below are created relative to it.
let tableNow = Date(timeIntervalSince1970: 1_714_564_800)

func ago(_ seconds: TimeInterval) -> JSON { .string(RFC3339.format(tableNow.addingTimeInterval(-seconds))) }

func cells(_ kind: String, _ object: JSON) -> [String] {
    TablePrinter.cells(kind: kind, object: object, now: tableNow).map { cell in
        switch cell {
        case .string(let s): s
        case .int(let i): "#\(i)"  // marks integer cells so tests see the JSON type too
        default: "?\(cell)"
        }
    }
}

@Suite("HumanDuration")
struct HumanDurationTests {
    static let ms = 0.001
    static let hour = 3600.0
    static let day = 24 * hour
    static let year = 365 * day

    // TestHumanDuration and TestHumanDurationBoundaries from k8s.io/apimachinery/pkg/util/duration.
    @Test(
        "matches Kubernetes' own test table",
        arguments: [
            (1, "1s"), (70, "70s"), (190, "3m10s"), (70 * 60, "70m"), (47 * hour, "47h"), (49 * hour, "2d1h"),
            ((8 * 24 + 2) * hour, "8d"), (367 * day, "367d"), ((365 * 2 * 24 + 25) * hour, "2y1d"),
            ((365 * 8 * 24 + 2) * hour, "8y"),
            (-2, "<invalid>"), (-2 + 1e-9, "0s"), (0, "0s"), (1 - ms, "0s"), (120 - ms, "119s"), (120, "2m"),
            (121, "2m1s"), (600 - ms, "9m59s"), (600, "10m"), (601, "10m"), (3 * hour - ms, "179m"),
            (3 * hour, "3h"), (3 * hour + 60, "3h1m"), (8 * hour - ms, "7h59m"), (8 * hour, "8h"),
            (8 * hour + 59 * 60, "8h"), (2 * day - ms, "47h"), (2 * day, "2d"), (2 * day + hour, "2d1h"),
            (8 * day - ms, "7d23h"), (8 * day, "8d"), (8 * day + 23 * hour, "8d"), (2 * year - ms, "729d"),
            (2 * year, "2y"), (2 * year + 23 * hour, "2y"), (2 * year + 23 * hour + 59 * 60, "2y"),
            (2 * year + day - ms, "2y"), (2 * year + day, "2y1d"), (3 * year, "3y"), (4 * year, "4y"),
            (5 * year, "5y"), (6 * year, "6y"), (7 * year, "7y"), (8 * year - ms, "7y364d"), (8 * year, "8y"),
            (8 * year + 364 * day, "8y"), (9 * year, "9y"),
        ] as [(Double, String)])
    func kubernetesTable(seconds: Double, expected: String) {
        #expect(HumanDuration.short(seconds) == expected)
    }

    // TestShortHumanDurationBoundaries.
    @Test(
        "coarse form matches ShortHumanDuration",
        arguments: [
            (-2, "<invalid>"), (-2 + 1e-9, "0s"), (0, "0s"), (1 - ms, "0s"), (1, "1s"), (2 - ms, "1s"),
            (60 - ms, "59s"),
            (60, "1m"), (120 - ms, "1m"), (hour - ms, "59m"), (hour, "1h"), (2 * hour - ms, "1h"), (day - ms, "23h"),
            (day, "1d"), (2 * day - ms, "1d"), (year - ms, "364d"), (year, "1y"), (2 * year - ms, "1y"),
            (2 * year, "2y"),
        ] as [(Double, String)])
    func shortTable(seconds: Double, expected: String) {
        #expect(HumanDuration.coarse(seconds) == expected)
    }

    @Test("until counts toward a future instant")
    func until() {
        #expect(HumanDuration.until(tableNow.addingTimeInterval(90 * 86_400), now: tableNow) == "90d")
        #expect(HumanDuration.until(tableNow.addingTimeInterval(-10), now: tableNow) == "<invalid>")
        #expect(HumanDuration.until(nil, now: tableNow) == "<unknown>")
    }

    @Test("non-finite and huge durations do not crash")
    func extremes() {
        #expect(HumanDuration.short(.nan) == "<invalid>")
        #expect(HumanDuration.short(-.infinity) == "<invalid>")
        #expect(HumanDuration.short(.infinity) == "<invalid>")
        #expect(HumanDuration.short(1e20) == "31709791y")  // clamped to 1e15 s rather than overflowing
        #expect(HumanDuration.since(nil, now: tableNow) == "<unknown>")
    }
}

@Suite("RFC 3339")
struct RFC3339Tests {
    @Test("parses Kubernetes timestamps, fractions and offsets")
    func parse() {
        #expect(RFC3339.parse("2024-05-01T10:00:00Z")?.timeIntervalSince1970 == 1_714_557_600)
        #expect(RFC3339.parse("2024-05-01T12:00:00+02:00")?.timeIntervalSince1970 == 1_714_557_600)
        #expect(RFC3339.parse("2024-05-01T05:30:00-04:30")?.timeIntervalSince1970 == 1_714_557_600)
        let micro = RFC3339.parse("2024-05-01T10:00:00.250000Z")?.timeIntervalSince1970 ?? 0
        #expect(abs(micro - 1_714_557_600.25) < 1e-6)
        #expect(RFC3339.parse("1970-01-01T00:00:00Z")?.timeIntervalSince1970 == 0)
        #expect(RFC3339.parse("2024-02-29T00:00:00Z") != nil)
    }

    @Test(
        "rejects malformed and impossible timestamps",
        arguments: [
            "", "garbage", "2024-05-01", "2024-05-01T10:00:00", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
            "2024-05-01T24:00:00Z", "2024-05-01T10:00:00.Z", "2024-05-01T10:00:00Zjunk", "2024-05-01T10:00:00+2:00",
        ])
    func rejects(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test("formats UTC with whole seconds and round-trips")
    func format() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_714_557_600.9)) == "2024-05-01T10:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        let text = "2031-12-31T23:59:58Z"
        #expect(RFC3339.parse(text).map(RFC3339.format) == text)
    }
}

@Suite("Table printers")
struct TablePrinterTests {
    static let kinds = [
        "Pod", "Namespace", "Node", "Service", "Endpoints", "ConfigMap", "Secret", "Event", "ResourceQuota",
        "LimitRange", "PersistentVolumeClaim", "PersistentVolume", "ReplicationController", "ServiceAccount",
        "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "ControllerRevision", "Job", "CronJob", "Lease",
        "Widget",
    ]

    @Test("every kind yields one cell per column, even for an empty object", arguments: kinds)
    func cellCount(kind: String) {
        let columns = TablePrinter.columns(kind: kind)
        #expect(TablePrinter.cells(kind: kind, object: [:], now: tableNow).count == columns.count)
        #expect(TablePrinter.cells(kind: kind, object: .null, now: tableNow).count == columns.count)
        #expect(columns.filter { $0.format == "name" }.count == 1)
    }

    @Test("wrongly typed fields print as absent instead of crashing", arguments: kinds)
    func wrongTypes(kind: String) {
        let weird: JSON = [
            "metadata": ["name": 5, "creationTimestamp": "yesterday", "labels": "x", "ownerReferences": "x"],
            "spec": ["replicas": "three", "containers": "web", "ports": [1, "x"], "selector": 7, "template": []],
            "status": [
                "containerStatuses": [1, ["state": "odd", "restartCount": "9"]], "conditions": "x",
                "hard": ["cpu": true],
            ],
            "subsets": "x", "data": [], "involvedObject": 3,
        ]
        let row = TablePrinter.cells(kind: kind, object: weird, now: tableNow)
        #expect(row.count == TablePrinter.columns(kind: kind).count)
    }

    @Test("column names and wide priorities follow Kubernetes")
    func columnNames() {
        func layout(_ kind: String) -> String {
            TablePrinter.columns(kind: kind).map { $0.priority == 0 ? $0.name : "+" + $0.name }.joined(separator: "|")
        }
        #expect(layout("Pod") == "Name|Ready|Status|Restarts|Age|+IP|+Node|+Nominated Node|+Readiness Gates")
        #expect(layout("Deployment") == "Name|Ready|Up-to-date|Available|Age|+Containers|+Images|+Selector")
        #expect(layout("Event") == "Last Seen|Type|Reason|Object|+Subobject|+Source|Message|+First Seen|+Count|+Name")
        #expect(
            layout("Node")
                == "Name|Status|Roles|Age|Version|+Internal-IP|+External-IP|+OS-Image|+Kernel-Version|+Container-Runtime"
        )
        #expect(
            layout("CronJob") == "Name|Schedule|Timezone|Suspend|Active|Last Schedule|Age|+Containers|+Images|+Selector"
        )
        #expect(
            layout("PersistentVolume")
                == "Name|Capacity|Access Modes|Reclaim Policy|Status|Claim|StorageClass|VolumeAttributesClass|Reason|Age|+VolumeMode"
        )
        #expect(layout("LimitRange") == "Name|Created At")
        #expect(layout("Widget") == "Name|Age")
        #expect(TablePrinter.columns(kind: "LimitRange")[1].type == "date")
        #expect(TablePrinter.columns(kind: "Pod")[0].json["format"] == "name")
        #expect(TablePrinter.columns(kind: "Pod")[5].json["priority"] == 1)
    }

    @Test("AGE is <unknown> without a timestamp and <invalid> in the future")
    func age() {
        #expect(cells("Widget", ["metadata": ["name": "w"]]) == ["w", "<unknown>"])
        #expect(cells("Widget", ["metadata": ["name": "w", "creationTimestamp": ago(-60)]])[1] == "<invalid>")
        #expect(
            cells("Widget", ["metadata": ["name": "w", "creationTimestamp": ago(3 * 86_400 + 4 * 3600)]])[1] == "3d4h")
    }
}

@Suite("Pod rows")
struct PodRowTests {
    static func pod(
        _ status: JSON, spec: JSON = ["containers": [["name": "web", "image": "nginx"]]], deleting: Bool = false
    )
        -> JSON
    {
        var metadata: JSON = ["name": "web-1", "namespace": "shop", "creationTimestamp": ago(3600)]
        if deleting { metadata["deletionTimestamp"] = ago(5) }
        return ["metadata": metadata, "spec": spec, "status": status]
    }

    static let twoContainers: JSON = [
        "containers": [["name": "web", "image": "nginx"], ["name": "log", "image": "busybox"]]
    ]

    @Test("a running pod shows readiness, restarts with recency, and wide columns")
    func running() {
        let status: JSON = [
            "phase": "Running", "podIP": "10.0.0.5", "podIPs": [["ip": "10.0.0.5"]],
            "containerStatuses": [
                [
                    "name": "web", "ready": true, "restartCount": 2, "state": ["running": ["startedAt": ago(300)]],
                    "lastState": ["terminated": ["exitCode": 1, "finishedAt": ago(300)]],
                ],
                [
                    "name": "log", "ready": true, "restartCount": 1, "state": ["running": [:]],
                    "lastState": ["terminated": ["exitCode": 0, "finishedAt": ago(7200)]],
                ],
            ],
        ]
        var spec = Self.twoContainers
        spec["nodeName"] = "node-a"
        #expect(
            cells("Pod", Self.pod(status, spec: spec))
                == ["web-1", "2/2", "Running", "3 (5m ago)", "60m", "10.0.0.5", "node-a", "<none>", "<none>"])
    }

    @Test("no restarts prints a bare 0 and an unscheduled pod shows <none>")
    func pending() {
        let status: JSON = [
            "phase": "Pending",
            "containerStatuses": [
                [
                    "name": "web", "ready": false, "restartCount": 0,
                    "state": ["waiting": ["reason": "ContainerCreating"]],
                ]
            ],
        ]
        #expect(
            cells("Pod", Self.pod(status)) == [
                "web-1", "0/1", "ContainerCreating", "0", "60m", "<none>", "<none>", "<none>", "<none>",
            ])
        #expect(cells("Pod", Self.pod(["phase": "Pending"]))[2] == "Pending")
    }

    @Test("a waiting reason such as CrashLoopBackOff replaces the phase")
    func crashLoop() {
        let status: JSON = [
            "phase": "Running",
            "containerStatuses": [
                [
                    "name": "web", "ready": false, "restartCount": 5,
                    "state": ["waiting": ["reason": "CrashLoopBackOff", "message": "back-off"]],
                    "lastState": ["terminated": ["exitCode": 1, "reason": "Error", "finishedAt": ago(40)]],
                ]
            ],
        ]
        let row = cells("Pod", Self.pod(status))
        #expect(row[1] == "0/1")
        #expect(row[2] == "CrashLoopBackOff")
        #expect(row[3] == "5 (40s ago)")
    }

    @Test("terminated containers show their reason, or the exit code or signal")
    func terminated() {
        func status(_ terminated: JSON) -> JSON {
            ["phase": "Failed", "containerStatuses": [["name": "web", "state": ["terminated": terminated]]]]
        }
        #expect(cells("Pod", Self.pod(status(["exitCode": 0, "reason": "Completed"])))[2] == "Completed")
        #expect(cells("Pod", Self.pod(status(["exitCode": 137])))[2] == "ExitCode:137")
        #expect(cells("Pod", Self.pod(status(["exitCode": 0, "signal": 9])))[2] == "Signal:9")
    }

    @Test("init containers show Init:n/m, Init:<reason> or Init:<terminated reason>")
    func initContainers() {
        let spec: JSON = ["initContainers": [["name": "migrate"], ["name": "seed"]], "containers": [["name": "web"]]]
        func row(_ initStatuses: JSON) -> [String] {
            cells("Pod", Self.pod(["phase": "Pending", "initContainerStatuses": initStatuses], spec: spec))
        }
        #expect(row([["name": "migrate", "state": ["waiting": ["reason": "PodInitializing"]]]])[2] == "Init:0/2")
        #expect(
            row([
                ["name": "migrate", "state": ["terminated": ["exitCode": 0]]],
                ["name": "seed", "state": ["running": [:]]],
            ])[2]
                == "Init:1/2")
        #expect(
            row([["name": "migrate", "state": ["waiting": ["reason": "ImagePullBackOff"]]]])[2]
                == "Init:ImagePullBackOff")
        #expect(
            row([["name": "migrate", "state": ["terminated": ["exitCode": 1, "reason": "Error"]]]])[2] == "Init:Error")
        #expect(row([["name": "migrate", "state": ["terminated": ["exitCode": 2]]]])[2] == "Init:ExitCode:2")
        // While initialising, init container restarts count.
        #expect(
            row([["name": "migrate", "restartCount": 3, "state": ["waiting": ["reason": "CrashLoopBackOff"]]]])[3]
                == "3")
    }

    @Test("a started sidecar counts toward READY and the pod runs once its main container does")
    func sidecar() {
        let spec: JSON = [
            "initContainers": [["name": "proxy", "restartPolicy": "Always"]], "containers": [["name": "web"]],
        ]
        let status: JSON = [
            "phase": "Running",
            "conditions": [["type": "Initialized", "status": "True"], ["type": "Ready", "status": "True"]],
            "initContainerStatuses": [
                ["name": "proxy", "started": true, "ready": true, "restartCount": 1, "state": ["running": [:]]]
            ],
            "containerStatuses": [["name": "web", "ready": true, "restartCount": 0, "state": ["running": [:]]]],
        ]
        let row = cells("Pod", Self.pod(status, spec: spec))
        #expect(row[1] == "2/2")
        #expect(row[2] == "Running")
        #expect(row[3] == "1")  // sidecar restarts survive; no finishedAt, so no "(ago)"
    }

    @Test("a deleting pod is Terminating unless finished, and Unknown on a lost node")
    func terminating() {
        let running: JSON = [
            "phase": "Running", "containerStatuses": [["name": "web", "ready": true, "state": ["running": [:]]]],
        ]
        #expect(cells("Pod", Self.pod(running, deleting: true))[2] == "Terminating")
        #expect(cells("Pod", Self.pod(["phase": "Succeeded"], deleting: true))[2] == "Succeeded")
        #expect(cells("Pod", Self.pod(["phase": "Running", "reason": "NodeLost"], deleting: true))[2] == "Unknown")
        #expect(cells("Pod", Self.pod(["phase": "Pending", "reason": "Evicted"]))[2] == "Evicted")
    }

    @Test("absurd restart counts saturate instead of overflowing")
    func restartOverflow() {
        let huge: JSON = .int(.max)
        let status: JSON = [
            "phase": "Running",
            "containerStatuses": [["name": "a", "restartCount": huge], ["name": "b", "restartCount": huge]],
        ]
        #expect(cells("Pod", Self.pod(status, spec: Self.twoContainers))[3] == "9223372036854775807")
    }

    @Test("scheduling gates and readiness gates")
    func gates() {
        let gated: JSON = [
            "phase": "Pending",
            "conditions": [["type": "PodScheduled", "status": "False", "reason": "SchedulingGated"]],
        ]
        #expect(cells("Pod", Self.pod(gated))[2] == "SchedulingGated")
        let spec: JSON = [
            "containers": [["name": "web"]],
            "readinessGates": [["conditionType": "a/one"], ["conditionType": "a/two"]],
        ]
        let status: JSON = [
            "phase": "Running",
            "conditions": [["type": "a/one", "status": "True"], ["type": "a/two", "status": "False"]],
        ]
        #expect(cells("Pod", Self.pod(status, spec: spec))[8] == "1/2")
    }
}
