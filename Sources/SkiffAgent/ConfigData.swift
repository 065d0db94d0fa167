import Foundation
import SkiffAPI
import SkiffClient

/// Reads a ConfigMap's or Secret's data for env and volumes, as strings (Secret values are
/// base64 in the API). A missing object is `CreateContainerConfigError`, as kubelet says it,
/// unless the reference is optional.
enum ConfigData {
    static func fetch(_ client: APIClient, _ info: ResourceInfo, namespace: String, name: String, optional: Bool)
        async throws(ContainerStartError) -> [String: String]
    {
        let object: JSON
        do {
            object = try await client.get(info, namespace: namespace, name: name)
        } catch {
            if optional && error.code == .notFound { return [:] }
            throw ContainerStartError(
                reason: "CreateContainerConfigError",
                message: error.code == .notFound ? "\(info.kind.lowercased()) \"\(name)\" not found" : "\(error)")
        }
        var out: [String: String] = [:]
        for (key, value) in object["data"]?.object ?? [:] {
            guard let text = value.string else { continue }
            if info.kind == "Secret" {
                out[key] = Data(base64Encoded: text).map { String(decoding: $0, as: UTF8.self) } ?? ""
            } else {
                out[key] = text
            }
        }
        return out
    }
}
