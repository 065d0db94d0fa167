/// How a list field combines with a patch, as declared by the `patchStrategy` and `patchMergeKey`
/// struct tags in k8s.io/api.
///
/// The API server is untyped (objects are `JSON`), so the tags that Kubernetes reads by reflection
/// from Go structs are written down here instead. Strategic merge patch and the simplified
/// server-side apply both use this table, so a field merges the same way whichever one a client uses.
enum ListMergeStrategy: Sendable, Equatable {
    /// No strategy tag: the list in the patch replaces the live list whole (`args`, `tolerations`).
    case atomic
    /// `patchStrategy:"merge" patchMergeKey:"<key>"`: elements are objects matched by one field.
    case mergeByKey(String)
    /// `patchStrategy:"merge"` on a list of scalars: a union that keeps each value once.
    case mergeSet
}

enum PatchStrategy {
    /// List fields that hold `Container` or `EphemeralContainer` objects inside a pod spec.
    static let containerLists: Set<String> = ["containers", "initContainers", "ephemeralContainers"]

    /// The strategy for the list at `path`: the field names from the object root down to the list,
    /// with no entry for the list elements passed through (`spec.template.spec.containers.env` is
    /// `["spec", "template", "spec", "containers", "env"]`).
    ///
    /// Field names alone are ambiguous (`ports` is keyed by `containerPort` in a container, by `port`
    /// in a Service spec, and atomic in Endpoints subsets), so each rule also checks where it is.
    /// Anything not listed is atomic, which is what Kubernetes does for fields without tags.
    static func strategy(kind: String, path: [String]) -> ListMergeStrategy {
        guard let field = path.last else { return .atomic }
        let parentPath = Array(path.dropLast())
        let parent = parentPath.last

        // Fields of Container / EphemeralContainer (core/v1 types.go).
        if let parent, containerLists.contains(parent) {
            switch field {
            case "ports": return .mergeByKey("containerPort")
            case "env": return .mergeByKey("name")
            case "volumeMounts": return .mergeByKey("mountPath")
            case "volumeDevices": return .mergeByKey("devicePath")
            default: return .atomic  // args, command, envFrom, resizePolicy, ...
            }
        }

        // ObjectMeta (apimachinery meta/v1), wherever it appears (also in pod templates).
        if parent == "metadata" {
            switch field {
            case "finalizers": return .mergeSet
            case "ownerReferences": return .mergeByKey("uid")
            default: return .atomic  // managedFields
            }
        }

        // PodSpec, in a Pod or in any pod template (Deployment, Job, CronJob's jobTemplate, ...).
        if isPodSpec(parentPath, kind: kind) {
            switch field {
            case "containers", "initContainers", "ephemeralContainers": return .mergeByKey("name")
            case "volumes": return .mergeByKey("name")  // merge,retainKeys
            case "imagePullSecrets": return .mergeByKey("name")
            case "hostAliases": return .mergeByKey("ip")
            case "topologySpreadConstraints": return .mergeByKey("topologyKey")
            case "schedulingGates": return .mergeByKey("name")
            case "resourceClaims": return .mergeByKey("name")  // merge,retainKeys
            default: return .atomic  // tolerations, readinessGates, ...
            }
        }

        switch (kind, path) {
        case ("Service", ["spec", "ports"]): return .mergeByKey("port")
        case ("Node", ["spec", "podCIDRs"]): return .mergeSet
        case ("Node", ["status", "addresses"]): return .mergeByKey("type")
        case ("Pod", ["status", "podIPs"]), ("Pod", ["status", "hostIPs"]): return .mergeByKey("ip")
        case ("Pod", ["status", "resourceClaimStatuses"]): return .mergeByKey("name")
        case ("ServiceAccount", ["secrets"]): return .mergeByKey("name")
        default: break
        }

        // Status conditions of Pod, Node, Namespace, Service and the workload kinds are all keyed by
        // `type`. Node `spec.taints` and Endpoints `subsets` carry no tag in k8s.io/api: atomic.
        if parentPath == ["status"] && field == "conditions" { return .mergeByKey("type") }
        return .atomic
    }

    /// Whether `path` is a PodSpec: a Pod's `spec`, or the `spec` of a `template` (PodTemplateSpec)
    /// at any depth, which covers `spec.jobTemplate.spec.template.spec` in a CronJob.
    static func isPodSpec(_ path: [String], kind: String) -> Bool {
        if kind == "Pod" && path == ["spec"] { return true }
        return path.count >= 2 && path[path.count - 1] == "spec" && path[path.count - 2] == "template"
    }

    /// Dotted path for error messages, as `kubectl` users see field paths.
    static func describe(_ path: [String]) -> String {
        path.isEmpty ? "<root>" : path.joined(separator: ".")
    }
}
