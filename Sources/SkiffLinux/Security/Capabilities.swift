import CSkiffSecurity
import Glibc

/// Linux capabilities by name, with the semantics of Kubernetes' `securityContext.capabilities`.
/// Names are kept without the `CAP_` prefix and upper-case, as the container spec stores them.
public enum Capabilities {
    /// Capability names by bit number (include/uapi/linux/capability.h). The numbering is kernel
    /// ABI and never changes; new capabilities are only appended.
    static let names: [String] = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    ]

    /// The OCI / containerd / Docker default set (CapEff 0x00000000a80425fb), in the order the
    /// OCI runtime spec lists it.
    public static let defaultSet: [String] = [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ]

    /// Every capability the running kernel knows (libcap reads /proc/sys/kernel/cap_last_cap),
    /// limited to the names above: a kernel newer than this table gets no unnamed bits.
    public static var all: [String] {
        Array(names.prefix(max(0, min(Int(cap_max_bits()), names.count))))
    }

    /// `cap_net_raw`, `CAP_NET_RAW` and `net_raw` all name NET_RAW; nil for an unknown name.
    public static func canonical(_ name: String) -> String? {
        var upper = name.uppercased()
        if upper.hasPrefix("CAP_") { upper.removeFirst(4) }
        return names.contains(upper) ? upper : nil
    }

    /// The bit of a capability name (any spelling `canonical` accepts).
    public static func bit(_ name: String) -> Int? {
        canonical(name).flatMap { names.firstIndex(of: $0) }
    }

    /// The names of the bits set in `mask`, lowest bit first; unnamed bits are left out.
    public static func names(in mask: UInt64) -> [String] {
        names.indices.filter { mask & (1 << UInt64($0)) != 0 }.map { names[$0] }
    }

    /// The bit mask of capability names; an unknown name throws, naming `field`.
    public static func mask(_ caps: [String], field: String = "capabilities") throws(LinuxError) -> UInt64 {
        var mask: UInt64 = 0
        for name in caps {
            guard let bit = bit(name) else { throw unknown(name, field) }
            mask |= 1 << UInt64(bit)
        }
        return mask
    }

    /// The container's capabilities from its securityContext, as containerd's CRI plugin computes
    /// them: privileged gets every capability and ignores add/drop; otherwise start from the
    /// default set, `add: [ALL]` makes it every capability, then `drop: [ALL]` empties it (so
    /// `drop: [ALL]` wins over `add: [ALL]`), then the named adds, then the named drops.
    /// Names are case-insensitive, with or without `CAP_`. The result is ordered by bit.
    public static func resolve(add: [String], drop: [String], privileged: Bool) throws(LinuxError) -> [String] {
        if privileged { return all }
        let allMask = try mask(all)
        var set = try mask(defaultSet)
        let isAll = { (name: String) in name.uppercased() == "ALL" || name.uppercased() == "CAP_ALL" }
        if add.contains(where: isAll) { set = allMask }
        if drop.contains(where: isAll) { set = 0 }
        for name in add where !isAll(name) {
            set |= try mask([name], field: "securityContext.capabilities.add")
        }
        for name in drop where !isAll(name) {
            let dropped = try mask([name], field: "securityContext.capabilities.drop")
            set &= ~dropped
        }
        return names(in: set)
    }

    static func unknown(_ name: String, _ field: String) -> LinuxError {
        LinuxError("unknown capability \"\(name)\" in \(field)", errno: EINVAL)
    }
}
