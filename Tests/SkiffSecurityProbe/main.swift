import CSkiffSecurity
import Glibc
import SkiffLinux

// A stand-in for skiff-init in the tests: a fresh single-threaded process that runs the steps
// given as arguments in order and prints `<step>=<result>` for each (results are return values
// or -errno). Why not fork the test process itself: Swift Testing runs tests on several
// threads, and a child forked while another thread held the Swift runtime's metadata lock
// deadlocked on its first generic type (seen in 2 of 10 runs); the forked thread also had
// SIGALRM blocked, so a watchdog alarm never fired.
//
// Steps: private-mounts | apply=CAPS|UID|GID|GROUPS | nnp | seccomp=default|CAPS or
// seccomp=/profile.json|CAPS | status | syscall=NR,a,b,c | mount-tmpfs=DIR | clone3 | fork |
// thread | socket=FAMILY | mkdir=PATH | chroot=PATH | getpid | exec=PATH|ARG|ARG...
// Set-up steps (private-mounts, apply, nnp, seccomp) report under their verb, probes under the
// whole step text (`syscall=250,9999=-1`).

_ = cap_prctlw(Int(SKIFF_SEC_PR_SET_PDEATHSIG), Int(SIGKILL), 0, 0, 0, 0)  // never outlive the test
alarm(10)
var noCore = rlimit(rlim_cur: 0, rlim_max: 0)  // SIGSYS from KILL/TRAP actions would dump core
setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)

/// One line straight to fd 1 (no stdio buffer to lose at a KILL action or execve).
func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}

func fail(_ step: String, _ error: LinuxError) -> Never {
    say("\(step)=-\(error.errno)")
    say("error=\(error)")
    exit(2)
}

func number(_ text: Substring) -> Int {
    text.hasPrefix("0x") ? Int(text.dropFirst(2), radix: 16) ?? 0 : Int(text) ?? 0
}

func list(_ text: Substring) -> [String] { text.split(separator: ",").map(String.init) }

/// A thread that does nothing. Not a closure: top-level closures in main.swift are isolated to
/// the main actor, and the runtime traps when one runs on another thread.
nonisolated func threadBody(_: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? { nil }

func rawResult(_ r: Int32) -> Int { r == -1 ? -Int(errno) : Int(r) }

say("probe=\(getpid())")
for step in CommandLine.arguments.dropFirst() {
    let parts = step.split(separator: "=", maxSplits: 1)
    let verb = parts[0]
    let fields = parts.count > 1 ? parts[1].split(separator: "|", omittingEmptySubsequences: false) : []
    func field(_ i: Int) -> Substring { i < fields.count ? fields[i] : "" }
    var result = 0
    switch verb {
    case "private-mounts":
        // Even a filter that failed to block mount could then not touch the host's mounts.
        result = skiff_sec_raw_syscall(272, 0x0002_0000, 0, 0, 0, 0, 0)
        if result == 0 { result = rawResult(mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil)) }
    case "apply":
        do throws(LinuxError) {
            let skipped = try Capabilities.apply(
                list(field(0)), uid: UInt32(number(field(1))), gid: UInt32(number(field(2))),
                supplementaryGroups: list(field(3)).map { UInt32($0)! })
            say("skipped=\(skipped.joined(separator: ","))")
        } catch { fail(step, error) }
    case "nnp":
        result = rawResult(cap_prctlw(Int(SKIFF_SEC_PR_SET_NO_NEW_PRIVS), 1, 0, 0, 0, 0))
    case "seccomp":
        do throws(LinuxError) {
            let profile: SeccompProfile
            if field(0) == "default" {
                profile = .runtimeDefault
            } else {
                let fd = open(String(field(0)), O_RDONLY)
                var bytes = [UInt8](repeating: 0, count: 65536)
                let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                close(fd)
                profile = try SeccompProfile(jsonText: String(decoding: bytes.prefix(max(n, 0)), as: UTF8.self))
            }
            try profile.load(capabilities: list(field(1)))
        } catch {
            say("seccomp.error=\(error)")
            result = -Int(error.errno)
        }
    case "status":
        let caps = Capabilities.current()
        for (key, value) in [
            ("CapEff", caps.effective), ("CapPrm", caps.permitted), ("CapBnd", caps.bounding),
            ("CapInh", caps.inheritable), ("CapAmb", caps.ambient),
        ] {
            say("\(key)=0x\(String(value, radix: 16))")
        }
        var groups = [gid_t](repeating: 0, count: 32)
        let count = getgroups(32, &groups)
        say("Seccomp=\(SeccompProfile.mode())")
        say("ids=\(getuid()),\(geteuid()),\(getgid()),\(getegid())")
        say("groups=\(groups.prefix(Int(max(count, 0))).map(String.init).joined(separator: ","))")
    case "syscall":
        let a = fields.isEmpty ? [] : parts[1].split(separator: ",").map(number)
        let arg = { (i: Int) in i < a.count ? a[i] : 0 }
        result = skiff_sec_raw_syscall(arg(0), arg(1), arg(2), arg(3), 0, 0, 0)
    case "mount-tmpfs":
        result = rawResult(mount("tmpfs", String(field(0)), "tmpfs", 0, nil))
    case "clone3":
        result = skiff_sec_raw_clone3_probe()
    case "fork":
        let pid = fork()
        if pid == 0 { _exit(7) }
        var status: Int32 = 0
        result = pid < 0 ? -Int(errno) : waitpid(pid, &status, 0) == pid ? Int((status >> 8) & 0xFF) : -Int(errno)
    case "thread":
        // glibc creates threads with clone3 and falls back to clone only on ENOSYS.
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, threadBody, nil)
        result = rc != 0 ? -Int(rc) : -Int(pthread_join(thread, nil))
    case "socket":
        let fd = socket(Int32(number(field(0))), Int32(SOCK_STREAM.rawValue), 0)
        result = fd < 0 ? -Int(errno) : 0
        if fd >= 0 { close(fd) }
    case "mkdir":
        result = rawResult(mkdir(String(field(0)), 0o755))
    case "chroot":
        result = rawResult(chroot(String(field(0))))
    case "getpid":
        result = skiff_sec_raw_syscall(39, 0, 0, 0, 0, 0, 0) == Int(getpid()) ? 0 : -1
    case "exec":
        var argv: [UnsafeMutablePointer<CChar>?] = fields.map { strdup(String($0)) } + [nil]
        var env: [UnsafeMutablePointer<CChar>?] = [nil]
        dup2(1, 2)
        execve(String(field(0)), &argv, &env)
        result = -Int(errno)
    default:
        say("error=unknown step \(step)")
        exit(2)
    }
    let setup: Set<Substring> = ["private-mounts", "apply", "nnp", "seccomp"]
    say("\(setup.contains(verb) ? verb : Substring(step))=\(result)")
}
exit(0)
