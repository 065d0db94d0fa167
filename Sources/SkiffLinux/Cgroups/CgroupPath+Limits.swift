import Glibc

/// One value read back from the kernel, with the file it came from (for `skiff inspect`).
public struct CgroupReading: Sendable, Equatable, CustomStringConvertible {
    /// Absolute path of the interface file.
    public var file: String
    /// nil means unlimited: `max` (v2), `-1` (v1 cfs quota) or v1's page-counter maximum.
    public var value: UInt64?

    public var description: String { "\(value.map(String.init) ?? "max") (\(file))" }
}

/// Effective values as the kernel reports them; a field is nil when its file does not exist
/// (e.g. cpuShares on pure v2, cpuWeight and memorySwapMax on hybrid).
public struct CgroupReadBack: Sendable, Equatable {
    public var memoryMax: CgroupReading?
    public var memorySwapMax: CgroupReading?
    public var memoryCurrent: CgroupReading?
    public var cpuQuota: CgroupReading?
    public var cpuPeriod: CgroupReading?
    public var cpuWeight: CgroupReading?
    public var cpuShares: CgroupReading?
    public var pidsMax: CgroupReading?
    public var pidsCurrent: CgroupReading?

    /// Name/value pairs in a fixed order, for printing.
    public var entries: [(name: String, reading: CgroupReading)] {
        let all: [(String, CgroupReading?)] = [
            ("memory.max", memoryMax), ("memory.swap.max", memorySwapMax), ("memory.current", memoryCurrent),
            ("cpu.quota", cpuQuota), ("cpu.period", cpuPeriod), ("cpu.weight", cpuWeight),
            ("cpu.shares", cpuShares), ("pids.max", pidsMax), ("pids.current", pidsCurrent),
        ]
        return all.compactMap { name, reading in reading.map { (name, $0) } }
    }
}

extension CgroupPath {
    /// Writes the non-nil limits. Pure v2: memory.max (+ memory.swap.max=0, so that the limit
    /// is not stretched by swapping, as Kubernetes does for limited containers), cpu.max,
    /// cpu.weight, pids.max. Hybrid: the v1 equivalents in each controller's own hierarchy.
    public func apply(_ limits: Limits) throws(LinuxError) {
        if layout.isUnified {
            let directory = unifiedDirectory
            if let bytes = limits.memoryMax {
                try CgroupFiles.write(directory + "/memory.max", String(bytes))
                let swap = directory + "/memory.swap.max"  // absent without swap accounting
                if CgroupFiles.exists(swap) { try CgroupFiles.write(swap, "0") }
            }
            if let cpu = limits.cpuMax { try CgroupFiles.write(directory + "/cpu.max", cpu.description) }
            if let weight = limits.cpuWeight {
                try CgroupFiles.write(directory + "/cpu.weight", String(weight.v2Weight))
            }
            if let pids = limits.pidsMax { try CgroupFiles.write(directory + "/pids.max", String(pids)) }
            return
        }
        if let bytes = limits.memoryMax { try applyV1Memory(bytes, in: directory(for: "memory")) }
        let cpu = directory(for: "cpu")
        if let cpuMax = limits.cpuMax {
            // Period first: the quota is checked against it (≥ 1 ms, and against the parent's ratio).
            try CgroupFiles.write(cpu + "/cpu.cfs_period_us", String(cpuMax.period))
            try CgroupFiles.write(cpu + "/cpu.cfs_quota_us", cpuMax.quota.map(String.init) ?? "-1")
        }
        if let weight = limits.cpuWeight { try CgroupFiles.write(cpu + "/cpu.shares", String(weight.v1Shares)) }
        if let pids = limits.pidsMax { try CgroupFiles.write(directory(for: "pids") + "/pids.max", String(pids)) }
    }

    /// v1 keeps memory+swap in a second counter that must stay ≥ the memory limit. Setting both
    /// to the same value is v2's swap.max=0. Raising a limit fails with EINVAL while the old
    /// memsw limit is lower, so then memsw goes first.
    private func applyV1Memory(_ bytes: UInt64, in directory: String) throws(LinuxError) {
        let memsw = directory + "/memory.memsw.limit_in_bytes"  // absent without swap accounting
        let hasMemsw = CgroupFiles.exists(memsw)
        do {
            try CgroupFiles.write(directory + "/memory.limit_in_bytes", String(bytes))
        } catch  where error.errno == EINVAL && hasMemsw {
            try CgroupFiles.write(memsw, String(bytes))
            try CgroupFiles.write(directory + "/memory.limit_in_bytes", String(bytes))
        }
        if hasMemsw { try CgroupFiles.write(memsw, String(bytes)) }
    }

    /// Number of processes the OOM killer killed in this cgroup and below. Call it after reaping
    /// the container: on v1 the counter was seen to lag the OOM notification.
    /// Pure v2 reads memory.events, not memory.events.local: it is hierarchical, so the same call
    /// answers for a pod (any container) and equals the local count for a leaf container; with the
    /// `memory_localevents` mount option it becomes local, still right for leaves. v1 keeps only
    /// local counts in memory.oom_control, so the subtree is summed to give the same meaning.
    public func oomKillCount() throws(LinuxError) -> UInt64 {
        if layout.isUnified {
            let events = try CgroupFiles.read(unifiedDirectory + "/memory.events")
            return CgroupFiles.parseKeyedCounts(events)["oom_kill"] ?? 0
        }
        return try Self.v1OOMKills(in: directory(for: "memory"))
    }

    private static func v1OOMKills(in directory: String) throws(LinuxError) -> UInt64 {
        let control = try CgroupFiles.read(directory + "/memory.oom_control")
        var total = CgroupFiles.parseKeyedCounts(control)["oom_kill"] ?? 0
        for child in try CgroupFiles.subdirectories(directory) {
            total += try v1OOMKills(in: directory + "/" + child)
        }
        return total
    }

    /// Reads the effective values back from the kernel's files.
    public func readBack() throws(LinuxError) -> CgroupReadBack {
        var result = CgroupReadBack()
        if layout.isUnified {
            let directory = unifiedDirectory
            result.memoryMax = try Self.reading(directory + "/memory.max")
            result.memorySwapMax = try Self.reading(directory + "/memory.swap.max")
            result.memoryCurrent = try Self.reading(directory + "/memory.current")
            let cpuMaxFile = directory + "/cpu.max"
            if let text = try CgroupFiles.readIfPresent(cpuMaxFile), let cpu = CPUMax(cpuMax: text) {
                result.cpuQuota = CgroupReading(file: cpuMaxFile, value: cpu.quota)
                result.cpuPeriod = CgroupReading(file: cpuMaxFile, value: cpu.period)
            }
            result.cpuWeight = try Self.reading(directory + "/cpu.weight")
            result.pidsMax = try Self.reading(directory + "/pids.max")
            result.pidsCurrent = try Self.reading(directory + "/pids.current")
        } else {
            let memory = directory(for: "memory"), cpu = directory(for: "cpu"), pids = directory(for: "pids")
            result.memoryMax = try Self.reading(memory + "/memory.limit_in_bytes")
            result.memoryCurrent = try Self.reading(memory + "/memory.usage_in_bytes")
            result.cpuQuota = try Self.reading(cpu + "/cpu.cfs_quota_us")
            result.cpuPeriod = try Self.reading(cpu + "/cpu.cfs_period_us")
            result.cpuShares = try Self.reading(cpu + "/cpu.shares")
            result.pidsMax = try Self.reading(pids + "/pids.max")
            result.pidsCurrent = try Self.reading(pids + "/pids.current")
        }
        return result
    }

    /// v1 prints "no limit" as PAGE_COUNTER_MAX × page size (9223372036854771712 with 4 KiB
    /// pages); anything within 1 MiB of Int64.max is that, whatever the page size.
    static let v1Unlimited = UInt64(Int64.max) - (1 << 20)

    static func reading(_ file: String) throws(LinuxError) -> CgroupReading? {
        guard let text = try CgroupFiles.readIfPresent(file) else { return nil }
        let word = text.split { $0 == " " || $0 == "\n" }.first.map(String.init) ?? ""
        if word == "max" || word == "-1" { return CgroupReading(file: file, value: nil) }
        guard let value = UInt64(word) else {
            throw LinuxError("parse(\(file) = \"\(word)\")", errno: EINVAL)
        }
        return CgroupReading(file: file, value: value > v1Unlimited ? nil : value)
    }
}
