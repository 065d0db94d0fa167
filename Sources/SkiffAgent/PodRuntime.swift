import Foundation
import Logging
import SkiffAPI
import SkiffLinux
import SkiffNetwork

/// The agent's hands on the node: pod directories under `pods/<uid>/`, each with its
/// `skiff-init pod` supervisor. Calls block for milliseconds (a spawn, a socket round trip),
/// so callers run them from their own tasks, never while holding an actor.
struct PodRuntime: Sendable {
    let configuration: AgentConfiguration
    let cgroups: PodCgroups
    /// nil only for `skiffd stop-pods` on a data directory with no network record.
    let network: PodNetwork?
    let logger: Logger

    func directory(uid: String) -> PodDirectory { configuration.podDirectory(uid: uid) }

    /// The state of a pod this node runs, or nil when it has no live supervisor.
    func state(uid: String) -> PodState? {
        try? PodControlClient(directory: directory(uid: uid)).state()
    }

    /// Starts the pod's supervisor and sandbox unless they already run.
    func ensureSandbox(_ sandbox: PodSandboxSpec) throws -> PodState {
        let current = state(uid: sandbox.uid)
        if let current, current.sandboxRunning { return current }
        let dir = directory(uid: sandbox.uid)
        if current != nil {
            // A supervisor whose sandbox died keeps nothing worth saving: start the pod afresh.
            try? PodControlClient(directory: dir).stop()
            waitForExit(dir)
        }
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
        try cgroups.preparePod(uid: sandbox.uid)
        try Data((sandbox.json.serializedString() + "\n").utf8).write(to: URL(fileURLWithPath: dir.spec))
        _ = try ProcessSpawner.startPod(initPath: configuration.initPath, directory: dir)
        guard let state = state(uid: sandbox.uid) else {
            throw LinuxError("pod supervisor for \(sandbox.uid) started but does not answer", errno: EIO)
        }
        return state
    }

    /// Connects the pod's sandbox to the pod network (once per sandbox) and returns the pod's
    /// address; a hostNetwork pod has the node's.
    func ensureNetwork(_ sandbox: PodSandboxSpec, state: PodState) throws -> String {
        guard let network else { throw NetworkError("the agent has no pod network") }
        if sandbox.hostNetwork { return network.nodeAddress.description }
        return try network.attach(uid: sandbox.uid, podNamespace: "/proc/\(state.sandboxPid)/ns/net").description
    }

    func start(uid: String, container: ContainerSpec) throws -> ContainerRecord {
        try PodControlClient(directory: directory(uid: uid)).start(container)
    }

    func signal(_ run: ContainerRun, _ signal: Int32) {
        try? PodControlClient(directory: directory(uid: run.uid)).signal(run.container, signal, attempt: run.attempt)
    }

    /// The spec the supervisor saved for this run, which `skiff-init exec` reads.
    func specFile(_ run: ContainerRun) -> String {
        directory(uid: run.uid).container(run.container, attempt: run.attempt) + "/spec.json"
    }

    /// Ends the pod's processes and removes everything the pod had on this node.
    func remove(uid: String) {
        let dir = directory(uid: uid)
        try? PodControlClient(directory: dir).stop()
        waitForExit(dir)
        network?.detach(uid: uid)
        cgroups.removePod(uid: uid)
        unmountVolumes(dir)
        do {
            try FileManager.default.removeItem(atPath: dir.path)
        } catch  where FileManager.default.fileExists(atPath: dir.path) {
            logger.warning("cannot remove pod directory", metadata: ["directory": "\(dir.path)", "error": "\(error)"])
        } catch {}
    }

    /// Waits (bounded) for the supervisor named in `infra.pid` to end.
    func waitForExit(_ dir: PodDirectory) {
        guard let text = try? String(contentsOfFile: dir.infraPid, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        for _ in 0..<200 {
            if !isSupervisor(pid, dir) { return }
            usleep(10_000)
        }
        guard isSupervisor(pid, dir) else { return }
        kill(pid, SIGKILL)
        for _ in 0..<200 where isSupervisor(pid, dir) { usleep(10_000) }
    }

    /// True while `pid` is alive and still the skiff-init of this pod (pids are reused).
    func isSupervisor(_ pid: Int32, _ dir: PodDirectory) -> Bool {
        guard Syscalls.isRunning(pid), let cmdline = Syscalls.readFile("/proc/\(pid)/cmdline") else { return false }
        return cmdline.contains(dir.path)
    }

    /// Memory-backed emptyDir volumes are tmpfs mounts the agent made; they go with the pod.
    func unmountVolumes(_ dir: PodDirectory) {
        // Not String(contentsOfFile:): Foundation reads a /proc file (size 0) only up to 4 KiB.
        for mount in MountInfo.parse(Syscalls.readFile("/proc/self/mountinfo") ?? "")
        where mount.mountPoint.hasPrefix(dir.path + "/") {
            umount2(mount.mountPoint, Int32(MNT_DETACH))
        }
    }

    /// Pod uids with a directory on this node (for re-adoption and garbage collection).
    func knownPods() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: configuration.podsDirectory)) ?? []).filter {
            !$0.hasPrefix(".")
        }
    }

    func sandboxSpec(uid: String) -> PodSandboxSpec? {
        guard let data = FileManager.default.contents(atPath: directory(uid: uid).spec),
            let json = try? JSON.parse(data)
        else { return nil }
        return try? PodSandboxSpec(json: json)
    }
}
