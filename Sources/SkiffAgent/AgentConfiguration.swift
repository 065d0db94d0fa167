import Foundation
import SkiffLinux
import SkiffNetwork

/// `skiffd agent` flags, resolved to their defaults (shared/DESIGN.md "State on disk").
public struct AgentConfiguration: Sendable {
    public var server: String
    public var dataDirectory: String
    public var nodeName: String
    public var podCIDR: String?
    public var imageDirectory: String
    public var initPath: String
    public var cgroupParent = "/skiff"
    /// `host`, or the name of the network namespace the agent creates for its node.
    public var nodeNetns: String
    public var maxPods = 110
    public var podPidsLimit = 4096
    /// hostUsers: false pods get 65536 host ids each from here on (`--userns-id-base`); far
    /// above the ids of the host's users and the usual /etc/subuid ranges.
    public var userNamespaceBase = Self.defaultUserNamespaceBase
    public static let defaultUserNamespaceBase: UInt32 = 1 << 30
    public var backoffInitial: Duration = .seconds(10)
    public var backoffMax: Duration = .seconds(300)
    public var leaseDuration = 40

    public init(server: String, dataDirectory: String, nodeName: String, imageDirectory: String, initPath: String) {
        self.server = server
        self.dataDirectory = dataDirectory
        self.nodeName = nodeName
        self.imageDirectory = imageDirectory
        self.initPath = initPath
        self.nodeNetns = "skiff-" + nodeName
    }

    /// The node namespace's name; nil for `host` (an installed host's own network).
    public var nodeNamespaceName: String? { nodeNetns == "host" ? nil : nodeNetns }

    /// Why `--node-netns` cannot be used, or nil: it becomes a file name under /run/netns.
    public static func nodeNetnsProblem(_ name: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !name.isEmpty, name.count <= 64, name.allSatisfy(allowed.contains), !name.hasPrefix(".") else {
            return
                "--node-netns must be `host` or a name of up to 64 letters, digits, `-`, `_` and `.` (got \"\(name)\")"
        }
        return nil
    }

    /// Why `--pod-cidr` cannot be used, or nil.
    public static func podCIDRProblem(_ text: String) -> String? {
        do throws(NetworkError) {
            _ = try IPv4Network(text, field: "--pod-cidr")
            return nil
        } catch {
            return error.description
        }
    }

    public var podsDirectory: String { dataDirectory + "/pods" }
    /// A pod's own directory: its spec, control socket, state and containers.
    func podDirectory(uid: String) -> PodDirectory { PodDirectory(podsDirectory + "/" + uid) }
    public var networkDirectory: String { dataDirectory + "/network" }
    public var logsDirectory: String { dataDirectory + "/logs" }
    public var socketPath: String { dataDirectory + "/agent.sock" }
    /// Where pod supervisors send their exit notifications (`SupervisorNotifications`).
    public var notifySocketPath: String { dataDirectory + "/notify.sock" }

    /// `logs/<ns>_<pod>_<uid>/<container>/`, holding `<restart>.log` per run (kubelet's layout).
    func containerLogDirectory(namespace: String, pod: String, uid: String, container: String) -> String {
        "\(logsDirectory)/\(namespace)_\(pod)_\(uid)/\(container)"
    }

    /// $SKIFF_IMAGE_DIR, else `rootfs/images` of the checkout this binary was built in (found
    /// by walking up from the executable), else /var/lib/skiff/images.
    public static func defaultImageDirectory(executable: String) -> String {
        if let fromEnvironment = ProcessInfo.processInfo.environment["SKIFF_IMAGE_DIR"] { return fromEnvironment }
        var dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("rootfs/images").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return "/var/lib/skiff/images"
    }
}
