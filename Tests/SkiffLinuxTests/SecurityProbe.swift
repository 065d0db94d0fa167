import Glibc
import Synchronization
import Testing

/// What skiff-security-probe printed (`step=result` lines) and how it ended.
struct ProbeOutcome: CustomStringConvertible {
    /// Exit code, or 128 + signal when a signal ended it.
    var status: Int32
    var output: String

    /// The result printed for `step`, e.g. `outcome["syscall=250,9999"] == -1`.
    subscript(step: String) -> Int? {
        value(step).flatMap { $0.hasPrefix("0x") ? Int($0.dropFirst(2), radix: 16) : Int($0) }
    }

    func value(_ key: String) -> String? {
        for line in output.split(separator: "\n") where line.hasPrefix(key + "=") {
            return String(line.dropFirst(key.count + 1))
        }
        return nil
    }

    var description: String { "exit \(status):\n\(output)" }
}

/// Spawning is serialised so that no probe inherits another's pipe (set close-on-exec right
/// after pipe(), which is not atomic).
private let spawnLock = Mutex(())

/// Runs the probe (a single-threaded process, like skiff-init) with these steps; posix_spawn
/// runs no Swift code between fork and exec. The probe arms a 10 s alarm and a parent-death
/// SIGKILL itself, so it cannot outlive the test.
func probe(_ steps: [String]) -> ProbeOutcome {
    let path = probePath()
    var pid = pid_t()
    var fds: [Int32] = [-1, -1]
    let spawned: Int32 = spawnLock.withLock { _ in
        guard pipe(&fds) == 0 else { return errno }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        // Test threads block most signals; the probe must start with none blocked or ignored.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + steps).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        close(fds[1])
        return rc
    }
    guard spawned == 0 else { return ProbeOutcome(status: -1, output: "posix_spawn(\(path)): errno \(spawned)") }
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        output += buffer[0..<n]
    }
    close(fds[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let signal = status & 0x7F
    return ProbeOutcome(
        status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal, output: String(decoding: output, as: UTF8.self))
}

/// The probe is built next to the test bundle (.build/<triple>/debug/).
func probePath() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let exe = String(decoding: buffer.prefix(max(n, 0)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return String(exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)]) + "/skiff-security-probe"
}

/// The `Cap*` lines of a /proc/<pid>/status dump (as grep prints them) as key → mask.
func statusCapabilities(_ text: String) -> [String: UInt64] {
    var result: [String: UInt64] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix("Cap") && line.contains(":") {
        let parts = line.split(separator: ":", maxSplits: 1)
        result[String(parts[0])] = UInt64(parts[1].drop { $0 == " " || $0 == "\t" }, radix: 16)
    }
    return result
}
