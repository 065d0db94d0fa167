import Glibc

/// One cgroup at the same absolute path in every hierarchy Skiff uses (`/skiff/pod-<uid>/<name>`
/// in the v2 tree and, on hybrid hosts, in the memory, cpu and pids trees). Absolute paths, never
/// relative to the caller's own cgroup: runc's empty cgroupsPath landed inside the caller's cgroup.
public struct CgroupPath: Sendable, Hashable, CustomStringConvertible {
    public let layout: CgroupLayout
    /// Absolute path inside each hierarchy, e.g. `/skiff/pod-1234/app`.
    public let path: String

    public init(layout: CgroupLayout, path: String) {
        self.layout = layout
        self.path = path
    }

    public var description: String { path }

    /// The v2 directory: kill, events, procs and CLONE_INTO_CGROUP work here on both layouts.
    public var unifiedDirectory: String { layout.unifiedRoot + path }

    /// One directory per hierarchy, the v2 one first.
    public var directories: [String] { layout.hierarchies.map { $0 + path } }

    /// Directory holding `controller`'s interface files (the v2 one on pure v2).
    public func directory(for controller: String) -> String { layout.mountPoint(for: controller) + path }

    public func child(_ name: String) throws(LinuxError) -> CgroupPath {
        guard Self.isValidName(name) else {
            throw LinuxError("cgroup name \"\(name)\" under \(path)", errno: EINVAL)
        }
        return CgroupPath(layout: layout, path: path + "/" + name)
    }

    /// A pod uid or container name becomes one directory level. Dots are refused too: a child
    /// named `memory.max` would collide with the parent's interface files. Kubernetes uids and
    /// container names (DNS labels) never contain one.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 200
            && !name.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ".") || $0 < 0x20 }
    }

    /// Creates the directory in every hierarchy; existing ones are fine (re-adoption after a crash).
    func create() throws(LinuxError) {
        for directory in directories { try CgroupFiles.makeDirectory(directory) }
    }

    /// Moves `pid` (the whole thread group) into this cgroup in every hierarchy, v2 first so that
    /// `kill()` can reach it whatever fails afterwards. Set `alreadyInUnified` after a
    /// clone3(CLONE_INTO_CGROUP) into `openDirectory()`: a hybrid host still needs the v1 writes.
    /// Each write takes `cgroup_threadgroup_rwsem`; an isolated move waits for an RCU grace period
    /// (8–16 ms measured), moves right after another cost ~30 µs.
    public func place(pid: pid_t, alreadyInUnified: Bool = false) throws(LinuxError) {
        for (index, directory) in directories.enumerated() where !(index == 0 && alreadyInUnified) {
            try CgroupFiles.write(directory + "/cgroup.procs", String(pid))
        }
    }

    /// Linux's O_PATH; Swift's Glibc module does not export it (it sits behind __USE_GNU).
    /// 010000000 on x86_64 and aarch64 (the value differs only on alpha, parisc and sparc).
    static let oPath: Int32 = 0o10000000

    /// An O_PATH directory fd of the v2 cgroup for clone3(CLONE_INTO_CGROUP). The caller closes it.
    public func openDirectory() throws(LinuxError) -> Int32 {
        let directory = unifiedDirectory
        return try check("open(\(directory), O_PATH)") { open(directory, O_PATH | O_DIRECTORY | O_CLOEXEC) }
    }

    /// `populated 1` in cgroup.events: some process lives in this cgroup or below. A cgroup
    /// that does not exist is not populated.
    public func isPopulated() throws(LinuxError) -> Bool {
        guard let events = try CgroupFiles.readIfPresent(unifiedDirectory + "/cgroup.events") else { return false }
        return CgroupFiles.parseKeyedCounts(events)["populated"] == 1
    }

    /// Pids in this cgroup and all below it (cgroup.procs lists only the cgroup's own).
    public func pids() throws(LinuxError) -> [pid_t] {
        try Self.pids(in: unifiedDirectory)
    }

    static func pids(in directory: String) throws(LinuxError) -> [pid_t] {
        let text = try CgroupFiles.readIfPresent(directory + "/cgroup.procs") ?? ""
        var result = text.split(separator: "\n").compactMap { pid_t($0) }
        for child in try CgroupFiles.subdirectories(directory) {
            result += try pids(in: directory + "/" + child)
        }
        return result
    }

    /// SIGKILLs every process in the subtree at once (cgroup.kill, v2; no fork can escape, unlike
    /// walking cgroup.procs) and waits until cgroup.events says `populated 0`. Killed processes
    /// stop counting as soon as they exit; they need not be reaped for this.
    public func kill(timeoutMilliseconds: Int = 5000) throws(LinuxError) {
        let directory = unifiedDirectory
        do {
            try CgroupFiles.write(directory + "/cgroup.kill", "1")
        } catch  where error.errno == ENOENT {
            if !CgroupFiles.exists(directory) { return }  // already removed: nothing to kill
            throw LinuxError("write(\(directory)/cgroup.kill): Skiff needs Linux 5.14 or newer", errno: ENOENT)
        }
        guard try waitUntilEmpty(timeoutMilliseconds: timeoutMilliseconds) else {
            throw LinuxError("kill(\(path)): still populated after \(timeoutMilliseconds) ms", errno: ETIMEDOUT)
        }
    }

    /// Waits for `populated 0`. Woken by poll(POLLPRI) on cgroup.events (kernfs signals each
    /// change), and re-reads on a 1, 2, 4 … 50 ms backoff anyway: the kernel rate-limits these
    /// notifications per file (a change within ~10 ms of the previous one is delivered by a
    /// timer; one came 15 ms after `populated 0` was readable), while a killed process typically
    /// exits within 0.1–8 ms. Not inotify: closing an inotify fd waits for an SRCU grace period,
    /// which added 7–15 ms to every kill. Returns false on timeout.
    public func waitUntilEmpty(timeoutMilliseconds: Int) throws(LinuxError) -> Bool {
        let events = unifiedDirectory + "/cgroup.events"
        let fd = open(events, O_RDONLY | O_CLOEXEC)
        if fd == -1 {
            if errno == ENOENT { return true }  // the cgroup is gone, so it is empty
            throw LinuxError("open(\(events))")
        }
        defer { close(fd) }
        let deadline = Syscalls.monotonicNanoseconds() + UInt64(max(0, timeoutMilliseconds)) * 1_000_000
        var backoff: UInt64 = 1
        while true {
            let state = try CgroupFiles.read(fd: fd, path: events)  // also re-arms POLLPRI
            if CgroupFiles.parseKeyedCounts(state)["populated"] == 0 { return true }
            let now = Syscalls.monotonicNanoseconds()
            if now >= deadline { return false }
            var pfd = pollfd(fd: fd, events: Int16(POLLPRI), revents: 0)
            _ = poll(&pfd, 1, Int32(min(backoff, (deadline - now) / 1_000_000 + 1)))
            backoff = min(backoff * 2, 50)
        }
    }

    /// Removes this cgroup and everything below it in every hierarchy: children first (rmdir
    /// only takes empty cgroups), v1 trees before the v2 one so that kill and events stay usable
    /// until the end. EBUSY (a process still inside, e.g. still exiting) is retried until the
    /// deadline; ENOENT counts as removed. Throws EBUSY naming the directory if still busy.
    public func remove(busyTimeoutMilliseconds: Int = 2000) throws(LinuxError) {
        let deadline = Syscalls.monotonicNanoseconds() + UInt64(max(0, busyTimeoutMilliseconds)) * 1_000_000
        for directory in directories.reversed() { try Self.removeTree(directory, deadline: deadline) }
    }

    static func removeTree(_ directory: String, deadline: UInt64) throws(LinuxError) {
        for child in try CgroupFiles.subdirectories(directory) {
            try removeTree(directory + "/" + child, deadline: deadline)
        }
        var delay = 1
        while rmdir(directory) == -1 {
            switch errno {
            case ENOENT: return
            case EINTR: continue
            case EBUSY where Syscalls.monotonicNanoseconds() < deadline:
                CgroupFiles.sleep(milliseconds: delay)
                delay = min(delay * 2, 50)
            default: throw LinuxError("rmdir(\(directory))")
            }
        }
    }
}
