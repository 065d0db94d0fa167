import Glibc
import SkiffLinux
import Testing

#if arch(x86_64)
    /// Filters loaded for real in skiff-security-probe. The probe runs as root with every capability,
    /// so an EPERM below can only come from the filter. Raw syscall numbers are x86_64's.
    @Suite("seccomp filters loaded for real", .enabled(if: Privileged.canRun, Privileged.reason))
    struct SeccompLoadTests {
        static let defaults = Capabilities.defaultSet.joined(separator: ",")

        @Test("runtimeDefault blocks namespaces, mounts and keyrings with EPERM, clone3 with ENOSYS; the rest works")
        func runtimeDefault() {
            let r = probe([
                "private-mounts", "nnp", "seccomp=default|\(Self.defaults)", "status",
                "syscall=272,0x10000000",  // unshare(CLONE_NEWUSER)
                "mount-tmpfs=/mnt",
                "syscall=250,9999",  // keyctl: EOPNOTSUPP without the filter
                "clone3",
                "socket=40",  // AF_VSOCK
                "syscall=135,0x40000",  // personality(ADDR_NO_RANDOMIZE)
                "syscall=135,0xffffffff",  // personality query
                "getpid", "fork", "thread", "socket=1", "chroot=/",
            ])
            #expect(r.status == 0, "\(r)")
            #expect(r["seccomp"] == 0 && r["Seccomp"] == 2, "\(r)")
            #expect(r["syscall=272,0x10000000"] == -Int(EPERM), "\(r)")
            #expect(r["mount-tmpfs=/mnt"] == -Int(EPERM), "\(r)")
            #expect(r["syscall=250,9999"] == -Int(EPERM), "\(r)")
            #expect(r["clone3"] == -Int(ENOSYS), "\(r)")
            #expect(r["socket=40"] == -Int(EPERM), "\(r)")
            #expect(r["syscall=135,0x40000"] == -Int(EPERM), "\(r)")
            #expect(r["syscall=135,0xffffffff"].map { $0 >= 0 } == true, "\(r)")
            // Still working: plain calls, fork (clone without CLONE_NEW*), threads (glibc falls
            // back from clone3 to clone on ENOSYS), unix sockets, chroot (SYS_CHROOT is granted).
            #expect(r["getpid"] == 0 && r["fork"] == 7 && r["thread"] == 0, "\(r)")
            #expect(r["socket=1"] == 0 && r["chroot=/"] == 0, "\(r)")
        }

        @Test("runtimeDefault with CAP_SYS_ADMIN lets unshare(CLONE_NEWNS) and clone3 through; keyctl stays blocked")
        func sysAdmin() {
            let r = probe([
                "nnp", "seccomp=default|\(Self.defaults),SYS_ADMIN", "syscall=272,0x20000", "clone3",
                "syscall=250,9999",
            ])
            #expect(r.status == 0 && r["seccomp"] == 0, "\(r)")
            #expect(r["syscall=272,0x20000"] == 0, "\(r)")
            // The kernel itself answers now, refusing the probe's invalid exit signal.
            #expect(r["clone3"] == -Int(EINVAL), "\(r)")
            #expect(r["syscall=250,9999"] == -Int(EPERM), "\(r)")
        }

        @Test("without no_new_privs and without CAP_SYS_ADMIN the kernel refuses the filter (EACCES)")
        func needsNoNewPrivs() {
            let r = probe(["apply=\(Self.defaults)|1000|1000|", "seccomp=default|\(Self.defaults)", "status"])
            #expect(r["seccomp"] == -Int(EACCES), "\(r)")
            #expect(r.value("seccomp.error")?.hasPrefix("seccomp_load: ") == true, "\(r)")
            #expect(r["Seccomp"] == 0, "\(r)")
        }

        @Test(
            "allowPrivilegeEscalation: filter first (CAP_SYS_ADMIN still held), then the caps and uid drop, as runc does"
        )
        func filterBeforeCapabilities() {
            let r = probe([
                "seccomp=default|\(Self.defaults)", "apply=\(Self.defaults)|1000|1000|", "status", "syscall=250,9999",
            ])
            #expect(r.status == 0 && r["seccomp"] == 0 && r["apply"] == 0, "\(r)")
            #expect(r["Seccomp"] == 2 && r["CapEff"] == 0xa804_25fb && r.value("ids") == "1000,1000,1000,1000", "\(r)")
            #expect(r["syscall=250,9999"] == -Int(EPERM), "\(r)")
        }

        @Test("a Localhost profile: mkdir answers EACCES (errnoRet 13), everything else works")
        func localhostProfile() throws {
            let path = "/tmp/skiff-seccomp-test-\(getpid())"
            let profile = try writeProfile(
                #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}"#
            )
            defer { unlink(profile) }
            defer { rmdir(path) }
            let r = probe(["nnp", "seccomp=\(profile)|", "mkdir=\(path)", "syscall=84,0", "getpid", "fork"])
            #expect(r.status == 0 && r["seccomp"] == 0, "\(r)")
            #expect(r["mkdir=\(path)"] == -Int(EACCES), "\(r)")
            #expect(r["syscall=84,0"] == -Int(EFAULT), "rmdir(NULL) reaches the kernel: \(r)")
            #expect(r["getpid"] == 0 && r["fork"] == 7, "\(r)")
            #expect(access(path, F_OK) != 0)
        }

        @Test("argument comparisons: AND across arguments, OR for several on one argument, masked equality")
        func arguments() throws {
            // getppid ignores its arguments, but the filter sees whatever is in the registers.
            let profile = try writeProfile(
                """
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                  {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 11,
                   "args": [{"index": 0, "value": 240, "valueTwo": 80, "op": "SCMP_CMP_MASKED_EQ"},
                            {"index": 1, "value": 10, "op": "SCMP_CMP_GE"}]},
                  {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 12,
                   "args": [{"index": 2, "value": 3, "op": "SCMP_CMP_EQ"}, {"index": 2, "value": 4, "op": "SCMP_CMP_EQ"}]}]}
                """)
            defer { unlink(profile) }
            let calls = ["0x55,10", "0x55,9", "0x65,10", "0,0,3", "0,0,4", "0,0,5"].map { "syscall=110,\($0)" }
            let r = probe(["nnp", "seccomp=\(profile)|"] + calls)
            let me = Int(getpid())
            #expect(r.status == 0 && r["seccomp"] == 0, "\(r)")
            #expect(calls.map { r[$0] } == [-11, me, me, -12, -12, me], "\(r)")
        }

        @Test(
            "actions: KILL, KILL_PROCESS and TRAP end the process with SIGSYS, TRACE without a tracer is ENOSYS, LOG allows",
            arguments: [
                ("SCMP_ACT_KILL_PROCESS", 128 + SIGSYS), ("SCMP_ACT_KILL", 128 + SIGSYS),
                ("SCMP_ACT_KILL_THREAD", 128 + SIGSYS),
                ("SCMP_ACT_TRAP", 128 + SIGSYS), ("SCMP_ACT_TRACE", 0), ("SCMP_ACT_LOG", 0),
            ])
        func actions(action: String, status: Int32) throws {
            let profile = try writeProfile(
                #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "\#(action)"}]}"#)
            defer { unlink(profile) }
            let r = probe(["nnp", "seccomp=\(profile)|", "syscall=110"])
            #expect(r.status == status && r["seccomp"] == 0, "\(r)")
            if status == 0 {
                #expect(r["syscall=110"] == (action == "SCMP_ACT_TRACE" ? -Int(ENOSYS) : Int(getpid())), "\(r)")
            }
        }
    }

    /// Writes a profile to a temporary file (what a Localhost profile is) and returns its path.
    func writeProfile(_ text: String) throws -> String {
        var template = Array("/tmp/skiff-profile-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        try #require(fd >= 0)
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        try #require(written == bytes.count)
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
#endif
