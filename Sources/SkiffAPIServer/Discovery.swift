import SkiffAPI

/// Discovery documents: how kubectl maps `po`, `deploy`, `all` to resources (K8S-API.md §3).
enum Discovery {
    static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

    static let version: JSON = [
        "major": "1", "minor": "33", "gitVersion": "v1.33.0+skiff", "gitCommit": "", "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z", "goVersion": "swift6", "compiler": "swiftc", "platform": "linux/amd64",
    ]

    static func apiVersions() -> JSON {
        ["kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []]
    }

    static func groupVersion(_ group: String) -> JSON {
        ["groupVersion": .string("\(group)/v1"), "version": "v1"]
    }

    static func apiGroup(_ group: String) -> JSON {
        [
            "kind": "APIGroup", "apiVersion": "v1", "name": .string(group), "versions": [groupVersion(group)],
            "preferredVersion": groupVersion(group),
        ]
    }

    static func apiGroupList() -> JSON {
        return [
            "kind": "APIGroupList", "apiVersion": "v1",
            "groups": .array(
                Resources.groups.map { g in
                    var o = apiGroup(g)
                    o["kind"] = nil
                    o["apiVersion"] = nil
                    return o
                }),
        ]
    }

    static func resourceList(group: String) -> JSON {
        var resources: [JSON] = []
        for info in Resources.inGroup(group) {
            resources.append([
                "name": .string(info.resource), "singularName": .string(info.singular),
                "namespaced": .bool(info.namespaced),
                "kind": .string(info.kind), "verbs": .array(ResourceInfo.verbs.map { .string($0) }),
                "shortNames": .array(info.shortNames.map { .string($0) }),
                "categories": .array(info.categories.map { .string($0) }),
            ])
            for sub in info.subresources {
                let (kind, verbs) = subresourceShape(info, sub)
                resources.append([
                    "name": .string("\(info.resource)/\(sub)"), "singularName": "",
                    "namespaced": .bool(info.namespaced),
                    "kind": .string(kind), "verbs": .array(verbs.map { .string($0) }),
                ])
            }
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? "v1" : "\(group)/v1"),
            "resources": .array(resources),
        ]
    }

    /// The aggregated v2 document for `/api` (core) or `/apis` (named groups). It must go out
    /// with the parameterised Content-Type, or kubectl finds no resources at all.
    static func aggregated(core: Bool) -> JSON {
        let groups = core ? [""] : Resources.groups
        return [
            "kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": [:],
            "items": .array(
                groups.map { group in
                    [
                        "metadata": ["name": .string(group)],
                        "versions": [
                            [
                                "version": "v1", "freshness": "Current",
                                "resources": .array(Resources.inGroup(group).map(aggregatedResource)),
                            ]
                        ],
                    ]
                }),
        ]
    }

    private static func aggregatedResource(_ info: ResourceInfo) -> JSON {
        func kind(_ k: String, group: String, version: String) -> JSON {
            ["group": .string(group), "version": .string(version), "kind": .string(k)]
        }
        return [
            "resource": .string(info.resource), "responseKind": kind(info.kind, group: info.group, version: "v1"),
            "scope": info.namespaced ? "Namespaced" : "Cluster", "singularResource": .string(info.singular),
            "verbs": .array(ResourceInfo.verbs.map { .string($0) }),
            "shortNames": .array(info.shortNames.map { .string($0) }),
            "categories": .array(info.categories.map { .string($0) }),
            "subresources": .array(
                info.subresources.map { sub in
                    let (k, verbs) = subresourceShape(info, sub)
                    let group = k == "Scale" ? "autoscaling" : (k == "Binding" ? "" : info.group)
                    return [
                        "subresource": .string(sub), "responseKind": kind(k, group: group, version: "v1"),
                        "verbs": .array(verbs.map { .string($0) }),
                    ]
                }),
        ]
    }

    private static func subresourceShape(_ info: ResourceInfo, _ sub: String) -> (String, [String]) {
        switch sub {
        case "status": (info.kind, ["get", "patch", "update"])
        case "scale": ("Scale", ["get", "patch", "update"])
        case "binding": ("Binding", ["create"])
        case "log": ("Pod", ["get"])
        case "exec": ("PodExecOptions", ["create", "get"])
        case "finalize": ("Namespace", ["update"])
        default: (info.kind, ["get"])
        }
    }
}
