import CSkiffSecurity
import Glibc

/// What a compiled filter looks like, for `skiff inspect` and tests.
public struct SeccompFilterReport: Sendable, Equatable {
    /// Length of the BPF program the kernel runs (all ABIs together).
    public var instructions: Int
    /// libseccomp rules added (one per syscall name and argument set).
    public var rules: Int
    /// Names libseccomp 2.5 does not know; skipped, as runc skips them.
    public var unknownSyscalls: [String]
}

extension SeccompProfile {
    /// Installs the filter in the calling thread, for the container's `capabilities`. Call it
    /// last before execve, after no_new_privs is set or while CAP_SYS_ADMIN is still effective
    /// (otherwise the kernel refuses with EACCES); every syscall made after it, execve included,
    /// must be allowed by the profile. In skiff-init the process is single-threaded, so the
    /// filter covers the whole container.
    public func load(capabilities: [String]) throws(LinuxError) {
        try compile(capabilities: capabilities).build(mode: Int32(SKIFF_SEC_BUILD_LOAD))
    }

    /// The BPF program of this profile for a container with `capabilities` on this machine, as
    /// the kernel takes it (an array of `struct sock_filter`): build it once, load it per start.
    public func program(capabilities: [String]) throws(LinuxError) -> [UInt8] {
        var fd: Int32 = -1
        try compile(capabilities: capabilities).build(mode: Int32(SKIFF_SEC_BUILD_EXPORT), programFD: &fd)
        defer { close(fd) }
        return Syscalls.readAll(fd)
    }

    /// Installs a program from `program(capabilities:)` in the calling thread, under the same
    /// conditions as `load(capabilities:)`.
    public static func load(program: [UInt8]) throws(LinuxError) {
        let size = 8  // struct sock_filter: u16 code, u8 jt, u8 jf, u32 k
        guard program.count % size == 0 else { throw LinuxError("seccomp program length", errno: EINVAL) }
        let rc = program.withUnsafeBytes { skiff_sec_load_program($0.baseAddress, program.count / size) }
        if rc < 0 { throw LinuxError("seccomp(SET_MODE_FILTER)", errno: -rc) }
    }

    /// The profile a container's security settings ask for: nil for Unconfined and for a
    /// privileged container's RuntimeDefault.
    public static func resolve(_ security: SecuritySpec) throws(LinuxError) -> SeccompProfile? {
        switch security.seccomp {
        case .unconfined: return nil
        case .runtimeDefault: return security.privileged ? nil : runtimeDefault
        case .localhost(let path):
            guard let text = Syscalls.readFile(path) else { throw LinuxError("read seccomp profile \(path)") }
            return try SeccompProfile(jsonText: text)
        }
    }

    /// Builds the filter without loading it and measures it.
    public func report(capabilities: [String]) throws(LinuxError) -> SeccompFilterReport {
        let filter = try compile(capabilities: capabilities)
        let instructions = try filter.build(mode: Int32(SKIFF_SEC_BUILD_MEASURE))
        return SeccompFilterReport(
            instructions: instructions, rules: filter.rules.count, unknownSyscalls: filter.unknown)
    }

    /// The rules that apply to a container with `capabilities` on this machine, after
    /// `includes`/`excludes` (moby's semantics, see `Filter`).
    public func effectiveRules(capabilities: [String]) throws(LinuxError) -> [Rule] {
        var held = Set<String>()
        for cap in capabilities {
            guard let name = Capabilities.canonical(cap) else { throw Capabilities.unknown(cap, "capabilities") }
            held.insert(name)
        }
        let native = NativeArch.current
        let kernel = KernelVersion.running
        func holds(_ cap: String) -> Bool { held.contains(Capabilities.canonical(cap) ?? cap) }
        func atLeast(_ version: String, _ path: String) throws(LinuxError) -> Bool {
            guard let wanted = KernelVersion(version) else {
                throw ProfileFields.invalid(path, "\"\(version)\" is not a kernel version like 4.8")
            }
            return kernel.map { $0 >= wanted } ?? false
        }
        var result: [Rule] = []
        for (i, rule) in syscalls.enumerated() {
            let ex = rule.excludes
            let inc = rule.includes
            if !ex.arches.isEmpty && native.matches(ex.arches) { continue }
            if ex.caps.contains(where: holds) { continue }
            if let v = ex.minKernel, try atLeast(v, "syscalls[\(i)].excludes.minKernel") { continue }
            if !inc.arches.isEmpty && !native.matches(inc.arches) { continue }
            if !inc.caps.allSatisfy(holds) { continue }
            if let v = inc.minKernel, try !atLeast(v, "syscalls[\(i)].includes.minKernel") { continue }
            result.append(rule)
        }
        return result
    }

    func compile(capabilities: [String]) throws(LinuxError) -> CompiledFilter {
        let native = NativeArch.current
        var filter = CompiledFilter(defaultAction: defaultAction.value(errnoRet: defaultErrnoRet))
        var names = architectures
        if let entry = archMap.first(where: { NativeArch.seccompName($0.architecture) == native.seccompName }) {
            names += [entry.architecture] + entry.subArchitectures
        }
        for name in names {
            let token = skiff_sec_arch_token(NativeArch.seccompName(name))
            guard token != 0 else { throw LinuxError("seccomp_arch_resolve_name(\(name))", errno: EINVAL) }
            // An ABI this kernel cannot run only makes the filter longer: leave it out.
            if native.runs(token) && !filter.arches.contains(token) { filter.arches.append(token) }
        }
        for rule in try effectiveRules(capabilities: capabilities) {
            let action = rule.action.value(errnoRet: rule.errnoRet)
            // libseccomp refuses a rule whose action is the default one; it would change nothing.
            if action == filter.defaultAction { continue }
            // One rule takes at most one comparison per argument: with several on the same
            // argument, each becomes its own rule (any of them matching), as runc does.
            let indices = rule.args.map(\.index)
            let argSets = Set(indices).count == indices.count ? [rule.args] : rule.args.map { [$0] }
            for name in rule.names {
                let number = skiff_sec_syscall_number(name)
                if number == -1 {
                    if !filter.unknown.contains(name) { filter.unknown.append(name) }
                    continue
                }
                for args in argSets { filter.add(name, number, action, args) }
            }
        }
        return filter
    }
}

/// The plain arrays `skiff_sec_build_filter` takes.
struct CompiledFilter {
    var defaultAction: UInt32
    var arches: [UInt32] = []
    var rules: [skiff_sec_rule] = []
    var args: [skiff_sec_arg] = []
    var ruleNames: [String] = []
    var unknown: [String] = []

    mutating func add(_ name: String, _ number: Int32, _ action: UInt32, _ ruleArgs: [SeccompProfile.Arg]) {
        rules.append(
            skiff_sec_rule(
                syscall: number, action: action, first_arg: UInt32(args.count), arg_count: UInt32(ruleArgs.count)))
        for a in ruleArgs {
            args.append(skiff_sec_arg(index: a.index, op: a.op.cValue, value: a.value, value_two: a.valueTwo))
        }
        ruleNames.append(name)
    }

    /// Builds (and per `mode` measures and loads) the filter; returns the instruction count.
    @discardableResult
    func build(mode: Int32) throws(LinuxError) -> Int {
        var unused: Int32 = -1
        return try build(mode: mode, programFD: &unused)
    }

    /// As `build(mode:)`; with SKIFF_SEC_BUILD_EXPORT, `programFD` is a memfd holding the program.
    @discardableResult
    func build(mode: Int32, programFD: inout Int32) throws(LinuxError) -> Int {
        var instructions = 0
        var failed = 0
        let rc = skiff_sec_build_filter(
            defaultAction, arches, arches.count, rules, rules.count, args, args.count, mode, &instructions, &failed,
            &programFD)
        guard rc < 0 else { return instructions }
        if failed >= 0 && failed < ruleNames.count {
            let action = "0x" + String(rules[failed].action, radix: 16)
            throw LinuxError("seccomp_rule_add(\(ruleNames[failed]), action \(action))", errno: -rc)
        }
        throw LinuxError(mode & Int32(SKIFF_SEC_BUILD_LOAD) != 0 ? "seccomp_load" : "seccomp_export_bpf", errno: -rc)
    }
}

extension SeccompProfile {
    /// The `Seccomp:` mode of this process: 0 none, 1 strict, 2 filter.
    public static func mode() -> Int {
        ProcStatus.read()["Seccomp"].flatMap { Int($0) } ?? 0
    }
}
