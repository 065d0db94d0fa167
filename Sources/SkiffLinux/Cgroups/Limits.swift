/// Resource limits for one cgroup. A nil field is left as the kernel has it (a fresh cgroup is
/// unlimited), so the same value type serves container level (memory, cpu) and pod level (pids,
/// optionally the summed memory).
public struct Limits: Sendable, Equatable {
    /// Bytes. Kubernetes quantities are converted by the caller.
    public var memoryMax: UInt64?
    public var cpuMax: CPUMax?
    public var cpuWeight: CPUWeight?
    public var pidsMax: UInt64?

    public init(memoryMax: UInt64? = nil, cpuMax: CPUMax? = nil, cpuWeight: CPUWeight? = nil, pidsMax: UInt64? = nil) {
        self.memoryMax = memoryMax
        self.cpuMax = cpuMax
        self.cpuWeight = cpuWeight
        self.pidsMax = pidsMax
    }

    /// Pod-level limits as the kubelet sets them: the pod's pids limit, and the sum of the
    /// containers' memory limits only when every container has one (one unlimited container makes
    /// the pod unlimited).
    public static func pod(containers: [Limits], pidsMax: UInt64?) -> Limits {
        let memory = containers.map(\.memoryMax)
        let sum: UInt64? =
            memory.isEmpty || memory.contains(nil) ? nil : memory.reduce(0) { saturatingAdd($0, $1 ?? 0) }
        return Limits(memoryMax: sum, pidsMax: pidsMax)
    }
}

/// CFS bandwidth: at most `quota` µs of CPU time per `period` µs. `quota == nil` is unlimited.
public struct CPUMax: Sendable, Equatable, CustomStringConvertible {
    public var quota: UInt64?
    public var period: UInt64

    public static let defaultPeriod: UInt64 = 100_000
    /// The kernel rejects quotas below 1 ms; Kubernetes rounds small limits up to it.
    public static let minimumQuota: UInt64 = 1000

    public init(quota: UInt64?, period: UInt64 = defaultPeriod) {
        self.quota = quota
        self.period = period
    }

    /// A Kubernetes cpu limit in milli-cpu: `500m` → 50000/100000 (kubelet's MilliCPUToQuota).
    public init(milliCPU: UInt64, period: UInt64 = defaultPeriod) {
        self.period = period
        self.quota = milliCPU == 0 ? nil : max(Self.minimumQuota, saturatingMultiply(milliCPU, period) / 1000)
    }

    public static let unlimited = CPUMax(quota: nil)

    /// The v2 `cpu.max` text: `"50000 100000"` or `"max 100000"`.
    public var description: String { "\(quota.map(String.init) ?? "max") \(period)" }

    /// Parses `cpu.max` as the kernel prints it.
    public init?(cpuMax text: String) {
        let parts = text.split { $0 == " " || $0 == "\n" }
        guard parts.count == 2, let period = UInt64(parts[1]) else { return nil }
        if parts[0] == "max" {
            self.init(quota: nil, period: period)
        } else if let quota = UInt64(parts[0]) {
            self.init(quota: quota, period: period)
        } else {
            return nil
        }
    }
}

/// Relative CPU share. Kubernetes speaks v1 shares (from the cpu request); v2 wants a weight.
public enum CPUWeight: Sendable, Equatable {
    /// cgroup v2 `cpu.weight`, 1…10000 (default 100).
    case weight(UInt64)
    /// cgroup v1 `cpu.shares`, 2…262144 (default 1024).
    case shares(UInt64)

    public static let minShares: UInt64 = 2
    public static let maxShares: UInt64 = 262_144

    /// Shares for a cpu request, as the kubelet computes them (MilliCPUToShares):
    /// max(2, milli × 1024 / 1000), capped at 262144. No request → 2, the minimum.
    public static func shares(milliCPU: UInt64) -> UInt64 {
        min(maxShares, max(minShares, saturatingMultiply(milliCPU, 1024) / 1000))
    }

    /// The Kubernetes/OCI mapping of shares onto weight: 1 + ((shares − 2) × 9999) / 262142,
    /// so 2 → 1, 1024 → 39, 262144 → 10000.
    public static func weight(shares: UInt64) -> UInt64 {
        let clamped = min(maxShares, max(minShares, shares))
        return 1 + ((clamped - 2) * 9999) / 262_142
    }

    /// Inverse of `weight(shares:)` (up to rounding), for writing a weight on a v1 host.
    public static func shares(weight: UInt64) -> UInt64 {
        let clamped = min(10_000, max(1, weight))
        return 2 + ((clamped - 1) * 262_142) / 9999
    }

    /// A cpu request in milli-cpu, carried as shares so v1 gets the exact kubelet value.
    public static func request(milliCPU: UInt64) -> CPUWeight { .shares(shares(milliCPU: milliCPU)) }

    public var v2Weight: UInt64 {
        switch self {
        case .weight(let weight): min(10_000, max(1, weight))
        case .shares(let shares): Self.weight(shares: shares)
        }
    }

    public var v1Shares: UInt64 {
        switch self {
        case .weight(let weight): Self.shares(weight: weight)
        case .shares(let shares): min(Self.maxShares, max(Self.minShares, shares))
        }
    }
}

/// Arithmetic on values from pod specs saturates instead of trapping: an absurd cpu limit must
/// not crash the agent (the kernel then rejects or caps the value it gets).
func saturatingMultiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? .max : product
}

func saturatingAdd(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? .max : sum
}
