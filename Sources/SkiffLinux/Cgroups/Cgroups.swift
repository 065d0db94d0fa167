import Glibc

/// The agent's cgroup manager: everything Skiff creates lives below `parent` (default `/skiff`)
/// at the root of each hierarchy, as `PARENT/pod-<uid>/<container>`. Nothing outside `parent` is
/// ever created or removed; the only write outside it is the explicit `enableRootControllers()`.
public struct Cgroups: Sendable {
    public static let defaultParent = "/skiff"
    public static let podPrefix = "pod-"

    public let layout: CgroupLayout
    public let parent: CgroupPath
    /// `parent` is a cgroup systemd delegated to the agent (`DelegatedCgroup`): it exists, and
    /// every level above it is systemd's, so Skiff writes only inside it.
    public let isDelegated: Bool

    public init(layout: CgroupLayout, parent: String = defaultParent, delegated: Bool = false) throws(LinuxError) {
        let components = parent.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard parent.hasPrefix("/"), !components.isEmpty,
            components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\n") })
        else { throw LinuxError("cgroup parent \"\(parent)\" must be absolute, like /skiff", errno: EINVAL) }
        self.layout = layout
        self.parent = CgroupPath(layout: layout, path: parent)
        self.isDelegated = delegated
    }

    /// Convenience for the agent: detect the host's layout and use `parent`.
    public static func detect(parent: String = defaultParent, delegated: Bool = false) throws(LinuxError) -> Cgroups {
        try Cgroups(layout: CgroupLayout.detect(), parent: parent, delegated: delegated)
    }

    /// Pure v2 only, and separate on purpose: the root's `cgroup.subtree_control` belongs to the
    /// host. Without systemd nobody else enables controllers there, so Skiff must, once; under
    /// systemd they are already on. Adds only the missing ones and returns them. On hybrid hosts
    /// it writes nothing (the v2 root carries none of Skiff's controllers) and returns [].
    @discardableResult
    public func enableRootControllers() throws(LinuxError) -> [String] {
        guard layout.isUnified, !isDelegated else { return [] }
        return try Self.enableControllers(in: layout.unifiedRoot)
    }

    /// Creates `parent` in every hierarchy. On pure v2 it also enables memory, cpu, pids (and io
    /// when offered) in the subtree_control of each level of `parent`, so pod cgroups get the
    /// interface files; it refuses, instead of writing there, when the root does not delegate them.
    /// A delegated parent is only given its own controllers. Finally checks that the kernel made a cgroup.kill file (Linux ≥ 5.14).
    public func ensureParent() throws(LinuxError) {
        let root = layout.unifiedRoot
        if isDelegated {
            // systemd made it; the agent's own process is in a leaf below, so it may enable here.
            try Self.enableControllers(in: parent.unifiedDirectory)
        } else if layout.isUnified {
            let enabled = try Self.words(CgroupFiles.read(root + "/cgroup.subtree_control"))
            let missing = CgroupLayout.requiredControllers.filter { !enabled.contains($0) }
            if !missing.isEmpty {
                throw CgroupLayout.refusal(
                    "the root cgroup \(root) does not enable \(missing.joined(separator: ", ")) for its "
                        + "children (cgroup.subtree_control: \(enabled.joined(separator: " "))); "
                        + "call enableRootControllers() first")
            }
        }
        var prefix = ""
        for component in parent.path.split(separator: "/") where !isDelegated {
            prefix += "/" + component
            for hierarchy in layout.hierarchies { try CgroupFiles.makeDirectory(hierarchy + prefix) }
            if layout.isUnified { try Self.enableControllers(in: root + prefix) }
        }
        if !CgroupFiles.exists(parent.unifiedDirectory + "/cgroup.kill") {
            throw CgroupLayout.refusal(
                "\(parent.unifiedDirectory) has no cgroup.kill; Skiff needs Linux 5.14 or newer")
        }
    }

    /// The pod's cgroup path (not created): use it to re-adopt or remove a pod.
    public func pod(_ uid: String) throws(LinuxError) -> CgroupPath {
        try parent.child(Self.podPrefix + uid)
    }

    public func container(_ name: String, pod uid: String) throws(LinuxError) -> CgroupPath {
        try pod(uid).child(name)
    }

    /// Creates `PARENT/pod-<uid>` in every hierarchy; on pure v2 enables the controllers for its
    /// containers. The pod cgroup then holds no process itself (v2's "no internal processes"
    /// rule), so the pod's infra process needs a container cgroup of its own.
    @discardableResult
    public func createPod(_ uid: String) throws(LinuxError) -> CgroupPath {
        let pod = try pod(uid)
        try pod.create()
        if layout.isUnified { try Self.enableControllers(in: pod.unifiedDirectory) }
        return pod
    }

    @discardableResult
    public func createContainer(_ name: String, pod uid: String) throws(LinuxError) -> CgroupPath {
        let container = try container(name, pod: uid)
        try container.create()
        return container
    }

    /// Pod uids found under `parent` in any hierarchy (the union: a crash between two mkdirs or
    /// rmdirs can leave a pod in only some of them, and garbage collection must still see it).
    public func listPods() throws(LinuxError) -> [String] {
        var uids: Set<String> = []
        for directory in parent.directories {
            for name in try CgroupFiles.subdirectories(directory) where name.hasPrefix(Self.podPrefix) {
                uids.insert(String(name.dropFirst(Self.podPrefix.count)))
            }
        }
        return uids.sorted()
    }

    /// Enables what `directory`'s children need in its cgroup.subtree_control: memory, cpu,
    /// pids, plus io when this level offers it. Writes only the missing ones, in one write (the
    /// kernel applies a multi-token write all or nothing). Returns what it enabled.
    @discardableResult
    static func enableControllers(in directory: String) throws(LinuxError) -> [String] {
        let offered = try words(CgroupFiles.read(directory + "/cgroup.controllers"))
        let unavailable = CgroupLayout.requiredControllers.filter { !offered.contains($0) }
        if !unavailable.isEmpty {
            throw CgroupLayout.refusal(
                "cgroup \(directory) is not offered \(unavailable.joined(separator: ", ")) by its parent "
                    + "(cgroup.controllers: \(offered.joined(separator: " ")))")
        }
        let wanted = CgroupLayout.requiredControllers + (offered.contains("io") ? ["io"] : [])
        let enabled = try words(CgroupFiles.read(directory + "/cgroup.subtree_control"))
        let missing = wanted.filter { !enabled.contains($0) }
        if !missing.isEmpty {
            try CgroupFiles.write(
                directory + "/cgroup.subtree_control", missing.map { "+" + $0 }.joined(separator: " "))
        }
        return missing
    }

    static func words(_ text: String) -> [String] {
        text.split { $0 == " " || $0 == "\n" }.map(String.init)
    }
}
