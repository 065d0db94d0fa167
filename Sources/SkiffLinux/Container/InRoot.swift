import CSkiffLinux
import Glibc

/// Paths inside a container root, resolved by the kernel as if the root were `/`
/// (openat2 RESOLVE_IN_ROOT). Mount targets are then given as `/proc/self/fd/N`, so a symlink
/// in an image (`/data -> /etc`) can never send a mount to the host's own directories, which
/// a plain `root + path` string would while the host's root is still the process's root.
enum InRoot {
    static func open(_ rootFD: Int32, _ path: String, flags: Int32) throws(LinuxError) -> Int32 {
        try check("openat2(\(path) in container root)") { skiff_open_in_root(rootFD, path, flags) }
    }

    /// Opens `path`, creating it (and its missing parents, as directories) when absent: a
    /// directory, or an empty file to bind a file over.
    static func create(_ rootFD: Int32, _ path: String, directory: Bool) throws(LinuxError) -> Int32 {
        if let fd = try? open(rootFD, path, flags: O_PATH) { return fd }
        var parent = "/"
        let components = path.split(separator: "/").map(String.init)
        for (index, name) in components.enumerated() {
            let parentFD = try open(rootFD, parent, flags: O_PATH | O_DIRECTORY)
            defer { Glibc.close(parentFD) }
            let isLast = index == components.count - 1
            if isLast && !directory {
                let fd = openat(parentFD, name, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o644)
                if fd >= 0 { Glibc.close(fd) } else if errno != EEXIST { throw LinuxError("create(\(path))") }
            } else if mkdirat(parentFD, name, 0o755) == -1 && errno != EEXIST {
                throw LinuxError("mkdir(\(parent + name) in container root)")
            }
            parent += name + "/"
        }
        return try open(rootFD, path, flags: O_PATH)
    }

    static func procPath(_ fd: Int32) -> String { "/proc/self/fd/\(fd)" }
}
