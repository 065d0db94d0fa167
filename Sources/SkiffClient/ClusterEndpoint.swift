import Foundation
import SkiffAPI
import SkiffYAML

/// Where a cluster's API is and how to authenticate: a Unix socket (trusted by file mode), or
/// HTTPS with a CA and bearer token from a kubeconfig.
public enum ClusterEndpoint: Sendable, Equatable, CustomStringConvertible {
    case unixSocket(path: String)
    case https(url: String, caPEM: String?, token: String?)

    public var description: String {
        switch self {
        case .unixSocket(let path): "unix://\(path)"
        case .https(let url, _, _): url
        }
    }

    /// `unix:///path/api.sock` or `/path/api.sock`; an `https://` URL needs a kubeconfig.
    public static func parse(server: String) throws(SkiffError) -> ClusterEndpoint {
        if server.hasPrefix("unix://") { return .unixSocket(path: String(server.dropFirst("unix://".count))) }
        if server.hasPrefix("/") { return .unixSocket(path: server) }
        throw SkiffError.badRequest(
            "--server \(server) is not a Unix socket: use unix:///PATH/api.sock, or --kubeconfig FILE for https")
    }

    /// The current context's cluster and user of a kubeconfig file.
    public static func fromKubeconfig(_ path: String) throws(SkiffError) -> ClusterEndpoint {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SkiffError.badRequest("cannot read kubeconfig \(path): \(error.localizedDescription)")
        }
        let config = try YAML.parse(text)
        let current = config["current-context"]?.string
        let contexts = config["contexts"]?.array ?? []
        let context = contexts.first { $0["name"]?.string == current } ?? contexts.first
        let clusterName = context?[path: ["context", "cluster"]]?.string
        let userName = context?[path: ["context", "user"]]?.string
        let clusters = config["clusters"]?.array ?? []
        guard let cluster = (clusters.first { $0["name"]?.string == clusterName } ?? clusters.first)?["cluster"],
            let server = cluster["server"]?.string
        else {
            throw SkiffError.badRequest("kubeconfig \(path) names no cluster server")
        }
        if server.hasPrefix("unix://") { return try parse(server: server) }
        let user = (config["users"]?.array ?? []).first { $0["name"]?.string == userName }?["user"]
        var ca: String?
        if let data = cluster["certificate-authority-data"]?.string, let decoded = Data(base64Encoded: data) {
            ca = String(decoding: decoded, as: UTF8.self)
        } else if let file = cluster["certificate-authority"]?.string {
            ca = try? String(contentsOfFile: file, encoding: .utf8)
        }
        return .https(url: server, caPEM: ca, token: user?["token"]?.string)
    }

    /// The order kubectl users expect, with Skiff's defaults last: `--server`, `--kubeconfig`,
    /// `$SKIFF_SERVER`, `$KUBECONFIG`, `./.skiff/api.sock` (what `make run` makes),
    /// `/var/lib/skiff/api.sock` (an installed master).
    public static func resolve(
        server: String?, kubeconfig: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) throws(SkiffError) -> ClusterEndpoint {
        if let server { return try parse(server: server) }
        if let kubeconfig { return try fromKubeconfig(kubeconfig) }
        if let server = environment["SKIFF_SERVER"], !server.isEmpty { return try parse(server: server) }
        if let path = environment["KUBECONFIG"], !path.isEmpty {
            return try fromKubeconfig(path.split(separator: ":").first.map(String.init) ?? path)
        }
        let local = FileManager.default.currentDirectoryPath + "/.skiff/api.sock"
        if fileExists(local) { return .unixSocket(path: local) }
        return .unixSocket(path: "/var/lib/skiff/api.sock")
    }
}
