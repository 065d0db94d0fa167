import Foundation
import SkiffAPI
import SkiffLinux
import SkiffNetwork

/// `network/config.json`: the pod CIDR and node namespace the agent set up, so that
/// `skiffd stop-pods` (the agent stopped, flags unknown) can take the same network down.
struct NodeNetworkRecord: Equatable {
    var podCIDR: String
    /// nil: the host's own namespace.
    var namespaceName: String?

    static let defaultPodCIDR = "10.88.0.0/24"

    static func path(_ networkDirectory: String) -> String { networkDirectory + "/config.json" }

    func save(to networkDirectory: String) throws {
        let json: JSON = .compactObject([
            ("podCIDR", .string(podCIDR)), ("netns", namespaceName.map(JSON.string)),
        ])
        Syscalls.makeParents(of: Self.path(networkDirectory))
        try Syscalls.writeFileAtomically(Self.path(networkDirectory), json.serializedString() + "\n")
    }

    static func load(from networkDirectory: String) -> NodeNetworkRecord? {
        guard let data = FileManager.default.contents(atPath: path(networkDirectory)),
            let json = try? JSON.parse(data), let cidr = json["podCIDR"]?.string
        else { return nil }
        return NodeNetworkRecord(podCIDR: cidr, namespaceName: json["netns"]?.string)
    }

    func podNetwork(stateDirectory: String) throws(NetworkError) -> PodNetwork {
        PodNetwork(
            network: try IPv4Network(podCIDR, field: "pod CIDR"), namespaceName: namespaceName,
            stateDirectory: stateDirectory)
    }
}
