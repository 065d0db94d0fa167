import Foundation
import SkiffAPI
import SkiffClient

/// The API server's latency and memory, measured over the Unix socket against a release
/// `skiffd master`, beside the targets and Kubernetes' published SLO (API call latency, 1 s
/// p99 for single-object calls, 30 s for lists; quoted).
struct MasterBench {
    let skiffd: String
    let rate: Int
    let seconds: Int

    func rows() async throws -> [Row] {
        let master = try BenchMaster(skiffd: skiffd)
        defer { master.stop() }
        try await master.waitReady()
        let client = try APIClient(endpoint: .unixSocket(path: master.socket))
        let pods = Resources.lookup("pods")!
        var rows: [Row] = []

        let creates = try await Measure.atRate(rate, seconds: seconds) { i in
            _ = try await client.create(pods, namespace: "default", object: Fixture.pod("c\(i)"))
        }
        rows.append(Row("create pod, p99 at \(rate)/s", creates.p99, target: "≤ 10 ms", slo: "1 s p99 (quoted)"))
        rows.append(Row("create pod, p50 at \(rate)/s", creates.p50, target: "", slo: ""))

        let total = creates.count
        let gets = try await Measure.atRate(rate, seconds: seconds) { i in
            _ = try await client.send("GET", "/api/v1/namespaces/default/pods/c\(i % total)")
        }
        rows.append(Row("get pod, p99 at \(rate)/s", gets.p99, target: "≤ 2 ms", slo: "1 s p99 (quoted)"))
        rows.append(Row("get pod, p50 at \(rate)/s", gets.p50, target: "", slo: ""))

        // Exactly 1,000 pods for the list.
        try await Fixture.fill(client, pods, namespace: "default", prefix: "c", from: total, to: 1000)
        let lists = try await Measure.repeated(20) {
            let response = try await client.send("GET", "/api/v1/namespaces/default/pods")
            precondition(((try? response.json["items"]?.array?.count) ?? 0) >= 1000)
        }
        rows.append(Row("list 1,000 pods (JSON), p99", lists.p99, target: "≤ 50 ms", slo: "30 s p99 (quoted)"))
        let tables = try await Measure.repeated(20) {
            _ = try await client.send(
                "GET", "/api/v1/namespaces/default/pods", accept: "application/json;as=Table;v=v1;g=meta.k8s.io")
        }
        rows.append(Row("list 1,000 pods (Table), p99", tables.p99, target: "", slo: "30 s p99 (quoted)"))

        let fanout = try await WatchFanout.measure(client: client, watchers: 100, changes: 30)
        rows.append(
            Row("watch, 100 subscribers, change seen by all, p99", fanout.p99, target: "≤ 20 ms", slo: "none published")
        )

        try await Fixture.fill(
            client, Resources.lookup("configmaps")!, namespace: "default", prefix: "m", from: 0, to: 9000)
        let busy = ProcStats.rssDescription(master.pid)
        // Steady state: the master trims its heap within 10 s of the last write.
        try await Task.sleep(for: .seconds(15))
        let steady = ProcStats.rssDescription(master.pid)
        rows.append(
            Row(
                "master RSS holding 10,000 objects, right after the last write", measured: busy, target: "",
                anchor: ""))
        rows.append(
            Row(
                "master RSS holding 10,000 objects, 15 s later", measured: steady,
                target: "≤ 60 MB", anchor: "none published"))
        return rows
    }
}
