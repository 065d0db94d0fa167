import SkiffAPI

/// Where a request path points, per the Kubernetes URL layout:
/// `/api/v1/namespaces/{ns}/{resource}/{name}/{subresource}` and `/apis/{group}/{version}/…`.
enum Route: Equatable {
    case version, health(String), openAPIV2, openAPIV3
    case apiVersions  // /api
    case apiGroups  // /apis
    case apiGroup(String)  // /apis/apps
    case resourceList(group: String, version: String)  // /api/v1, /apis/apps/v1
    case collection(ResourceInfo, namespace: String?)
    case object(ResourceInfo, namespace: String?, name: String, subresource: String?)
    /// `/api/v1/nodes/{name}/proxy/{path…}`: a request for the node's agent, as for kubelet.
    case nodeProxy(node: String, path: [String])

    static func parse(_ path: String) throws(SkiffError) -> Route {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map {
            APIRequest.percentDecode(String($0))
        }
        switch parts.first {
        case "version": return .version
        case "healthz", "readyz", "livez": return .health(parts[0])
        case "openapi": return parts.count > 1 && parts[1] == "v3" ? .openAPIV3 : .openAPIV2
        case "api":
            if parts.count == 1 { return .apiVersions }
            guard parts[1] == "v1" else { throw notFound }
            if parts.count == 2 { return .resourceList(group: "", version: "v1") }
            parts.removeFirst(2)
            return try resourcePath(group: "", version: "v1", parts)
        case "apis":
            if parts.count == 1 { return .apiGroups }
            guard Resources.groups.contains(parts[1]) else { throw notFound }
            if parts.count == 2 { return .apiGroup(parts[1]) }
            guard parts[2] == "v1" else { throw notFound }
            if parts.count == 3 { return .resourceList(group: parts[1], version: "v1") }
            let group = parts[1]
            parts.removeFirst(3)
            return try resourcePath(group: group, version: "v1", parts)
        default: throw notFound
        }
    }

    static var notFound: SkiffError { SkiffError(.notFound, "the server could not find the requested resource") }

    /// Parses what follows `/api/v1` or `/apis/G/V`.
    private static func resourcePath(group: String, version: String, _ rest: [String]) throws(SkiffError) -> Route {
        var parts = rest
        // Legacy `/watch/` prefix: same as ?watch=1, which the front end sets.
        if parts.first == "watch" { parts.removeFirst() }
        guard let first = parts.first else { throw notFound }
        if first == "namespaces", parts.count >= 3,
            let info = Resources.find(group: group, version: version, resource: parts[2]), info.namespaced
        {
            let namespace = parts[1]
            switch parts.count {
            case 3: return .collection(info, namespace: namespace)
            case 4: return .object(info, namespace: namespace, name: parts[3], subresource: nil)
            case 5: return try objectRoute(info, namespace: namespace, name: parts[3], subresource: parts[4])
            default: throw notFound
            }
        }
        guard let info = Resources.find(group: group, version: version, resource: first) else { throw notFound }
        if info.group.isEmpty, info.resource == "nodes", parts.count >= 3, parts[2] == "proxy" {
            return .nodeProxy(node: parts[1], path: Array(parts.dropFirst(3)))
        }
        switch parts.count {
        case 1: return .collection(info, namespace: nil)
        case 2:
            // A namespaced resource has no objects outside a namespace.
            guard !info.namespaced else { throw notFound }
            return .object(info, namespace: nil, name: parts[1], subresource: nil)
        case 3:
            guard !info.namespaced else { throw notFound }
            return try objectRoute(info, namespace: nil, name: parts[1], subresource: parts[2])
        default: throw notFound
        }
    }

    private static func objectRoute(
        _ info: ResourceInfo, namespace: String?, name: String, subresource: String
    ) throws(SkiffError) -> Route {
        guard info.subresources.contains(subresource) else { throw notFound }
        return .object(info, namespace: namespace, name: name, subresource: subresource)
    }
}
