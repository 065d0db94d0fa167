import Foundation
import Logging
import SkiffAPI
import SkiffStore

/// The Kubernetes-shaped API: routes a parsed request to a handler over the store. Independent
/// of HTTP, so tests drive it directly; `HTTPFrontend` puts it on the Unix socket and on TCP.
public struct APIServer: Sendable {
    public struct Configuration: Sendable {
        /// Longest watch when the client gives no `timeoutSeconds` (Kubernetes: 30–60 min).
        public var defaultWatchTimeout: Duration = .seconds(1800)
        public init() {}
    }

    public let store: any Store
    public let admission: AdmissionChain
    public let configuration: Configuration
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        store: any Store, admission: AdmissionChain = .standard, configuration: Configuration = Configuration(),
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.admission = admission
        self.configuration = configuration
        self.logger = logger
        self.now = now
    }

    public func handle(_ request: APIRequest) async -> APIResponse {
        do {
            return try await dispatch(request)
        } catch {
            if error.code == .internalError {
                logger.error("request failed", metadata: ["http.path": "\(request.path)", "error": "\(error)"])
            }
            return .error(error)
        }
    }

    private func dispatch(_ request: APIRequest) async throws(SkiffError) -> APIResponse {
        let route = try Route.parse(request.path)
        switch (route, request.method) {
        case (.version, .get): return .json(Discovery.version)
        case (.health, .get):
            return APIResponse(contentType: "text/plain; charset=utf-8", body: .bytes(Array("ok".utf8)))
        // Paths with dryRun for kubectl 1.20's dry-run check, no schemas so no client-side
        // validation (K8S-API.md §4). octet-stream: kubectl rejects the protobuf media type it asked for.
        case (.openAPIV2, .get):
            return APIResponse(contentType: "application/octet-stream", body: .bytes(Self.openAPIDocument))
        case (.openAPIV3, .get): throw Route.notFound
        case (.apiVersions, .get):
            if request.wantsAggregatedDiscovery {
                return APIResponse(
                    contentType: Discovery.aggregatedContentType,
                    body: .bytes(Discovery.aggregated(core: true).serialized()))
            }
            return .json(Discovery.apiVersions())
        case (.apiGroups, .get):
            if request.wantsAggregatedDiscovery {
                return APIResponse(
                    contentType: Discovery.aggregatedContentType,
                    body: .bytes(Discovery.aggregated(core: false).serialized()))
            }
            return .json(Discovery.apiGroupList())
        case (.apiGroup(let group), .get): return .json(Discovery.apiGroup(group))
        case (.resourceList(let group, _), .get): return .json(Discovery.resourceList(group: group))
        case (.collection(let info, let namespace), .get):
            if request.flag("watch") { return try watch(info, namespace: namespace, request: request) }
            return try list(info, namespace: namespace, request: request)
        case (.collection(let info, let namespace), .post):
            return try await create(info, namespace: namespace, request: request)
        case (.collection(let info, let namespace), .delete):
            return try await deleteCollection(info, namespace: namespace, request: request)
        case (.nodeProxy(let node, let path), .get):
            return try await nodeAgentProxy(node: node, path: path, request: request)
        case (.object(let info, let namespace, let name, let sub), _):
            return try await object(info, namespace: namespace, name: name, subresource: sub, request: request)
        default:
            throw SkiffError(.methodNotAllowed, "the server does not allow this method on the requested resource")
        }
    }

    private func object(
        _ info: ResourceInfo, namespace: String?, name: String, subresource: String?, request: APIRequest
    ) async throws(SkiffError) -> APIResponse {
        switch (subresource, request.method) {
        case (nil, .get):
            if request.flag("watch") {
                var scoped = request
                scoped.query["fieldSelector"] = ["metadata.name=\(name)"]
                return try watch(info, namespace: namespace, request: scoped)
            }
            return try get(info, namespace: namespace, name: name, request: request)
        case (nil, .put), ("status", .put), ("finalize", .put):
            return try await update(info, namespace: namespace, name: name, subresource: subresource, request: request)
        case (nil, .patch), ("status", .patch):
            return try await patch(info, namespace: namespace, name: name, subresource: subresource, request: request)
        case (nil, .delete): return try await delete(info, namespace: namespace, name: name, request: request)
        case ("status", .get): return try get(info, namespace: namespace, name: name, request: request)
        case ("scale", .get): return try getScale(info, namespace: namespace, name: name)
        case ("scale", .put), ("scale", .patch):
            return try await updateScale(info, namespace: namespace, name: name, request: request)
        case ("binding", .post): return try await bind(namespace: namespace, name: name, request: request)
        case ("log", .get), ("exec", .get), ("exec", .post):
            return try await nodeProxy(
                namespace: namespace, name: name, subresource: subresource ?? "", request: request)
        default:
            throw SkiffError(.methodNotAllowed, "the server does not allow this method on the requested resource")
        }
    }

    func nowString() -> String { RFC3339.format(now()) }

    static let openAPIDocument: [UInt8] = OpenAPIV2Document.protobuf(
        for: Resources.all.map {
            .init(group: $0.group, version: $0.version, resource: $0.resource, kind: $0.kind, namespaced: $0.namespaced)
        })
}
