import CSkiffSecurity
import Glibc

/// The five capability sets of a process, as /proc/<pid>/status shows them.
public struct CapabilityState: Sendable, Equatable {
    public var inheritable: UInt64
    public var permitted: UInt64
    public var effective: UInt64
    public var bounding: UInt64
    public var ambient: UInt64
}

extension Capabilities {
    /// Drops to `caps` and the given ids, the way runc does just before seccomp and execve.
    /// Call it as root (uid 0) with a full capability set, in the single-threaded process that
    /// will exec the container.
    ///
    /// Order matters: the bounding set first (dropping needs CAP_SETPCAP, which the uid change
    /// takes away), then keep-caps so that setresuid to a non-root uid keeps the permitted set,
    /// then groups and gid (need CAP_SETGID) before the uid, then capset permitted = effective =
    /// inheritable = `caps`, then the ambient set cleared. A non-root program thus execs with an
    /// empty effective set (no ambient caps), as under Docker and containerd; root keeps `caps`.
    ///
    /// Capabilities missing from this process's own bounding set cannot be granted (the kernel
    /// refuses capset); they are left out and returned, as containerd gives privileged
    /// containers the runtime's current capabilities rather than every one the kernel knows.
    @discardableResult
    public static func apply(
        _ caps: [String], uid: UInt32, gid: UInt32, supplementaryGroups: [UInt32]
    ) throws(LinuxError) -> [String] {
        let wanted = try mask(caps)
        let bounding = current().bounding
        let granted = wanted & bounding
        let lastBit = min(Int(cap_max_bits()), 64)
        for bit in 0..<lastBit where bounding & (1 << UInt64(bit)) != 0 && granted & (1 << UInt64(bit)) == 0 {
            let name = bit < names.count ? names[bit] : String(bit)
            try check("prctl(PR_CAPBSET_DROP, CAP_\(name))") { cap_drop_bound(cap_value_t(bit)) }
        }
        if uid != 0 {
            try check("prctl(PR_SET_KEEPCAPS, 1)") { cap_prctlw(Int(SKIFF_SEC_PR_SET_KEEPCAPS), 1, 0, 0, 0, 0) }
        }
        var groups = supplementaryGroups.map { gid_t($0) }
        try check("setgroups(\(supplementaryGroups))") { setgroups(groups.count, &groups) }
        try check("setresgid(\(gid))") { skiff_sec_setresgid(gid) }
        try check("setresuid(\(uid))") { skiff_sec_setresuid(uid) }
        try setProcessCapabilities(granted)
        try check("prctl(PR_CAP_AMBIENT_CLEAR_ALL)") { cap_reset_ambient() }
        if uid != 0 {
            try check("prctl(PR_SET_KEEPCAPS, 0)") { cap_prctlw(Int(SKIFF_SEC_PR_SET_KEEPCAPS), 0, 0, 0, 0, 0) }
        }
        return names(in: wanted & ~bounding)
    }

    /// capset through libcap: the same bits in the permitted, effective and inheritable sets.
    static func setProcessCapabilities(_ mask: UInt64) throws(LinuxError) {
        guard let caps = cap_init() else { throw LinuxError("cap_init") }
        defer { cap_free(UnsafeMutableRawPointer(caps)) }
        let values = (0..<64).filter { mask & (1 << UInt64($0)) != 0 }.map { cap_value_t($0) }
        // cap_init() starts empty; libcap refuses a call with no values (EINVAL), so with no
        // capabilities at all (drop: [ALL]) the empty state is set as it is.
        for flag in [CAP_PERMITTED, CAP_EFFECTIVE, CAP_INHERITABLE] where !values.isEmpty {
            try check("cap_set_flag") { cap_set_flag(caps, flag, Int32(values.count), values, CAP_SET) }
        }
        try check("capset(0x\(String(mask, radix: 16)))") { cap_set_proc(caps) }
    }

    /// This process's capability sets, from /proc/self/status (zero where a line is missing).
    public static func current() -> CapabilityState {
        let status = ProcStatus.read()
        func hex(_ key: String) -> UInt64 { status[key].flatMap { UInt64($0, radix: 16) } ?? 0 }
        return CapabilityState(
            inheritable: hex("CapInh"), permitted: hex("CapPrm"), effective: hex("CapEff"),
            bounding: hex("CapBnd"), ambient: hex("CapAmb"))
    }
}

/// /proc/self/status as key → value, read with plain syscalls (no Foundation in skiff-init).
enum ProcStatus {
    static func read() -> [String: String] {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [:] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        var fields: [String: String] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            let value = line[(colon + 1)...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            fields[key] = String(decoding: value, as: UTF8.self)
        }
        return fields
    }
}
