/// What `skiff-init run` needs to start one container: an image (the read-only lower layer),
/// a state directory for its writable layer, identity, and the process to run.
public struct ContainerSpec: Sendable, Equatable {
    /// The image's root filesystem directory (overlayfs lower layer; never written).
    public var image: String
    /// Holds `upper/`, `work/` and the `rootfs/` mount point. Must be on a filesystem that
    /// supports overlayfs upper layers (not itself an overlay).
    public var stateDirectory: String
    public var hostname: String
    /// argv; a first element without `/` is looked up in the container's PATH.
    public var arguments: [String]
    /// `NAME=value` strings; PATH defaults to the usual directories when missing.
    public var environment: [String]
    public var workingDirectory: String

    public static let defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    public init(
        image: String, stateDirectory: String, hostname: String, arguments: [String], environment: [String] = [],
        workingDirectory: String = "/"
    ) {
        self.image = image
        self.stateDirectory = stateDirectory
        self.hostname = hostname
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    var upperDirectory: String { stateDirectory + "/upper" }
    var workDirectory: String { stateDirectory + "/work" }
    var rootfs: String { stateDirectory + "/rootfs" }

    var effectiveEnvironment: [String] {
        environment.contains { $0.hasPrefix("PATH=") } ? environment : [Self.defaultPath] + environment
    }
}
