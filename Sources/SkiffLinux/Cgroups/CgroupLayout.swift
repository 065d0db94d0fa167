import Glibc

/// How this host mounts cgroups. Skiff runs on two shapes only:
/// - `.unified`: pure cgroup v2 (production hosts): one tree for grouping, kill, events and limits.
/// - `.hybrid`: a cgroup2 tree (usually /sys/fs/cgroup/unified, often without controllers) for
///   grouping, `cgroup.kill` and `cgroup.events`, plus v1 hierarchies for memory, cpu and pids limits
///   (the development machines).
/// v1-only hosts are refused: without cgroup.kill and cgroup.events a pod cannot be killed at once
/// or watched for emptiness, and reimplementing both with v1 `tasks` races against forks.
public enum CgroupLayout: Sendable, Hashable, CustomStringConvertible {
    case unified(root: String)
    /// `v1` maps each required controller (memory, cpu, pids) to the mount point of its hierarchy;
    /// co-mounted controllers share one (`/sys/fs/cgroup/cpu,cpuacct`).
    case hybrid(unified: String, v1: [String: String])

    /// Controllers Skiff sets limits with. `io` is used too on pure v2 when the host offers it.
    public static let requiredControllers = ["memory", "cpu", "pids"]

    /// Mount point of the cgroup2 tree: everything in it works on both shapes (kill, events, procs,
    /// CLONE_INTO_CGROUP).
    public var unifiedRoot: String {
        switch self {
        case .unified(let root): root
        case .hybrid(let unified, _): unified
        }
    }

    public var isUnified: Bool {
        if case .unified = self { return true }
        return false
    }

    /// Every hierarchy Skiff creates cgroups in: the v2 tree first (so kill and events see a
    /// process as soon as any placement happened), then each distinct v1 mount point.
    public var hierarchies: [String] {
        switch self {
        case .unified(let root): return [root]
        case .hybrid(let unified, let v1):
            var result = [unified]
            for controller in Self.requiredControllers {
                if let mount = v1[controller], !result.contains(mount) { result.append(mount) }
            }
            return result
        }
    }

    /// Mount point where `controller`'s interface files live.
    func mountPoint(for controller: String) -> String {
        switch self {
        case .unified(let root): root
        case .hybrid(let unified, let v1): v1[controller] ?? unified
        }
    }

    public var description: String {
        switch self {
        case .unified(let root):
            return "cgroup mode: unified (v2 at \(root) for grouping, kill, events and limits)"
        case .hybrid(let unified, _):
            let names = Self.requiredControllers.joined(separator: ", ")
            let mounts = hierarchies.dropFirst().joined(separator: ", ")
            return "cgroup mode: hybrid (v2 at \(unified) for grouping, kill and events; "
                + "v1 \(names) for limits at \(mounts))"
        }
    }

    /// Pure: decides the layout from mountinfo text. `root` is prefixed to every mount point, so
    /// tests can point the manager at a fake tree in a temporary directory.
    public static func parse(mountinfo: String, root: String = "") throws(LinuxError) -> CgroupLayout {
        let entries = MountInfo.parse(mountinfo)
        // Prefer a cgroup2 mount of the whole tree: a bind of a subtree (root ≠ "/") would hide
        // the rest of the hierarchy.
        let v2Mounts = entries.filter { $0.fsType == "cgroup2" }
        let v2 = v2Mounts.first { $0.root == "/" } ?? v2Mounts.first
        var v1: [String: String] = [:]
        for entry in entries where entry.fsType == "cgroup" {
            for option in entry.superOptions where MountInfo.v1Controllers.contains(option) {
                if v1[option] == nil { v1[option] = root + entry.mountPoint }
            }
        }
        let onV1 = requiredControllers.filter { v1[$0] != nil }
        guard let v2 else {
            if v1.isEmpty {
                throw refusal("no cgroup filesystem is mounted; mount cgroup2 at /sys/fs/cgroup")
            }
            let found = v1.keys.sorted().map { "\($0) at \(v1[$0]!)" }.joined(separator: ", ")
            throw refusal(
                "Skiff needs cgroup v2 (cgroup.kill, cgroup.events); this host has only cgroup v1 "
                    + "(\(found)); boot with systemd.unified_cgroup_hierarchy=1")
        }
        let unified = root + v2.mountPoint
        if onV1.isEmpty { return .unified(root: unified) }
        let missing = requiredControllers.filter { v1[$0] == nil }
        guard missing.isEmpty else {
            throw refusal(
                "hybrid cgroups at \(unified) with v1 \(onV1.joined(separator: ", ")) but no v1 "
                    + "\(missing.joined(separator: ", ")); Skiff needs memory, cpu and pids all on v1 "
                    + "(hybrid) or all on v2 (boot with systemd.unified_cgroup_hierarchy=1)")
        }
        return .hybrid(unified: unified, v1: v1.filter { requiredControllers.contains($0.key) })
    }

    /// Reads /proc/self/mountinfo (or `mountinfo`), decides the layout and checks what the files
    /// can tell before any cgroup exists: the kernel must have cgroup.kill (≥ 5.14; the root
    /// cgroup has no cgroup.kill file, so `Cgroups.ensureParent()` checks the file itself), and on
    /// pure v2 the root must offer memory, cpu and pids.
    public static func detect(
        mountinfo: String? = nil, root: String = "", kernelRelease: String? = nil
    ) throws(LinuxError) -> CgroupLayout {
        var text = mountinfo ?? ""
        if mountinfo == nil { text = try CgroupFiles.read("/proc/self/mountinfo") }
        let layout = try parse(mountinfo: text, root: root)
        let release = kernelRelease ?? MountInfo.runningKernelRelease()
        guard MountInfo.kernelHasCgroupKill(release: release) else {
            throw refusal("kernel \(release) has no cgroup.kill; Skiff needs Linux 5.14 or newer")
        }
        if case .unified(let v2root) = layout {
            let offered = try CgroupFiles.read(v2root + "/cgroup.controllers").split { $0 == " " || $0 == "\n" }
            let missing = requiredControllers.filter { !offered.contains(Substring($0)) }
            if !missing.isEmpty {
                throw refusal(
                    "cgroup v2 at \(v2root) does not offer \(missing.joined(separator: ", ")) "
                        + "(cgroup.controllers: \(offered.joined(separator: " ")))")
            }
        }
        return layout
    }

    /// Detection failures carry the explanation in `call`; the errno is only a category.
    static func refusal(_ message: String) -> LinuxError { LinuxError(message, errno: EOPNOTSUPP) }
}
