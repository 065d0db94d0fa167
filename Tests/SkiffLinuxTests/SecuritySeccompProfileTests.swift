import SkiffJSON
import SkiffLinux
import Testing

@Suite("seccomp profiles: parsing and rule resolution")
struct SeccompProfileTests {
    @Test("a Localhost-style profile parses, with both names and the old name")
    func parse() throws {
        let profile = try SeccompProfile(
            jsonText: """
                {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
                 "syscalls": [
                   {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "no dirs"},
                   {"name": "personality", "action": "SCMP_ACT_ALLOW",
                    "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}],
                    "includes": {"caps": ["CAP_SYS_ADMIN"], "minKernel": "4.8"}, "excludes": {}}]}
                """)
        #expect(profile.defaultAction == .allow && profile.architectures == ["SCMP_ARCH_X86_64"])
        #expect(profile.syscalls.count == 2)
        #expect(profile.syscalls[0] == SeccompProfile.Rule(["mkdir", "mkdirat"], .errno, errnoRet: 13))
        #expect(profile.syscalls[1].names == ["personality"])
        #expect(profile.syscalls[1].args == [SeccompProfile.Arg(index: 0, value: 0xffff_ffff, op: .equal)])
        #expect(profile.syscalls[1].includes == SeccompProfile.Filter(caps: ["CAP_SYS_ADMIN"], minKernel: "4.8"))
    }

    @Test(
        "a malformed profile throws an error naming the field",
        arguments: [
            (#"{"syscalls": []}"#, "defaultAction: missing"),
            (#"{"defaultAction": "SCMP_ACT_NOPE"}"#, #"defaultAction: unknown action "SCMP_ACT_NOPE""#),
            (
                #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": 5}]}"#,
                "syscalls[0].action: expected a string"
            ),
            (
                #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": "mkdir", "action": "SCMP_ACT_LOG"}]}"#,
                "syscalls[0].names: expected an array"
            ),
            (
                #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_LOG"}]}"#,
                "syscalls[0].names: missing"
            ),
            (
                #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"name": "a", "names": ["b"], "action": "SCMP_ACT_LOG"}]}"#,
                "syscalls[0].name: use either name or names"
            ),
            (
                #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_FOO"}]}]}"#,
                #"syscalls[0].args[0].op: unknown operator "SCMP_CMP_FOO""#
            ),
            (
                #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_LOG", "args": [{"index": 6, "op": "SCMP_CMP_EQ"}]}]}"#,
                "syscalls[0].args[0].index: missing or not 0...5"
            ),
            (
                #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]}]}"#,
                "syscalls[0].args[0].value: expected a non-negative integer"
            ),
            (
                #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_LOG", "includes": {"minKernel": "four"}}]}"#,
                "syscalls[0].includes.minKernel"
            ),
            (#"{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 70000}"#, "defaultErrnoRet: 70000 does not fit"),
            (#"{"defaultAction": "SCMP_ACT_NOTIFY"}"#, "defaultAction: SCMP_ACT_NOTIFY needs a seccomp agent"),
            (#"{"defaultAction": "SCMP_ACT_ALLOW",, }"#, "expected a string key in object at line 1, column 3"),
            (#"[]"#, "profile: expected an object"),
        ])
    func malformed(text: String, message: String) {
        #expect {
            try SeccompProfile(jsonText: text)
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("seccomp profile: ") && description.contains(message)
        }
    }

    @Test("runtimeDefault without CAP_SYS_ADMIN: clone only without CLONE_NEW*, clone3 ENOSYS, no mount")
    func runtimeDefaultRules() throws {
        let rules = try SeccompProfile.runtimeDefault.effectiveRules(capabilities: Capabilities.defaultSet)
        let clone = rules.filter { $0.names.contains("clone") }
        #expect(clone.count == 1)
        #expect(clone.first?.args == [SeccompProfile.Arg(index: 0, value: 0x7E02_0000, valueTwo: 0, op: .maskedEqual)])
        #expect(
            rules.filter { $0.names.contains("clone3") } == [
                SeccompProfile.Rule(
                    ["clone3"], .errno, errnoRet: 38, excludes: SeccompProfile.Filter(caps: ["CAP_SYS_ADMIN"]))
            ])
        #expect(
            !rules.contains {
                $0.names.contains("mount") || $0.names.contains("unshare") || $0.names.contains("keyctl")
            })
        #expect(rules.contains { $0.names.contains("chroot") })  // SYS_CHROOT is a default cap
        #expect(rules.contains { $0.names.contains("ptrace") })  // minKernel 4.8
        #expect(rules.contains { $0.names.contains("arch_prctl") })  // amd64
        #expect(!rules.contains { $0.names.contains("riscv_flush_icache") })
    }

    @Test("runtimeDefault with CAP_SYS_ADMIN: clone, clone3, mount and unshare allowed outright")
    func runtimeDefaultSysAdmin() throws {
        let rules = try SeccompProfile.runtimeDefault.effectiveRules(
            capabilities: Capabilities.defaultSet + ["cap_sys_admin"])
        let clone = rules.filter { $0.names.contains("clone") }
        #expect(clone.count == 1 && clone.first?.args == [] && clone.first?.action == .allow)
        #expect(rules.filter { $0.names.contains("clone3") }.allSatisfy { $0.action == .allow })
        #expect(rules.contains { $0.names.contains("mount") && $0.names.contains("unshare") })
    }

    @Test("the compiled runtimeDefault filter: its size and what libseccomp 2.5.4 does not know")
    func report() throws {
        let report = try SeccompProfile.runtimeDefault.report(capabilities: Capabilities.defaultSet)
        print(
            "runtimeDefault (default caps): \(report.instructions) BPF instructions, \(report.rules) rules, unknown: \(report.unknownSyscalls)"
        )
        #expect(report.instructions > 100 && report.instructions < 4096)  // BPF_MAXINSNS
        #expect(report.rules > 300)
        let admin = try SeccompProfile.runtimeDefault.report(capabilities: Capabilities.all)
        print("runtimeDefault (all caps): \(admin.instructions) BPF instructions, \(admin.rules) rules")
        #expect(admin.rules > report.rules)
        // The archMap adds the i386 and x32 ABIs; without them a container could make a blocked
        // call through int 0x80 or the x32 syscall numbers.
        var nativeOnly = SeccompProfile.runtimeDefault
        nativeOnly.archMap = []
        let native = try nativeOnly.report(capabilities: Capabilities.defaultSet)
        print("runtimeDefault (default caps, x86_64 only): \(native.instructions) BPF instructions")
        #expect(native.instructions < report.instructions / 2)
    }

    @Test("an unknown capability given to the filter is an error; an unknown syscall is skipped")
    func unknowns() throws {
        #expect(throws: LinuxError.self) { try SeccompProfile.runtimeDefault.effectiveRules(capabilities: ["NOPE"]) }
        let profile = SeccompProfile(defaultAction: .allow, syscalls: [.init(["no_such_call", "mkdir"], .errno)])
        let report = try profile.report(capabilities: [])
        #expect(report.unknownSyscalls == ["no_such_call"] && report.rules == 1)
    }
}
