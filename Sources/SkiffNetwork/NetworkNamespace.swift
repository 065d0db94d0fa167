import CSkiffLinux
import Glibc
import SkiffLinux

/// Named network namespaces as iproute2 keeps them (`/run/netns/NAME`, an nsfs bind mount), so
/// `ip netns exec skiff-node-1 …` works on a node namespace the agent made. The agent's threads
/// visit a namespace only for the moment it takes to open a socket there: a socket keeps the
/// namespace it was created in, so everything after that is ordinary calls on it.
public enum NetworkNamespace {
    public static let directory = "/run/netns"

    public static func path(_ name: String) -> String { directory + "/" + name }

    /// Runs `body` with the calling thread in the network namespace open at `fd`, then puts the
    /// thread back. `body` must not suspend: the thread must stay the same throughout.
    public static func run<T>(in fd: Int32, _ body: () throws(LinuxError) -> T) throws(LinuxError) -> T {
        let original = try check("open(/proc/thread-self/ns/net)") {
            Glibc.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        }
        defer { Glibc.close(original) }
        try check("setns(net)") { skiff_setns(fd, Int32(SKIFF_CLONE_NEWNET)) }
        defer {
            // A pool thread left in a pod's namespace would send some later request there.
            if skiff_setns(original, Int32(SKIFF_CLONE_NEWNET)) != 0 {
                fatalError("cannot return a thread to its network namespace: errno \(errno)")
            }
        }
        return try body()
    }

    /// Opens a namespace file (`/run/netns/NAME` or `/proc/PID/ns/net`) for `run(in:)`.
    public static func open(_ path: String) throws(LinuxError) -> Int32 {
        try check("open(\(path))") { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
    }

    /// True when `/run/netns/NAME` holds a namespace (an nsfs mount, not a leftover file).
    public static func exists(_ name: String) -> Bool {
        skiff_is_nsfs(path(name)) == 1
    }

    /// Creates the namespace `/run/netns/NAME` unless it exists, with loopback up.
    public static func create(_ name: String) throws(LinuxError) {
        if exists(name) { return }
        Syscalls.makeParents(of: path(name))
        let file = try check("create(\(path(name)))") { Glibc.open(path(name), O_RDONLY | O_CREAT | O_CLOEXEC, 0o444) }
        Glibc.close(file)
        let original = try open("/proc/thread-self/ns/net")
        defer { Glibc.close(original) }
        // unshare moves only this thread into the new namespace; the bind mount keeps the
        // namespace alive after the thread returns to where it was.
        try check("unshare(net)") { skiff_unshare(Int32(SKIFF_CLONE_NEWNET)) }
        defer {
            if skiff_setns(original, Int32(SKIFF_CLONE_NEWNET)) != 0 {
                fatalError("cannot return a thread to its network namespace: errno \(errno)")
            }
        }
        try Syscalls.mount("/proc/thread-self/ns/net", on: path(name), type: nil, flags: UInt(MS_BIND))
        let netlink = try Netlink()
        try netlink.setUp(try netlink.requireIndex("lo"))
    }

    /// Removes `/run/netns/NAME`; the namespace itself ends when nothing else holds it.
    public static func remove(_ name: String) {
        umount2(path(name), Int32(MNT_DETACH))
        unlink(path(name))
    }
}
