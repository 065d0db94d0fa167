import SkiffAPI
import SkiffClient

/// The volume part of scheduling, as Kubernetes' VolumeBinding plug-in with
/// WaitForFirstConsumer: a pod whose claim is missing waits; a bound claim's volume may pin
/// the pod to its node (`spec.nodeAffinity`); a claim the local provisioner will serve is
/// annotated with the chosen node before the pod is bound there, and that node's agent makes
/// the volume.
extension Scheduler {
    static let selectedNode = "volume.kubernetes.io/selected-node"
    static let localClass = "local-path"

    enum VolumePlan {
        /// The volumes' node terms, and the claims to annotate with the chosen node.
        case ready(terms: [[NodeSelectorTerm]], toProvision: [JSON])
        case waiting(String)
    }

    /// A claim left to the local provisioner: no storage class named, or `local-path`.
    static func isProvisionable(_ claim: JSON) -> Bool {
        let storageClass = claim[path: ["spec", "storageClassName"]]
        return storageClass == nil || storageClass == .null || storageClass?.string == localClass
    }

    func volumePlan(_ pod: PodSchedulingProfile) async -> VolumePlan {
        var terms: [[NodeSelectorTerm]] = []
        var toProvision: [JSON] = []
        for name in pod.claimNames {
            guard let claim = await claims.get(pod.namespace + "/" + name) else {
                return .waiting("persistentvolumeclaim \"\(name)\" not found")
            }
            if PodFacts.isDeleting(claim) { return .waiting("persistentvolumeclaim \"\(name)\" is being deleted") }
            if let volumeName = claim[path: ["spec", "volumeName"]]?.string, !volumeName.isEmpty {
                guard let volume = await volumes.get(volumeName) else {
                    return .waiting("persistentvolume \"\(volumeName)\" of claim \"\(name)\" not found")
                }
                let required = volume[path: ["spec", "nodeAffinity", "required", "nodeSelectorTerms"]]?.array
                if let required { terms.append(required.map(NodeSelectorTerm.init)) }
            } else if Self.isProvisionable(claim) {
                // Already placed (another pod of the claim, or an earlier try): that node only,
                // where its volume is being made.
                if let node = claim[path: ["metadata", "annotations", Self.selectedNode]]?.string, !node.isEmpty {
                    let pin: JSON = [
                        "matchFields": [["key": "metadata.name", "operator": "In", "values": [.string(node)]]]
                    ]
                    terms.append([NodeSelectorTerm(pin)])
                } else {
                    toProvision.append(claim)
                }
            } else {
                return .waiting("pod has unbound immediate PersistentVolumeClaims")
            }
        }
        return .ready(terms: terms, toProvision: toProvision)
    }

    /// Tells the provisioner where the pod goes; false when a claim cannot be annotated.
    func selectNode(_ node: String, for claims: [JSON]) async -> Bool {
        for claim in claims where claim[path: ["metadata", "annotations", Self.selectedNode]]?.string != node {
            do throws(SkiffError) {
                _ = try await client.patch(
                    Resources.persistentVolumeClaims, namespace: claim[path: ["metadata", "namespace"]]?.string,
                    name: claim[path: ["metadata", "name"]]?.string ?? "",
                    patch: ["metadata": ["annotations": [Self.selectedNode: .string(node)]]])
            } catch {
                logger.debug("cannot select a node for a claim", metadata: ["error": "\(error)"])
                return false
            }
        }
        return true
    }
}
