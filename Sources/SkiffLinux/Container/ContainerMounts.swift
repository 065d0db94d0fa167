import CSkiffLinux
import Glibc

/// Builds a container's filesystem view under `rootfs` before pivot_root: the overlay root,
/// volumes, /proc (with masked and read-only paths), read-only /sys, a minimal /dev.
/// Runs in the container's own, private mount namespace, so nothing here reaches the host.
public enum ContainerMounts {
    /// /proc and /sys entries that reveal or change the host; hidden as Docker/OCI runtimes do.
    public static let maskedPaths = [
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ]
    public static let readOnlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

    static let noSuid = UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC)

    /// With `userNamespace` (hostUsers: false) the overlay's layers and the volumes are idmapped
    /// through it, and the tmpfs mounts made here belong to the pod's root (`userNamespaceRoot`).
    static func assemble(
        _ spec: ContainerSpec, userNamespace: Int32? = nil, userNamespaceRoot: UInt32? = nil
    ) throws(LinuxError) {
        let root = spec.rootfs
        let layers = try Self.layers(spec, userNamespace: userNamespace)
        try Syscalls.mount(
            "overlay", on: root, type: "overlay", flags: 0,
            data: "lowerdir=\(overlayPath(layers.lower)),upperdir=\(overlayPath(layers.upper)),"
                + "workdir=\(overlayPath(layers.work))")
        let rootFD = try check("open(\(root))") { Glibc.open(root, O_PATH | O_DIRECTORY | O_CLOEXEC) }
        defer { Glibc.close(rootFD) }
        try mountProc(rootFD, privileged: spec.security.privileged)
        try mount("sysfs", at: "/sys", in: rootFD, type: "sysfs", flags: noSuid | UInt(MS_RDONLY))
        try mountDev(rootFD, ownShm: !spec.mounts.contains { $0.destination == "/dev/shm" }, owner: userNamespaceRoot)
        for volume in spec.mounts {
            try mountVolume(volume, in: rootFD, userNamespace: userNamespace)
        }
        if spec.security.readOnlyRootFilesystem {
            // Only the root mount turns read-only; volumes and /dev, /proc below it keep theirs.
            try Syscalls.mount("", on: root, type: nil, flags: UInt(MS_REMOUNT | MS_BIND | MS_RDONLY))
        }
    }

    static func mountProc(_ rootFD: Int32, privileged: Bool) throws(LinuxError) {
        try mount("proc", at: "/proc", in: rootFD, type: "proc", flags: noSuid)
        guard !privileged else { return }
        for path in maskedPaths {
            guard let target = try? InRoot.open(rootFD, path, flags: O_PATH) else { continue }  // absent here
            defer { Glibc.close(target) }
            var info = stat()
            _ = fstat(target, &info)
            if (info.st_mode & S_IFMT) == S_IFDIR {
                try Syscalls.mount(
                    "tmpfs", on: InRoot.procPath(target), type: "tmpfs", flags: UInt(MS_RDONLY), data: "size=0")
            } else {
                try Syscalls.mount("/dev/null", on: InRoot.procPath(target), type: nil, flags: UInt(MS_BIND))
            }
        }
        for path in readOnlyPaths {
            guard let target = try? InRoot.open(rootFD, path, flags: O_PATH) else { continue }
            defer { Glibc.close(target) }
            try bindReadOnly(InRoot.procPath(target), at: path, in: rootFD)
        }
    }

    /// A tmpfs /dev with the character devices every OCI runtime provides, bound from the
    /// host's (mknod needs the devices cgroup to allow it), devpts for terminals, shm (unless the
    /// pod shares one, bound over it later), mqueue. `owner`: the host id of a user-namespaced
    /// pod's root, so that /dev is root's inside (made by host root, it would read `nobody`).
    static func mountDev(_ rootFD: Int32, ownShm: Bool, owner: UInt32? = nil) throws(LinuxError) {
        let owned = owner.map { ",uid=\($0),gid=\($0)" } ?? ""
        try mount(
            "tmpfs", at: "/dev", in: rootFD, type: "tmpfs", flags: UInt(MS_NOSUID), data: "mode=755,size=65536k" + owned
        )
        for name in ["null", "zero", "full", "random", "urandom", "tty"] {
            let target = try InRoot.create(rootFD, "/dev/" + name, directory: false)
            defer { Glibc.close(target) }
            try Syscalls.mount("/dev/" + name, on: InRoot.procPath(target), type: nil, flags: UInt(MS_BIND))
        }
        try mount(
            "devpts", at: "/dev/pts", in: rootFD, type: "devpts", flags: UInt(MS_NOSUID | MS_NOEXEC),
            data: "newinstance,ptmxmode=0666,mode=0620")
        if ownShm {
            try mount(
                "shm", at: "/dev/shm", in: rootFD, type: "tmpfs", flags: noSuid, data: "mode=1777,size=65536k" + owned)
        } else {
            _ = mkdirat(rootFD, "dev/shm", 0o1777)
        }
        try mount("mqueue", at: "/dev/mqueue", in: rootFD, type: "mqueue", flags: noSuid)
        for (link, target) in [
            ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2"), ("ptmx", "pts/ptmx"), ("core", "/proc/kcore"),
        ] {
            _ = symlinkat(target, rootFD, "dev/" + link)
        }
    }

    /// The image seen through the pod's user namespace (an idmapped mount in this private mount
    /// namespace): its root-owned files are root's inside, so no image is chowned per id range.
    /// The upper layer stays plain: overlayfs works in it with the mounter's (host root's)
    /// credentials, which an idmapped upper could not represent (it would mount read-only);
    /// files the container creates there are owned by its host ids.
    static func layers(_ spec: ContainerSpec, userNamespace: Int32?) throws(LinuxError) -> (
        lower: String, upper: String, work: String
    ) {
        guard let userNamespace else { return (spec.image, spec.upperDirectory, spec.workDirectory) }
        let lower = spec.stateDirectory + "/idmapped-image"
        if mkdir(lower, 0o700) != 0 && errno != EEXIST { throw LinuxError("mkdir(\(lower))") }
        let target = try check("open(\(lower))") { Glibc.open(lower, O_PATH | O_DIRECTORY | O_CLOEXEC) }
        defer { Glibc.close(target) }
        try Syscalls.idmappedBind(spec.image, on: target, named: lower, userNamespace: userNamespace, readOnly: true)
        return (lower, spec.upperDirectory, spec.workDirectory)
    }

    static func mountVolume(_ volume: MountSpec, in rootFD: Int32, userNamespace: Int32? = nil) throws(LinuxError) {
        switch volume.kind {
        case .tmpfs:
            try mount(
                "tmpfs", at: volume.destination, in: rootFD, type: "tmpfs",
                flags: UInt(MS_NOSUID | MS_NODEV) | (volume.readOnly ? UInt(MS_RDONLY) : 0), data: volume.options)
        case .bind:
            var info = stat()
            try check("stat(\(volume.source))") { stat(volume.source, &info) }
            let target = try InRoot.create(rootFD, volume.destination, directory: (info.st_mode & S_IFMT) == S_IFDIR)
            defer { Glibc.close(target) }
            var recursive = true
            if let userNamespace {
                if try idmappedBind(volume, on: target, userNamespace: userNamespace) { return }
                recursive = false  // the fallback, like the idmapped bind, brings no submounts along
            }
            if volume.readOnly {
                try bindReadOnly(volume.source, at: volume.destination, in: rootFD, recursive: recursive)
            } else {
                try bind(volume.source, at: volume.destination, in: rootFD, recursive: recursive)
            }
        }
    }

    /// False when the filesystem cannot be idmapped and a plain bind is as safe: Linux before 6.3
    /// cannot idmap tmpfs (Debian 12 runs 6.1), the pod's /dev/shm and memory emptyDirs. A plain
    /// bind grants no more than the idmapped one: files keep their host owners, so the pod's root,
    /// an unprivileged id outside, writes only where the mode lets anyone (these roots are 1777).
    static func idmappedBind(_ volume: MountSpec, on target: Int32, userNamespace: Int32) throws(LinuxError) -> Bool {
        do {
            try Syscalls.idmappedBind(
                volume.source, on: target, named: volume.destination, userNamespace: userNamespace,
                readOnly: volume.readOnly)
            return true
        } catch  where error.errno == EINVAL && isTmpfs(volume.source) {
            return false
        }
    }

    static func isTmpfs(_ path: String) -> Bool { skiff_is_tmpfs(path) == 1 }

    static func bind(_ source: String, at path: String, in rootFD: Int32, recursive: Bool = true) throws(LinuxError) {
        let target = try InRoot.open(rootFD, path, flags: O_PATH)
        defer { Glibc.close(target) }
        try Syscalls.mount(
            source, on: InRoot.procPath(target), type: nil, flags: UInt(MS_BIND) | (recursive ? UInt(MS_REC) : 0))
    }

    /// A read-only bind needs two calls (MS_BIND ignores MS_RDONLY), and the remount must name
    /// the new mount on top, so the path is resolved again after the bind.
    static func bindReadOnly(
        _ source: String, at path: String, in rootFD: Int32, recursive: Bool = true
    ) throws(LinuxError) {
        try bind(source, at: path, in: rootFD, recursive: recursive)
        let mounted = try InRoot.open(rootFD, path, flags: O_PATH)
        defer { Glibc.close(mounted) }
        try Syscalls.mount(
            "", on: InRoot.procPath(mounted), type: nil,
            flags: UInt(MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV))
    }

    /// Mounts a fresh filesystem at `path` inside the root, creating the directory if needed.
    static func mount(
        _ source: String, at path: String, in rootFD: Int32, type: String, flags: UInt, data: String? = nil
    ) throws(LinuxError) {
        let target = try InRoot.create(rootFD, path, directory: true)
        defer { Glibc.close(target) }
        try Syscalls.mount(source, on: InRoot.procPath(target), type: type, flags: flags, data: data)
    }

    /// overlayfs splits its options on `,` and `lowerdir` on `:` — and image folders are named
    /// `NAME:TAG` — so both are escaped with a backslash, as the kernel's parser expects.
    static func overlayPath(_ path: String) -> String {
        var out = ""
        for c in path {
            if c == ":" || c == "," || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
