import Foundation
import SkiffClient

/// The node benchmarks: container start beside crun and runc, and pods on a fresh release
/// `skiffd master` + `skiffd agent` (a master of its own, so the master benchmarks' thousand
/// unscheduled pods never land on this node). Whatever happens, the agent's pods, cgroups,
/// network namespace and processes are removed before this returns, and a row says so.
struct NodeBench {
    let skiffd: String
    let skiffInit: String
    let imageDir: String
    let startRuns: Int
    let sequentialPods: Int
    let totalPods: Int

    var image: String { imageDir + "/busybox:latest" }

    func checkImage() throws {
        guard FileManager.default.fileExists(atPath: image + "/bin/busybox") else {
            throw BenchFailure("no busybox image at \(image): run `make rootfs`")
        }
    }

    func startRows() async throws -> [Row] {
        try checkImage()
        return try await StartLatency(skiffInit: skiffInit, image: image, runs: startRuns).rows()
    }

    func podRows() async throws -> [Row] {
        try checkImage()
        let master = try BenchMaster(skiffd: skiffd)
        defer { master.stop() }
        try await master.waitReady()
        let client = try APIClient(endpoint: .unixSocket(path: master.socket))
        let agent = try BenchAgent(
            skiffd: skiffd, skiffInit: skiffInit, imageDir: imageDir, master: master, maxPods: 1000)
        let measured: Result<[Row], any Error>
        do {
            try await agent.waitReady(client)
            measured = .success(
                try await NodePods(client: client, agent: agent, sequential: sequentialPods, total: totalPods).rows())
        } catch {
            measured = .failure(error)
        }
        let left = await agent.tearDown(client)
        let cleanup = Row(
            "left behind by the node benchmarks (netns, cgroups, processes)",
            measured: left.isEmpty ? "nothing" : left.joined(separator: ", "), target: "nothing", anchor: "")
        switch measured {
        case .success(let rows): return rows + [cleanup]
        case .failure(let error):
            let partial = error as? PartialFailure
            throw PartialFailure(rows: partial?.rows ?? [], error: partial?.error ?? error, trailer: [cleanup])
        }
    }
}
