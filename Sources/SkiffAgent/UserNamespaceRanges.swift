import Glibc
import SkiffLinux

/// hostUsers: false: each such pod gets 65536 host ids of its own, from `--userns-id-base` on,
/// disjoint from every other pod's. The range is recorded in the pod's `pod.json` when its
/// sandbox starts, so it survives agent restarts and stays the pod's for as long as it lives.
struct UserNamespaceRanges {
    static let size: UInt32 = 65536
    let runtime: PodRuntime

    var base: UInt32 { runtime.configuration.userNamespaceBase }
    var slots: Int { runtime.configuration.maxPods }

    /// The pod's range: the one it has, else the lowest free one.
    func range(for uid: String) throws(LinuxError) -> IDRange {
        if let existing = runtime.sandboxSpec(uid: uid)?.userNamespace { return existing }
        let taken = Set(runtime.knownPods().compactMap { runtime.sandboxSpec(uid: $0)?.userNamespace?.hostID })
        for slot in 0..<slots {
            let hostID = base + UInt32(slot) * Self.size
            if !taken.contains(hostID) { return IDRange(hostID: hostID, size: Self.size) }
        }
        throw LinuxError("no free user namespace range: all \(slots) (--max-pods) are in use", errno: ENOSPC)
    }
}
