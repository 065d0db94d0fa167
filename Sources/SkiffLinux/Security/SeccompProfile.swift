import CSkiffSecurity

/// A seccomp profile in the Docker / OCI JSON shape (what Kubernetes' `Localhost` profiles and
/// moby's `profiles/seccomp/default.json` are written in). Rules may be conditional on the
/// container's capabilities, the CPU architecture and the kernel version (`includes`/`excludes`);
/// `load(capabilities:)` resolves those and installs the filter.
public struct SeccompProfile: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case allow = "SCMP_ACT_ALLOW"
        case errno = "SCMP_ACT_ERRNO"
        /// Kills the thread (libseccomp's and the OCI spec's historical meaning of KILL).
        case kill = "SCMP_ACT_KILL"
        case killProcess = "SCMP_ACT_KILL_PROCESS"
        case killThread = "SCMP_ACT_KILL_THREAD"
        case trap = "SCMP_ACT_TRAP"
        case log = "SCMP_ACT_LOG"
        case trace = "SCMP_ACT_TRACE"
    }

    public enum Operator: String, Sendable, CaseIterable {
        case notEqual = "SCMP_CMP_NE"
        case lessThan = "SCMP_CMP_LT"
        case lessOrEqual = "SCMP_CMP_LE"
        case equal = "SCMP_CMP_EQ"
        case greaterOrEqual = "SCMP_CMP_GE"
        case greaterThan = "SCMP_CMP_GT"
        /// `(arg & value) == valueTwo`.
        case maskedEqual = "SCMP_CMP_MASKED_EQ"
    }

    /// A comparison on one syscall argument (`index` 0...5).
    public struct Arg: Sendable, Equatable {
        public var index: UInt32
        public var value: UInt64
        public var valueTwo: UInt64
        public var op: Operator

        public init(index: UInt32, value: UInt64, valueTwo: UInt64 = 0, op: Operator) {
            self.index = index
            self.value = value
            self.valueTwo = valueTwo
            self.op = op
        }
    }

    /// When a rule applies. `includes`: every listed cap must be held, the architecture must be
    /// listed, the kernel at least `minKernel`. `excludes`: any listed cap held, or the
    /// architecture listed, or the kernel at least `minKernel`, drops the rule. Arches use
    /// Docker's names (`amd64`, `x32`, `arm64`, `s390x`...).
    public struct Filter: Sendable, Equatable {
        public var caps: [String]
        public var arches: [String]
        public var minKernel: String?

        public init(caps: [String] = [], arches: [String] = [], minKernel: String? = nil) {
            self.caps = caps
            self.arches = arches
            self.minKernel = minKernel
        }

        public var isEmpty: Bool { caps.isEmpty && arches.isEmpty && minKernel == nil }
    }

    /// One `syscalls[]` entry: these names get `action` (when `args` all match).
    public struct Rule: Sendable, Equatable {
        public var names: [String]
        public var action: Action
        /// The errno for ERRNO (EPERM when nil) or the message for TRACE.
        public var errnoRet: UInt32?
        public var args: [Arg]
        public var includes: Filter
        public var excludes: Filter

        public init(
            _ names: [String], _ action: Action, errnoRet: UInt32? = nil, args: [Arg] = [],
            includes: Filter = Filter(), excludes: Filter = Filter()
        ) {
            self.names = names
            self.action = action
            self.errnoRet = errnoRet
            self.args = args
            self.includes = includes
            self.excludes = excludes
        }
    }

    /// moby's `archMap`: when the native arch is `architecture`, its sub-architectures (the
    /// other ABIs the kernel runs, e.g. i386 and x32 on x86_64) are filtered too.
    public struct ArchMapEntry: Sendable, Equatable {
        public var architecture: String
        public var subArchitectures: [String]

        public init(_ architecture: String, _ subArchitectures: [String]) {
            self.architecture = architecture
            self.subArchitectures = subArchitectures
        }
    }

    public var defaultAction: Action
    public var defaultErrnoRet: UInt32?
    /// libseccomp names with the `SCMP_ARCH_` prefix, e.g. `SCMP_ARCH_X86_64`.
    public var architectures: [String]
    public var archMap: [ArchMapEntry]
    public var syscalls: [Rule]

    public init(
        defaultAction: Action, defaultErrnoRet: UInt32? = nil, architectures: [String] = [],
        archMap: [ArchMapEntry] = [], syscalls: [Rule] = []
    ) {
        self.defaultAction = defaultAction
        self.defaultErrnoRet = defaultErrnoRet
        self.architectures = architectures
        self.archMap = archMap
        self.syscalls = syscalls
    }
}

extension SeccompProfile.Action {
    /// libseccomp's action value; ERRNO and TRACE default to EPERM, as runc does.
    func value(errnoRet: UInt32?) -> UInt32 {
        let data = errnoRet ?? 1
        switch self {
        case .allow: return skiff_sec_action(Int32(SKIFF_SEC_ACT_ALLOW.rawValue), 0)
        case .errno: return skiff_sec_action(Int32(SKIFF_SEC_ACT_ERRNO.rawValue), data)
        case .kill, .killThread: return skiff_sec_action(Int32(SKIFF_SEC_ACT_KILL_THREAD.rawValue), 0)
        case .killProcess: return skiff_sec_action(Int32(SKIFF_SEC_ACT_KILL_PROCESS.rawValue), 0)
        case .trap: return skiff_sec_action(Int32(SKIFF_SEC_ACT_TRAP.rawValue), 0)
        case .log: return skiff_sec_action(Int32(SKIFF_SEC_ACT_LOG.rawValue), 0)
        case .trace: return skiff_sec_action(Int32(SKIFF_SEC_ACT_TRACE.rawValue), data)
        }
    }
}

extension SeccompProfile.Operator {
    var cValue: UInt32 {
        switch self {
        case .notEqual: SKIFF_SEC_CMP_NE.rawValue
        case .lessThan: SKIFF_SEC_CMP_LT.rawValue
        case .lessOrEqual: SKIFF_SEC_CMP_LE.rawValue
        case .equal: SKIFF_SEC_CMP_EQ.rawValue
        case .greaterOrEqual: SKIFF_SEC_CMP_GE.rawValue
        case .greaterThan: SKIFF_SEC_CMP_GT.rawValue
        case .maskedEqual: SKIFF_SEC_CMP_MASKED_EQ.rawValue
        }
    }
}
