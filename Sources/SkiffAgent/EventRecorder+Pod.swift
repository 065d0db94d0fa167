import SkiffAPI
import SkiffClient

/// The agent's Events are kubelet's: about pods, naming the container by its field path.
extension EventRecorder {
    nonisolated func post(_ pod: JSON, container: String?, _ type: Kind, _ reason: String, _ message: String) {
        post(
            pod, kind: "Pod", apiVersion: "v1", fieldPath: container.map { Self.fieldPath(pod, container: $0) }, type,
            reason, message)
    }

    func record(_ pod: JSON, container: String?, _ type: Kind, _ reason: String, _ message: String) async {
        await record(
            pod, kind: "Pod", apiVersion: "v1", fieldPath: container.map { Self.fieldPath(pod, container: $0) }, type,
            reason, message)
    }

    /// `spec.containers{web}` or `spec.initContainers{setup}`, as kubelet names a container.
    static func fieldPath(_ pod: JSON, container: String) -> String {
        let isInit = (pod[path: ["spec", "initContainers"]]?.array ?? []).contains { $0["name"]?.string == container }
        return "spec.\(isInit ? "initContainers" : "containers"){\(container)}"
    }
}
