/// Per-kind validation of create and update requests, as the Kubernetes API server's
/// `Validate*` functions do after defaulting. Each problem becomes one `SkiffError.Cause` with the
/// field path and message Kubernetes gives; `SkiffError.invalid(kind:name:causes:)` turns them into
/// the 422 response.
///
/// Unknown kinds (custom resources) return no causes: their schemas are not known here.
public enum Validation {
    /// Kinds with rules here.
    public static let kinds: Set<String> = [
        "Pod", "Service", "ConfigMap", "Secret", "Namespace", "Node", "Endpoints", "Event", "ResourceQuota",
        "LimitRange",
        "PersistentVolumeClaim", "PersistentVolume", "ReplicationController", "ServiceAccount", "Deployment",
        "ReplicaSet",
        "DaemonSet", "StatefulSet", "ControllerRevision", "Job", "CronJob", "Lease",
    ]

    /// Cluster-scoped kinds among `kinds`; the rest need `metadata.namespace`.
    public static let clusterScopedKinds: Set<String> = ["Namespace", "Node", "PersistentVolume"]

    /// The rule for `metadata.name` of a kind (Kubernetes' `Validate*Name` functions).
    public static func nameRule(kind: String) -> NameValidation.NameRule {
        switch kind {
        case "Namespace": .dns1123Label
        case "Service": .dns1035Label
        default: .dns1123Subdomain
        }
    }

    /// Checks a new object. Expects `metadata.namespace` to be filled in already for namespaced
    /// kinds (the server takes it from the URL), and accepts fields that `Defaulting` fills.
    public static func validate(kind: String, object: JSON) -> [SkiffError.Cause] {
        var errors = FieldErrors()
        validate(kind: kind, object: object, into: &errors)
        return errors.causes
    }

    static func validate(kind: String, object: JSON, into errors: inout FieldErrors) {
        guard kinds.contains(kind) else { return }
        guard object.object != nil else {
            errors.wrongType("", object, expected: "object")
            return
        }
        NameValidation.validateObjectMeta(
            object["metadata"], namespaced: !clusterScopedKinds.contains(kind), nameRule: nameRule(kind: kind),
            into: &errors)
        switch kind {
        case "Pod": PodValidation.validatePod(object, into: &errors)
        case "Service": ServiceValidation.validateService(object, into: &errors)
        case "Endpoints": ServiceValidation.validateEndpoints(object, into: &errors)
        case "ConfigMap": ConfigDataValidation.validateConfigMap(object, into: &errors)
        case "Secret": ConfigDataValidation.validateSecret(object, into: &errors)
        case "Namespace": CoreValidation.validateNamespace(object, into: &errors)
        case "Node": CoreValidation.validateNode(object, into: &errors)
        case "Event": CoreValidation.validateEvent(object, into: &errors)
        case "ServiceAccount": CoreValidation.validateServiceAccount(object, into: &errors)
        case "Lease": CoreValidation.validateLease(object, into: &errors)
        case "ResourceQuota": CoreValidation.validateResourceQuota(object, into: &errors)
        case "LimitRange": CoreValidation.validateLimitRange(object, into: &errors)
        case "PersistentVolumeClaim": StorageValidation.validateClaim(object, into: &errors)
        case "PersistentVolume": StorageValidation.validateVolume(object, into: &errors)
        case "ReplicationController": WorkloadValidation.validateReplicationController(object, into: &errors)
        case "Deployment": WorkloadValidation.validateDeployment(object, into: &errors)
        case "ReplicaSet": WorkloadValidation.validateReplicaSet(object, into: &errors)
        case "DaemonSet": WorkloadValidation.validateDaemonSet(object, into: &errors)
        case "StatefulSet": WorkloadValidation.validateStatefulSet(object, into: &errors)
        case "ControllerRevision": WorkloadValidation.validateControllerRevision(object, into: &errors)
        case "Job": JobValidation.validateJob(object, into: &errors)
        case "CronJob": JobValidation.validateCronJob(object, into: &errors)
        default: break
        }
    }

    /// Checks an update: the new object must be valid on its own (as Kubernetes' `Validate*Update`
    /// also re-validates it), and immutable fields must not change. Both objects should already be
    /// defaulted; fields the new object omits that the server carries over (uid, clusterIP) are
    /// not reported.
    public static func validateUpdate(kind: String, old: JSON, new: JSON) -> [SkiffError.Cause] {
        var errors = FieldErrors()
        validate(kind: kind, object: new, into: &errors)
        guard kinds.contains(kind), old.object != nil, new.object != nil else { return errors.causes }
        NameValidation.validateObjectMetaUpdate(old: old["metadata"], new: new["metadata"], into: &errors)
        switch kind {
        case "Pod": PodUpdateValidation.validate(old: old, new: new, into: &errors)
        case "Deployment", "ReplicaSet", "DaemonSet":
            UpdateValidation.immutable(old, new, ["spec", "selector"], into: &errors)
        case "StatefulSet": UpdateValidation.statefulSet(old: old, new: new, into: &errors)
        case "Job": UpdateValidation.job(old: old, new: new, into: &errors)
        case "Service": UpdateValidation.service(old: old, new: new, into: &errors)
        case "ConfigMap", "Secret": UpdateValidation.configData(kind: kind, old: old, new: new, into: &errors)
        case "PersistentVolumeClaim": UpdateValidation.claim(old: old, new: new, into: &errors)
        case "ControllerRevision": UpdateValidation.immutable(old, new, ["data"], into: &errors)
        default: break
        }
        return errors.causes
    }
}
