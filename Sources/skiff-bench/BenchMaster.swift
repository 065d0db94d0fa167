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

    var pid: pid_t { process.processIdentifier }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

enum Report {
    static func render(_ rows: [Row]) -> String {
        var lines = [
            "| measurement (the release build given as --skiffd, this machine) | measured | target | anchor |",
            "|---|---|---|---|",
        ]
        for row in rows {
            lines.append("| \(row.name) | \(row.measured) | \(row.target) | \(row.anchor) |")
        }
        lines.append("")
        lines.append(
            "Master figures are over the Unix socket. Kubernetes figures marked (quoted) come from the Kubernetes "
                + "scalability SLOs and published observations, not measured here; crun and runc are measured in "
                + "this run, on the same rootfs, timed by the same loop as skiff-init.")
        return lines.joined(separator: "\n")
    }
}
