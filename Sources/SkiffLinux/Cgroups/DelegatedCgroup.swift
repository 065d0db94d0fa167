import Glibc

/// `--cgroup-parent delegated`: the agent runs as a systemd service with `Delegate=yes` and
/// builds the pod tree inside its own unit cgroup, beside itself.
///
/// cgroup v2's "no internal processes" rule decides the shape. Pods need memory, cpu and pids
/// enabled in the unit cgroup's `cgroup.subtree_control`, and from then on no process may live
/// in the unit cgroup itself. So the agent must run in a leaf (`UNIT/agent`). When systemd
/// restarts the agent, it must put the new process there too, and only systemd 254 or newer can
/// (`DelegateSubgroup=agent`). systemd 252 (Debian 12) puts every restart at the unit's root:
/// that attach fails with EBUSY (status 219/CGROUP) once the controllers are on, even when the
/// agent moved itself into a leaf the first time. An agent that systemd started at the root
/// of its unit therefore builds the pod tree at `/skiff`, at the root of the hierarchy (as with
/// no systemd). There a restart works, and pods still outlive the agent (`KillMode=process`).
public struct DelegatedCgroup: Sendable, Equatable {
    public static let keyword = "delegated"
    /// The leaf systemd puts the agent in (`DelegateSubgroup=agent` in skiff-agent.service).
    public static let agentLeaf = "agent"

    /// Where pods go: the unit cgroup, or `Cgroups.defaultParent` when the agent is not in a leaf.
    public let parent: String
    /// The pod tree is inside the unit cgroup. Only the controllers of `parent` itself are
    /// enabled; every level above belongs to systemd.
    public let isDelegated: Bool
    /// Says which case applies, for the agent's log.
    public let explanation: String

    /// Pure: `procSelfCgroup` is the text of /proc/self/cgroup.
    public static func resolve(layout: CgroupLayout, procSelfCgroup: String) throws(LinuxError) -> DelegatedCgroup {
        guard layout.isUnified else {
            throw CgroupLayout.refusal(
                "--cgroup-parent delegated needs pure cgroup v2 (boot with systemd.unified_cgroup_hierarchy=1); "
                    + "this host is hybrid: pass --cgroup-parent /skiff")
        }
        guard let own = ownPath(procSelfCgroup: procSelfCgroup), own != "/" else {
            throw CgroupLayout.refusal(
                "--cgroup-parent delegated: the agent is in the root cgroup, not in a cgroup delegated to it; "
                    + "run it as a systemd service with Delegate=yes and DelegateSubgroup=agent, "
                    + "or pass --cgroup-parent /skiff")
        }
        let components = own.split(separator: "/")
        if components.last == Substring(agentLeaf), components.count >= 2 {
            let unit = "/" + components.dropLast().joined(separator: "/")
            return DelegatedCgroup(
                parent: unit, isDelegated: true,
                explanation: "the agent runs in \(own); pods go beside it in the delegated cgroup \(unit)")
        }
        return DelegatedCgroup(
            parent: Cgroups.defaultParent, isDelegated: false,
            explanation:
                "the agent runs at the root of its unit cgroup \(own), not in a leaf: systemd older than 254 "
                + "(no DelegateSubgroup=) could not restart it there once pods used the unit's controllers, "
                + "so pods go to \(Cgroups.defaultParent) at the root of the hierarchy")
    }

    /// Reads /proc/self/cgroup of the running process.
    public static func resolve(layout: CgroupLayout) throws(LinuxError) -> DelegatedCgroup {
        try resolve(layout: layout, procSelfCgroup: CgroupFiles.read("/proc/self/cgroup"))
    }

    /// The v2 path from /proc/self/cgroup: the `0::PATH` line (hybrid hosts list v1 lines too).
    static func ownPath(procSelfCgroup: String) -> String? {
        for line in procSelfCgroup.split(separator: "\n") where line.hasPrefix("0::") {
            return String(line.dropFirst(3))
        }
        return nil
    }
}
