import SkiffAPI

/// A pod made from a controller's template, as Kubernetes' `GetPodFromTemplate`: the
/// template's labels, annotations and finalizers, a name generated from the owner's
/// (`web-7d4f9`), and the owner as its controller.
enum PodTemplate {
    static func pod(from template: JSON?, namePrefix: String, namespace: String, owner: ControllerRef.Owner) -> JSON {
        var metadata: [String: JSON] = ["generateName": .string(namePrefix), "namespace": .string(namespace)]
        for field in ["labels", "annotations", "finalizers"] {
            if let value = template?[path: ["metadata", field]], value != .null { metadata[field] = value }
        }
        metadata["ownerReferences"] = [ControllerRef.reference(to: owner)]
        return [
            "apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata),
            "spec": template?["spec"] ?? .object([:]),
        ]
    }
}
