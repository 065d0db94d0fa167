/// What skiff-init needs to start one container: an image (the read-only lower layer), a state
/// directory for its writable layer, mounts, cgroups, security settings and the process.
/// The agent translates a Kubernetes container into this; skiff-init never sees the API.
public struct ContainerSpec: Sendable, Equatable {
    public var name: String
    /// The image's root filesystem directory (overlayfs lower layer; never written).
    public var image: String
    /// Holds `upper/`, `work/` and the `rootfs/` mount point. Must be on a filesystem that
    /// supports overlayfs upper layers (not itself an overlay).
    public var stateDirectory: String
    /// Set by `skiff-init run` only: in a pod the sandbox owns the UTS namespace and its name.
    public var hostname: String?
    /// argv; a first element without `/` is looked up in the container's PATH.
    public var arguments: [String]
    /// `NAME=value` strings; PATH defaults to the usual directories when missing.
    public var environment: [String]
    public var workingDirectory: String
    public var mounts: [MountSpec]
    public var cgroup: CgroupPlacement
    public var security: SecuritySpec
    /// CRI-format log file for this run of the container; nil passes stdout/stderr through.
    public var logPath: String?
    /// Kubernetes' `stdin`: fd 0 is a pipe the supervisor holds open (and hands to attach)
    /// rather than /dev/null.
    public var stdin = false
    /// Kubernetes' `tty`: fds 0–2 are a terminal of the container's own devpts, its controlling
    /// terminal; the supervisor holds the master, logs its output as stdout and hands it to attach.
    public var tty = false

    public static let defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    public init(
        name: String = "main", image: String, stateDirectory: String, hostname: String? = nil, arguments: [String],
        environment: [String] = [], workingDirectory: String = "/", mounts: [MountSpec] = [],
        cgroup: CgroupPlacement = CgroupPlacement(), security: SecuritySpec = SecuritySpec(), logPath: String? = nil
    ) {
        self.name = name
        self.image = image
        self.stateDirectory = stateDirectory
        self.hostname = hostname
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.mounts = mounts
        self.cgroup = cgroup
        self.security = security
        self.logPath = logPath
    }

    /// The spec as started, for `skiff-init exec`.
    public var specFile: String { stateDirectory + "/spec.json" }
    var upperDirectory: String { stateDirectory + "/upper" }
    var workDirectory: String { stateDirectory + "/work" }
    var rootfs: String { stateDirectory + "/rootfs" }

    var effectiveEnvironment: [String] {
        environment.contains { $0.hasPrefix("PATH=") } ? environment : [Self.defaultPath] + environment
    }
}

/// A mount inside the container: a bind of a host path (volumes, configMap/secret files) or a
/// fresh tmpfs. Destinations are absolute paths inside the container.
public struct MountSpec: Sendable, Equatable {
    public enum Kind: String, Sendable { case bind, tmpfs }
    public var kind: Kind
    public var source: String
    public var destination: String
    public var readOnly: Bool
    /// tmpfs options such as `size=64m`; ignored for binds.
    public var options: String?

    public init(kind: Kind, source: String, destination: String, readOnly: Bool = false, options: String? = nil) {
        self.kind = kind
        self.source = source
        self.destination = destination
        self.readOnly = readOnly
        self.options = options
    }
}

/// Where the container's processes go. The agent creates the cgroups and sets their limits;
/// skiff-init only places the new process: into `v2Directory` at clone time
/// (CLONE_INTO_CGROUP, no move) and by writing itself into each of `procsFiles` (the v1
/// hierarchies of a hybrid host) before it leaves the host's namespaces.
public struct CgroupPlacement: Sendable, Equatable {
    public var v2Directory: String?
    public var procsFiles: [String]

    public init(v2Directory: String? = nil, procsFiles: [String] = []) {
        self.v2Directory = v2Directory
        self.procsFiles = procsFiles
    }
}

/// The container's security settings, already resolved by the agent from securityContext.
public struct SecuritySpec: Sendable, Equatable {
    public enum Seccomp: Sendable, Equatable {
        case runtimeDefault
        case unconfined
        /// A Docker/OCI JSON profile file (the agent's `seccomp/` folder).
        case localhost(String)
    }
    /// Capability names without `CAP_`; nil means the OCI default set.
    public var capabilities: [String]?
    public var noNewPrivileges: Bool
    public var seccomp: Seccomp
    public var readOnlyRootFilesystem: Bool
    /// Privileged: every capability, no seccomp, no masked or read-only /proc paths, host /dev.
    public var privileged: Bool
    public var uid: UInt32
    public var gid: UInt32
    public var supplementaryGroups: [UInt32]
    /// The `seccomp` profile already compiled for these capabilities (the BPF program, as
    /// `SeccompProfile.program` exports it), so a start loads it rather than build it again
    /// (libseccomp takes ~13 ms for RuntimeDefault); nil: compile the profile at start.
    public var seccompProgram: [UInt8]?

    public init(
        capabilities: [String]? = nil, noNewPrivileges: Bool = true, seccomp: Seccomp = .runtimeDefault,
        readOnlyRootFilesystem: Bool = false, privileged: Bool = false, uid: UInt32 = 0, gid: UInt32 = 0,
        supplementaryGroups: [UInt32] = []
    ) {
        self.capabilities = capabilities
        self.noNewPrivileges = noNewPrivileges
        self.seccomp = seccomp
        self.readOnlyRootFilesystem = readOnlyRootFilesystem
        self.privileged = privileged
        self.uid = uid
        self.gid = gid
        self.supplementaryGroups = supplementaryGroups
    }

    /// The capabilities the container's processes hold.
    public var effectiveCapabilities: [String] {
        capabilities ?? (privileged ? Capabilities.all : Capabilities.defaultSet)
    }
}
