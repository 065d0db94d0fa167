import Foundation
import SkiffAPI
import SkiffClient

/// One line of the printed table: what was measured, the figure, Skiff's target and the anchor
/// it is read against (a quoted Kubernetes figure, or another runtime measured in this run).
struct Row {
    var name: String
    var measured: String
    var target: String
    var anchor: String

    init(_ name: String, _ ms: Double, target: String, slo: String) {
        self.init(name, measured: Format.ms(ms), target: target, anchor: slo)
    }

    init(_ name: String, measured: String, target: String, anchor: String) {
        self.name = name
        self.measured = measured
        self.target = target
        self.anchor = anchor
    }
}

enum Format {
    static func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }
    static func percentiles(_ l: Latencies) -> String { "p50 \(ms(l.p50)), p99 \(ms(l.p99))" }
}

struct Latencies {
    var samples: [Double]
    var count: Int { samples.count }
    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }
    var p50: Double { percentile(0.50) }
    var p99: Double { percentile(0.99) }
}

enum Measure {
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

    /// Open-loop load: request i starts at i/rate seconds whatever earlier ones do, so a slow
    /// request shows in the percentiles instead of slowing the load (no coordinated omission).
    static func atRate(_ rate: Int, seconds: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws
        -> Latencies
    {
        let start = now()
        let total = rate * seconds
        return try await withThrowingTaskGroup(of: Double.self) { group in
            for i in 0..<total {
                let due = start + Double(i) * 1000 / Double(rate)
                let wait = due - now()
                if wait > 0 { try await Task.sleep(for: .milliseconds(wait)) }
                group.addTask {
                    let t0 = now()
                    try await body(i)
                    return now() - t0
                }
            }
            var samples: [Double] = []
            for try await s in group { samples.append(s) }
            return Latencies(samples: samples)
        }
    }

    static func repeated(_ n: Int, _ body: () async throws -> Void) async throws -> Latencies {
        var samples: [Double] = []
        for _ in 0..<n {
            let t0 = now()
            try await body()
            samples.append(now() - t0)
        }
        return Latencies(samples: samples)
    }
}

enum Fixture {
    static func pod(_ name: String) -> JSON {
        [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": .string(name), "labels": ["app": "bench", "tier": "web"]],
            "spec": [
                "containers": [
                    [
                        "name": "main", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"],
                        "resources": ["requests": ["cpu": "100m", "memory": "64Mi"], "limits": ["memory": "128Mi"]],
                        "env": [["name": "MODE", "value": "bench"]], "ports": [["containerPort": 8080]],
                    ]
                ]
            ],
        ]
    }

    /// A Ready node with room for 110 pods, as an agent would register it (none runs here).
    static func node(_ name: String) -> JSON {
        [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": .string(name), "labels": ["kubernetes.io/hostname": .string(name)]],
            "status": [
                "allocatable": ["cpu": "4", "memory": "16Gi", "pods": "110"],
                "conditions": [["type": "Ready", "status": "True"]],
            ],
        ]
    }

    /// Creates objects `prefix<from>` … `prefix<to-1>`, 8 at a time.
    static func fill(_ client: APIClient, _ info: ResourceInfo, namespace: String?, prefix: String, from: Int, to: Int)
        async throws
    {
        guard from < to else { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = from
            for _ in 0..<8 where next < to {
                let i = next
                next += 1
                group.addTask {
                    _ = try await client.create(info, namespace: namespace, object: object(info, prefix, i))
                }
            }
            while try await group.next() != nil, next < to {
                let i = next
                next += 1
                group.addTask {
                    _ = try await client.create(info, namespace: namespace, object: object(info, prefix, i))
                }
            }
            try await group.waitForAll()
        }
    }

    static func object(_ info: ResourceInfo, _ prefix: String, _ i: Int) -> JSON {
        if info.kind == "Pod" { return pod("\(prefix)\(i)") }
        if info.kind == "Node" { return node("\(prefix)\(i)") }
        return [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string("\(prefix)\(i)"), "labels": ["app": "bench"]],
            "data": ["config.yaml": .string(String(repeating: "key: value\n", count: 40))],
        ]
    }
}
