import Glibc
import SkiffAPI
import SkiffLinux

/// The agent's use of the cgroup tree: `PARENT/pod-<uid>` with the pod's pids limit, and a
/// cgroup per container with its memory and cpu limits, made afresh for every run so that its
/// OOM counter speaks for that run alone.
struct PodCgroups: Sendable {
    let cgroups: Cgroups
    let podPidsLimit: Int

    /// What the Node reports (`kubectl describe node`, Container Runtime Version): the layout,
    /// whether systemd runs the host (sd_booted(3)'s test), and where the pod tree is.
    var mode: String {
        let layout = cgroups.layout.isUnified ? "v2" : "hybrid"
        let systemd = access("/run/systemd/system", F_OK) == 0 ? ", systemd" : ""
        let place = cgroups.isDelegated ? "delegated" : "parent"
        return "\(layout)\(systemd), \(place) \(cgroups.parent.path)"
    }

    func preparePod(uid: String) throws(LinuxError) {
        let pod = try cgroups.createPod(uid)
        try pod.apply(Limits(pidsMax: UInt64(podPidsLimit)))
    }

    /// Creates the container's cgroup with its limits and says how skiff-init places the
    /// process: into the v2 directory at clone time, and into each v1 hierarchy by itself.
    func prepareContainer(_ container: JSON, name: String, uid: String) throws(LinuxError) -> CgroupPlacement {
        let path = try cgroups.container(name, pod: uid)
        // The previous run's: empty, unless (in a pod sharing its pid namespace) the run's
        // children outlived its first process.
        try? path.kill(timeoutMilliseconds: 2000)
        try path.remove()
        let created = try cgroups.createContainer(name, pod: uid)
        try created.apply(Self.limits(container))
        let v1 = created.directories.filter { $0 != created.unifiedDirectory }
        return CgroupPlacement(v2Directory: created.unifiedDirectory, procsFiles: v1.map { $0 + "/cgroup.procs" })
    }

    /// resources.limits → memory.max and cpu.max; requests.cpu → cpu.weight (shares on v1),
    /// the smallest weight when nothing is requested, as kubelet gives BestEffort pods.
    static func limits(_ container: JSON) -> Limits {
        func quantity(_ kind: String, _ resource: String) -> Quantity? {
            guard let value = container[path: ["resources", kind, resource]] else { return nil }
            return try? Quantity(json: value)
        }
        var limits = Limits()
        if let memory = quantity("limits", "memory"), memory.value > 0 { limits.memoryMax = UInt64(memory.value) }
        if let cpu = quantity("limits", "cpu"), cpu.milliValue > 0 {
            limits.cpuMax = CPUMax(milliCPU: UInt64(cpu.milliValue))
        }
        let request = quantity("requests", "cpu") ?? quantity("limits", "cpu")
        limits.cpuWeight = .request(milliCPU: UInt64(max(0, request?.milliValue ?? 0)))
        return limits
    }

    func oomKilled(name: String, uid: String) -> Bool {
        guard let path = try? cgroups.container(name, pod: uid) else { return false }
        return ((try? path.oomKillCount()) ?? 0) > 0
    }

    /// The end of a grace period: SIGKILL to everything in the container's cgroup at once
    /// (cgroup.kill), exec'd processes included. Blocks until it is empty (bounded).
    func killContainer(name: String, uid: String) {
        try? cgroups.container(name, pod: uid).kill(timeoutMilliseconds: 2000)
    }

    /// Kills whatever is left in the pod's cgroups and removes them.
    func removePod(uid: String) {
        guard let pod = try? cgroups.pod(uid) else { return }
        try? pod.kill()
        try? pod.remove()  // children first, every hierarchy
    }

    func knownPods() -> [String] { (try? cgroups.listPods()) ?? [] }
}
