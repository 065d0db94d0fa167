import Foundation
import SkiffAPI
import Testing

/// The proof that Skiff speaks Kubernetes: the real kubectl (1.20, 1.30, 1.33) and the official
/// Python client run their scenarios (Tests/clients/) against a real master over HTTPS.
/// A missing client is a failure, never a skip: `make test` fetches them.
@Suite("real Kubernetes clients", .serialized)
struct RealClientTests {
    static let kubectls = [
        "/usr/lib/google-cloud-sdk/bin/kubectl.1.33", "/usr/lib/google-cloud-sdk/bin/kubectl.1.30",
        Checkout.tools + "/kubectl-1.20/usr/bin/kubectl",
    ]

    @Test("kubectl scenario", arguments: kubectls)
    func kubectl(_ path: String) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: path), "\(path) is missing: run `make client-tools`")
        try await withMaster { master in
            let result = try await runProgram(
                "/bin/bash",
                [
                    Checkout.root.appendingPathComponent("Tests/clients/kubectl-scenario.sh").path, path,
                    master.kubeconfigPath,
                ])
            #expect(result.status == 0, "\(result.output.suffix(3000))")
        }
    }

    @Test("Python client scenario")
    func python() async throws {
        let python = Checkout.tools + "/venv/bin/python"
        try #require(
            FileManager.default.isExecutableFile(atPath: python), "\(python) is missing: run `make client-tools`")
        try await withMaster { master in
            let result = try await runProgram(
                python,
                [Checkout.root.appendingPathComponent("Tests/clients/python_client.py").path, master.kubeconfigPath])
            #expect(result.status == 0, "\(result.output.suffix(3000))")
        }
    }
}
