import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

/// `make bench`: the API server's latency and memory, measured over the Unix socket against a
/// release `skiffd master`, printed beside the targets and Kubernetes' published SLO.
///
/// No anchor runs here: a real kube-apiserver needs etcd and images this machine does not
/// have, so the Kubernetes figure is quoted (API call latency SLO, 1 s p99 for single-object
/// calls, 30 s for lists), not measured.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "skiff-bench")

    @Option(help: "The skiffd executable to measure.") var skiffd: String
    @Option(help: "Requests per second for the GET and create runs.") var rate: Int = 200
    @Option(help: "Seconds per rate-limited run.") var seconds: Int = 5

    func run() async throws {
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
        let busy = master.rssMegabytes()
        // Steady state: the master trims its heap within 10 s of the last write.
        try await Task.sleep(for: .seconds(15))
        print(Report.render(rows, rss: master.rssMegabytes(), busyRSS: busy))
    }
}
