import Foundation
import Glibc
import SkiffLinux

/// Every cgroup hierarchy of this host, as crun and runc see them: they create their cgroup in
/// each v1 hierarchy (cpuset, devices, freezer, …), not only in the ones Skiff uses. The
/// benchmark gives them paths below its own `PARENT` (`/skiff/bench-ID`) and takes all of it
/// away again, with `/skiff` itself wherever the benchmark was the one to create it.
struct CgroupTree {
    let parent: String
    /// Mount points of every cgroup and cgroup2 filesystem.
    let mounts: [String]
    /// Where `/skiff` (the first component of `parent`) existed before the benchmark.
    let existingRoots: Set<String>

    init(parent: String) {
        self.parent = parent
        mounts = Self.mountPoints()
        let root = Self.root(of: parent)
        existingRoots = Set(mounts.filter { FileManager.default.fileExists(atPath: $0 + root) })
    }

    var root: String { Self.root(of: parent) }

    static func root(of path: String) -> String { "/" + (path.split(separator: "/").first.map(String.init) ?? "") }

    /// rmdir only, children first: a cgroup still holding a process stays and is returned, and
    /// `/skiff` goes only where it is empty and was not there before.
    @discardableResult
    func removeBenchTree() -> [String] {
        var left: [String] = []
        for mount in mounts {
            let directory = mount + parent
            guard FileManager.default.fileExists(atPath: directory) else { continue }
            for child in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                let path = directory + "/" + child
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    if !Self.rmdirRetrying(path) { left.append(path) }
                }
            }
            if !Self.rmdirRetrying(directory) { left.append(directory) }
        }
        for mount in mounts where !existingRoots.contains(mount) {
            _ = rmdir(mount + root)  // fails, harmlessly, if anything else lives there now
        }
        return left
    }

    /// A cgroup whose last process is still being reaped refuses rmdir (EBUSY) for a moment.
    static func rmdirRetrying(_ path: String) -> Bool {
        for _ in 0..<50 {
            if rmdir(path) == 0 || errno == ENOENT { return true }
            usleep(20_000)
        }
        return false
    }

    /// Read with Syscalls.readFile: Foundation stops at 4 KiB of a /proc file.
    static func mountPoints() -> [String] {
        let text = Syscalls.readFile("/proc/self/mounts") ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 2, fields[2] == "cgroup" || fields[2] == "cgroup2" else { return nil }
            return String(fields[1])
        }
    }

    /// On a hybrid host (v1 hierarchies beside cgroup2), cgroup2's `cgroup.controllers` when it
    /// lists any controller: the file crun 1.8.1 must see empty. nil on pure v2 or when empty.
    static func nonEmptyUnifiedControllersFile() -> String? {
        let text = Syscalls.readFile("/proc/self/mounts") ?? ""
        let entries = text.split(separator: "\n").map { $0.split(separator: " ") }.filter { $0.count > 2 }
        guard entries.contains(where: { $0[2] == "cgroup" }),
            let unified = entries.first(where: { $0[2] == "cgroup2" }).map({ String($0[1]) })
        else { return nil }
        let file = unified + "/cgroup.controllers"
        let controllers = Syscalls.readFile(file) ?? ""
        return controllers.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : file
    }
}
