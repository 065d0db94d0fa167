import Glibc

/// One line of /proc/self/mountinfo, reduced to what cgroup detection, pod clean-up and
/// `skiff inspect` need.
///
/// Format (proc(5)): `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL…] - FSTYPE SOURCE SUPEROPTS`.
/// The optional fields vary in number, so the fields after them are found by the lone `-`.
public struct MountEntry: Sendable, Equatable {
    /// Path of the mount's root inside its filesystem; `/` unless a subtree was bind-mounted or the
    /// reader sits in a cgroup namespace.
    public var root: String
    public var mountPoint: String
    public var fsType: String
    public var superOptions: [String]
    /// What was mounted (a device, `tmpfs`, `overlay`…) and the per-mount options (`ro,nosuid…`).
    public var source: String
    public var mountOptions: String

    public init(
        root: String, mountPoint: String, fsType: String, superOptions: [String], source: String = "",
        mountOptions: String = ""
    ) {
        self.root = root
        self.mountPoint = mountPoint
        self.fsType = fsType
        self.superOptions = superOptions
        self.source = source
        self.mountOptions = mountOptions
    }
}

public enum MountInfo {
    /// Parses mountinfo text; malformed lines are skipped rather than failing detection, because a
    /// future kernel adding fields must not stop the agent from starting.
    public static func parse(_ text: String) -> [MountEntry] {
        var entries: [MountEntry] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 10, let dash = fields.firstIndex(of: "-"), dash >= 6,
                fields.count >= dash + 4
            else { continue }
            entries.append(
                MountEntry(
                    root: unescape(fields[3]),
                    mountPoint: unescape(fields[4]),
                    fsType: String(fields[dash + 1]),
                    superOptions: fields[dash + 3].split(separator: ",").map(String.init),
                    source: unescape(fields[dash + 2]), mountOptions: String(fields[5])))
        }
        return entries
    }

    /// The kernel writes space, tab, newline and backslash in paths as `\ooo` octal escapes.
    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var out: [UInt8] = []
        let bytes = Array(field.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count {
                let digits = bytes[(i + 1)...(i + 3)]
                if digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) {
                    out.append(digits.reduce(UInt8(0)) { $0 &* 8 &+ ($1 - 0x30) })
                    i += 4
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Controller names a v1 cgroup mount can carry in its super options. Other options
    /// (`rw`, `xattr`, `noprefix`, `name=systemd`, `release_agent=…`) are not controllers.
    static let v1Controllers: Set<String> = [
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "blkio",
        "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc",
    ]

    /// `5.14.0-1-amd64` → (5, 14); nil when unparsable.
    static func kernelVersion(_ release: String) -> (major: Int, minor: Int)? {
        let parts = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        return (parts[0], parts[1])
    }

    /// cgroup.kill appeared in Linux 5.14.
    public static func kernelHasCgroupKill(release: String) -> Bool {
        guard let (major, minor) = kernelVersion(release) else { return true }  // unknown: let the file check decide
        return major > 5 || (major == 5 && minor >= 14)
    }

    static func runningKernelRelease() -> String {
        var name = utsname()
        guard uname(&name) == 0 else { return "" }
        let release = name.release
        return withUnsafePointer(to: release) {
            $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: release)) {
                String(cString: $0)
            }
        }
    }
}
