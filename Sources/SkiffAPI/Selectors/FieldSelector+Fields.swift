/// Which fields each kind can be selected on, and how a field label maps onto the object's JSON.
///
/// Kubernetes builds a flat `fields.Set` per kind in each registry's `GetAttrs`/`*ToSelectableFields`.
/// Most labels are the JSON path itself; a few are not (`status.successful` reads
/// `status.succeeded`, `source` reads `source.component`), and Go's zero values mean an absent
/// bool reads `false` and an absent count reads `0`, not the empty string.
extension FieldSelector {
    static let metadataFields = ["metadata.name", "metadata.namespace"]

    /// Fields beyond `metadata.name`/`metadata.namespace`, per kind.
    static let kindFields: [String: [String]] = [
        "Pod": [
            "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName",
        ],
        "Event": [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ],
        "Node": ["spec.unschedulable"],
        "Secret": ["type"],
        "Namespace": ["status.phase"],
        "ReplicaSet": ["status.replicas"],
        "ReplicationController": ["status.replicas"],
        "Job": ["status.successful"],
    ]

    /// Every field label `kind` accepts, `metadata.*` first.
    public static func supportedFields(kind: String) -> [String] {
        metadataFields + (kindFields[kind] ?? [])
    }

    /// Rejects a selector naming a field `kind` cannot be selected on, so a typo is a 400
    /// rather than a silently empty list.
    public static func validate(_ selector: FieldSelector, kind: String) throws(SkiffError) {
        let supported = supportedFields(kind: kind)
        for requirement in selector.requirements where !supported.contains(requirement.field) {
            let list = supported.map { "\"\($0)\"" }.joined(separator: ", ")
            throw SkiffError(
                .badRequest, "\(LabelSyntax.goQuote(requirement.field)) is not a known field selector: only \(list)")
        }
    }

    /// Where a label lives when it is not simply its own dotted path.
    static let renamedFields: [String: [String]] = [
        "status.successful": ["status", "succeeded"],
        "source": ["source", "component"],
    ]

    /// What Go's zero value prints as when the field is absent (strings default to "").
    static let absentValues: [String: String] = [
        "spec.unschedulable": "false",
        "spec.hostNetwork": "false",
        "status.replicas": "0",
        "status.successful": "0",
    ]

    /// The string a field label compares as: strings as is, bools as `true`/`false`, numbers in
    /// decimal, and an absent field (or `null`, object, array) as its kind's zero value.
    public static func value(of field: String, in object: JSON) -> String {
        let path =
            renamedFields[field] ?? field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var found = object[path: path]
        if field == "status.podIP", found?.string == nil {
            // Dual-stack objects may carry only `status.podIPs`; Kubernetes selects on the first.
            found = object[path: ["status", "podIPs"]]?.array?.first?["ip"]
        }
        switch found {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.rounded() == d, abs(d) < 9.0e15 { return String(Int64(d)) }
            return String(d)
        default: return absentValues[field] ?? ""
        }
    }
}
