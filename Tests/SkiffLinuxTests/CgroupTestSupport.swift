import CSkiffLinux
import Glibc
import Testing

@testable import SkiffLinux

/// Real-cgroup tests need root and a cgroup2 tree (hybrid or pure v2).

/// A unique cgroup parent `/skiff/test-<random>` in every hierarchy. `run` always kills
/// everything inside it, reaps the test's own children and removes the tree, even when the body
/// throws or an expectation fails. `/skiff` itself stays: other users of this machine share it.
final class CgroupFixture {
    let cgroups: Cgroups
    private(set) var children: [pid_t] = []

    private init() throws {
        Spawn.becomeChildSubreaper()
        let name = "test-" + String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)
        cgroups = try Cgroups(layout: CgroupLayout.detect(), parent: "/skiff/" + name)
        do {
            try cgroups.enableRootControllers()  // writes only on pure v2 hosts (a VM), never here
            try cgroups.ensureParent()
        } catch {
            try? cgroups.parent.remove()
            throw error
        }
    }

    static func run(_ body: (CgroupFixture) throws -> Void) throws {
        try Privileged.requireRoot()
        let fixture = try CgroupFixture()
        defer { fixture.tearDown() }
        try body(fixture)
    }

    /// posix_spawn, recording the pid for cleanup. stdout goes to /dev/null unless given.
    func spawn(_ argv: [String], stdin: Int32? = nil, stdout: Int32? = nil) throws -> pid_t {
        let pid = try Spawn.run(argv, stdin: stdin, stdout: stdout)
        children.append(pid)
        return pid
    }

    /// Reaps a child of this test, blocking; returns the raw wait status.
    func reap(_ pid: pid_t) -> Int32 {
        children.removeAll { $0 == pid }
        return Spawn.wait(pid)
    }

    private func tearDown() {
        do {
            try cgroups.parent.kill(timeoutMilliseconds: 5000)
        } catch {
            Issue.record("cleanup: kill of \(cgroups.parent) failed: \(error)")
        }
        // Children never placed (or already out of the tree) are ours too: kill them directly.
        for pid in children {
            Glibc.kill(pid, SIGKILL)
            _ = Spawn.wait(pid)
        }
        children = []
        Spawn.reapOrphans(timeoutMilliseconds: 2000)
        do {
            try cgroups.parent.remove(busyTimeoutMilliseconds: 3000)
        } catch {
            Issue.record("cleanup: remove of \(cgroups.parent) failed: \(error)")
        }
    }
}

enum Spawn {
    static func run(_ argv: [String], stdin: Int32? = nil, stdout: Int32? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin { posix_spawn_file_actions_adddup2(&actions, stdin, 0) }
        if let stdout {
            posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let env: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer { for pointer in args + env { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, args, env)
        if rc != 0 { throw LinuxError("posix_spawn(\(argv[0]))", errno: rc) }
        return pid
    }

    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        return status
    }

    /// Like the agent, the test process is a child subreaper: processes forked inside a test's
    /// cgroup (perl's `sleep`s) are reparented to it when cgroup.kill ends their parent, and it
    /// reaps them. Otherwise they became zombies of this machine's PID 1, which reaps late.
    static func becomeChildSubreaper() {
        _ = skiff_set_child_subreaper()
    }

    /// Reaps every remaining child (orphans included) until none is left or time is up. Only
    /// the serialized host suite spawns processes, so nothing else's children are taken.
    static func reapOrphans(timeoutMilliseconds: Int) {
        let deadline = Syscalls.monotonicNanoseconds() + UInt64(timeoutMilliseconds) * 1_000_000
        while Syscalls.monotonicNanoseconds() < deadline {
            let zombies = orphanZombies()
            if zombies.isEmpty { return }
            var status: Int32 = 0
            for pid in zombies { _ = waitpid(pid, &status, WNOHANG) }
            CgroupFiles.sleep(milliseconds: 1)
        }
    }

    /// Zombie children of this process that the cgroup tests' programs left (by name): never
    /// waitpid(-1), which would steal the exit status of a child another suite is waiting for.
    static func orphanZombies() -> [pid_t] {
        let programs: Set<String> = ["sleep", "perl", "tail", "head", "sh"]
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var out: [pid_t] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = pid_t(name), let stat = try? CgroupFiles.read("/proc/\(name)/stat"),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { continue }
            let comm = String(stat[stat.index(after: open)..<close])
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, fields[0] == "Z", pid_t(fields[1]) == getpid(), programs.contains(comm) {
                out.append(pid)
            }
        }
        return out
    }

    /// WTERMSIG: the signal that killed the process, or 0 if it exited.
    static func termSignal(_ status: Int32) -> Int32 { status & 0x7f }
    static func exitCode(_ status: Int32) -> Int32 { (status >> 8) & 0xff }

    /// A pipe whose both ends are close-on-exec: posix_spawn's dup2 clears the flag on the copy
    /// only, so no other child keeps a stray end open (which would hide EOF).
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw LinuxError("pipe") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// Reads one line from `fd`, giving up after `timeoutMilliseconds`.
    static func readLine(_ fd: Int32, timeoutMilliseconds: Int32) -> String? {
        var bytes: [UInt8] = []
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while !bytes.contains(UInt8(ascii: "\n")) {
            guard poll(&pfd, 1, timeoutMilliseconds) > 0 else { return nil }
            var byte: UInt8 = 0
            guard Glibc.read(fd, &byte, 1) == 1 else { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init)
    }
}

/// Microseconds on the monotonic clock, for timing cgroup writes.
func microseconds() -> Double { Double(Syscalls.monotonicNanoseconds()) / 1000 }

/// Writes a file, creating it (for the fake cgroup trees).
func writeFakeFile(_ path: String, _ text: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    precondition(fd >= 0, "open(\(path)) failed: \(errno)")
    _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
    close(fd)
}

/// rm -rf for the temporary fake trees (regular directories, not cgroupfs).
func removeFakeTree(_ path: String) {
    for name in (try? CgroupFiles.subdirectories(path)) ?? [] { removeFakeTree(path + "/" + name) }
    if let dir = opendir(path) {
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if entry.pointee.d_type != UInt8(DT_DIR) { unlink(path + "/" + name) }
        }
        closedir(dir)
    }
    rmdir(path)
}
