import Foundation
import SkiffClient

/// The master under test, on a temp directory, stopped by PID.
final class BenchMaster {
    let directory = "/tmp/skb-" + String(UUID().uuidString.prefix(8)).lowercased()
    let process = Process()
    var socket: String { directory + "/api.sock" }

    init(skiffd: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: skiffd)
        process.arguments = ["master", "--data-dir", directory, "--listen", "127.0.0.1:0", "--log-level", "warning"]
        try process.run()
    }

    func waitReady() async throws {
        let client = try APIClient(endpoint: .unixSocket(path: socket), timeout: .seconds(2))
        for _ in 0..<200 {
            if (try? await client.send("GET", "/api/v1/namespaces/default/serviceaccounts/default")) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CocoaError(.fileNoSuchFile)
    }

    /// Resident set size of the master, from /proc.
    func rssMegabytes() -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kb / 1024
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

enum Report {
    static func render(_ rows: [Row], rss: Double, busyRSS: Double) -> String {
        var lines = [
            "| measurement (Unix socket, release build, this machine) | measured | target | Kubernetes SLO |",
            "|---|---|---|---|",
        ]
        for row in rows {
            lines.append(
                "| \(row.name) | \(String(format: "%.2f ms", row.milliseconds)) | \(row.target) | \(row.slo) |")
        }
        lines.append(
            "| master RSS holding 10,000 objects, right after the last write | \(String(format: "%.1f MB", busyRSS)) |  |  |"
        )
        lines.append(
            "| master RSS holding 10,000 objects, 15 s later | \(String(format: "%.1f MB", rss)) | ≤ 60 MB | none published |"
        )
        lines.append("")
        lines.append(
            "Kubernetes SLOs are quoted from the Kubernetes scalability SLOs (API call latency), not measured here.")
        return lines.joined(separator: "\n")
    }
}
