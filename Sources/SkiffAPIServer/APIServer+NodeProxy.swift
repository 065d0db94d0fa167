import AsyncHTTPClient
import Foundation
import NIOCore
import SkiffAPI

/// `pods/log` (exec and attach: `RemoteCommand/`): the API server finds the pod's node, the agent socket the
/// node's agent registered (annotation `skiff.dev/agent-socket`), and streams the agent's
/// answer back, as kube-apiserver proxies to kubelet.
extension APIServer {
    static let agentSocketAnnotation = "skiff.dev/agent-socket"
    /// Query parameters of PodLogOptions the agent understands.
    static let logParameters = [
        "follow", "timestamps", "tailLines", "sinceSeconds", "sinceTime", "limitBytes", "previous",
    ]

    func nodeProxy(namespace: String?, name: String, subresource: String, request: APIRequest)
        async throws(SkiffError) -> APIResponse
    {
        guard subresource == "log" else {
            // exec and attach arrive as WebSocket or SPDY upgrades (RemoteCommandChannel).
            throw SkiffError.badRequest("Upgrade request required")
        }
        let (pod, nodeName) = try scheduledPod(namespace: namespace ?? "default", name: name)
        let container = try Self.chooseContainer(pod, requested: request.query["container"]?.first)
        let socket = try agentSocket(node: nodeName, pod: name)
        var query: [String] = []
        for key in Self.logParameters {
            for value in request.query[key] ?? [] { query.append("\(key)=\(Self.queryEscaped(value))") }
        }
        let path = Self.pathEscaped(["containerLogs", namespace ?? "default", name, container])
        return try await Self.forward(
            socket: socket, uri: "/" + path + (query.isEmpty ? "" : "?" + query.joined(separator: "&")), node: nodeName)
    }

    /// `GET nodes/NAME/proxy/PATH`: the agent's own API (`inspect/NS/POD` for `skiff inspect`,
    /// `containerLogs/…`), as kube-apiserver proxies to kubelet.
    func nodeAgentProxy(node: String, path: [String], request: APIRequest) async throws(SkiffError) -> APIResponse {
        _ = try storedObject(Resources.nodes, namespace: nil, name: node)  // 404 for an unknown node
        let socket = try agentSocket(node: node, pod: "")
        var query: [String] = []
        for (key, values) in request.query.sorted(by: { $0.key < $1.key }) {
            for value in values { query.append("\(Self.queryEscaped(key))=\(Self.queryEscaped(value))") }
        }
        let uri = "/" + Self.pathEscaped(path) + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return try await Self.forward(socket: socket, uri: uri, node: node)
    }

    func scheduledPod(namespace: String, name: String) throws(SkiffError) -> (pod: JSON, node: String) {
        let pod = try storedObject(Resources.pods, namespace: namespace, name: name).decode()
        guard let nodeName = pod[path: ["spec", "nodeName"]]?.string, !nodeName.isEmpty else {
            throw SkiffError.badRequest(
                "pod \(name) is not scheduled to a node yet; there are no logs and nothing to exec into")
        }
        return (pod, nodeName)
    }

    /// The Unix socket of the agent that runs `node` (its Node's annotation).
    func agentSocket(node nodeName: String, pod name: String) throws(SkiffError) -> String {
        let node = try? storedObject(Resources.nodes, namespace: nil, name: nodeName).decode()
        guard let socket = node?[path: ["metadata", "annotations", Self.agentSocketAnnotation]]?.string else {
            let what = name.isEmpty ? "its agent API is" : "logs of and exec into pod \(name) are"
            throw SkiffError(
                .serviceUnavailable,
                "no agent serves node \"\(nodeName)\": \(what) available once a skiffd agent runs that node")
        }
        return socket
    }

    /// The container a log or exec request means: the one named, the default-container
    /// annotation's, or the pod's only container.
    static func chooseContainer(_ pod: JSON, requested: String?) throws(SkiffError) -> String {
        let name = pod[path: ["metadata", "name"]]?.string ?? ""
        let containers = (pod[path: ["spec", "containers"]]?.array ?? []).compactMap { $0["name"]?.string }
        let initContainers = (pod[path: ["spec", "initContainers"]]?.array ?? []).compactMap { $0["name"]?.string }
        if let requested, !requested.isEmpty {
            guard containers.contains(requested) || initContainers.contains(requested) else {
                throw SkiffError.badRequest("container \(requested) is not valid for pod \(name)")
            }
            return requested
        }
        if let annotated = pod[path: ["metadata", "annotations", "kubectl.kubernetes.io/default-container"]]?.string,
            containers.contains(annotated)
        {
            return annotated
        }
        guard containers.count == 1, let only = containers.first else {
            var message =
                "a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]"
            if !initContainers.isEmpty {
                message += " or one of the init containers: [\(initContainers.joined(separator: " "))]"
            }
            throw SkiffError.badRequest(message)
        }
        return only
    }

    /// One request to the agent; a 200 streams through chunk by chunk, anything else (a Status
    /// from the agent) is passed on whole.
    static func forward(socket: String, uri: String, node: String) async throws(SkiffError) -> APIResponse {
        guard let url = URL(httpURLWithSocketPath: socket, uri: uri) else {
            throw SkiffError.internalError("bad agent socket path \(socket) on node \(node)")
        }
        let response: HTTPClientResponse
        do {
            // Follow streams last as long as the container: no overall deadline worth having.
            response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: url.absoluteString), timeout: .hours(24))
        } catch {
            throw SkiffError(.serviceUnavailable, "cannot reach the agent of node \(node) at \(socket): \(error)")
        }
        let contentType = response.headers.first(name: "content-type") ?? "text/plain"
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
            return APIResponse(status: Int(response.status.code), contentType: contentType, body: .bytes(body))
        }
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        let relay = Task {
            do {
                for try await buffer in response.body { continuation.yield(Array(buffer.readableBytesView)) }
            } catch {}
            continuation.finish()
        }
        // The client went away: stop reading from the agent, which then stops following.
        continuation.onTermination = { _ in relay.cancel() }
        return APIResponse(status: 200, contentType: contentType, body: .stream(stream))
    }
}
