import Glibc
import SkiffAPI
import SkiffLinux

/// The OCI `config.json` crun and runc get in the start benchmark: what `skiff-init run` sets
/// up, in the runtimes' own format, so all three do the same work. pid, net, ipc, uts, mount and
/// cgroup namespaces; the default 14 capabilities; no_new_privs; Docker's default seccomp profile
/// (Skiff's `RuntimeDefault`, resolved for those capabilities on this machine); the same /proc,
/// /sys and /dev mounts and masked and read-only paths; the same hostname.
///
/// One difference is left on purpose: skiff-init mounts an overlay (image below, a fresh upper
/// layer) as the container's root on every start, while crun and runc get the image directory
/// itself read-only, since they never make an overlay themselves (containerd or CRI-O does,
/// before calling them). That is extra work on Skiff's side only.
enum OCIConfig {
    /// The paths skiff-init masks and makes read-only, so all three runtimes do the same work.
    static let maskedPaths = ContainerMounts.maskedPaths
    static let readOnlyPaths = ContainerMounts.readOnlyPaths

    /// `cgroupsPath` nil leaves it out (crun `--cgroup-manager=disabled`).
    static func make(rootfs: String, arguments: [String], hostname: String, cgroupsPath: String?) throws -> JSON {
        let capabilities: [JSON] = Capabilities.defaultSet.map { .string("CAP_" + $0) }
        var linux: [String: JSON] = [
            "namespaces": .array(["pid", "network", "ipc", "uts", "mount", "cgroup"].map { ["type": .string($0)] }),
            "maskedPaths": .array(maskedPaths.map { .string($0) }),
            "readonlyPaths": .array(readOnlyPaths.map { .string($0) }),
            "seccomp": try seccomp(capabilities: Capabilities.defaultSet),
        ]
        if let cgroupsPath { linux["cgroupsPath"] = .string(cgroupsPath) }
        return [
            "ociVersion": "1.0.2",
            "process": [
                "terminal": false,
                "user": ["uid": 0, "gid": 0],
                "args": .array(arguments.map { .string($0) }),
                "env": .array([.string(ContainerSpec.defaultPath)]),
                "cwd": "/",
                "capabilities": [
                    "bounding": .array(capabilities), "effective": .array(capabilities),
                    "permitted": .array(capabilities), "inheritable": .array(capabilities),
                ],
                "noNewPrivileges": true,
            ],
            "root": ["path": .string(rootfs), "readonly": true],
            "hostname": .string(hostname),
            "mounts": [
                mount("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
                mount("/dev", "tmpfs", "tmpfs", ["nosuid", "mode=755", "size=65536k"]),
                mount(
                    "/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]),
                mount("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
                mount("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
                mount("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
            ],
            "linux": .object(linux),
        ]
    }

    static func mount(_ destination: String, _ type: String, _ source: String, _ options: [String]) -> JSON {
        [
            "destination": .string(destination), "type": .string(type), "source": .string(source),
            "options": .array(options.map { .string($0) }),
        ]
    }

    /// The rules skiff-init loads, in the OCI spec's shape. Rules whose action is the default
    /// one are dropped, as Skiff's compiler does (libseccomp refuses them).
    static func seccomp(capabilities: [String]) throws -> JSON {
        let profile = SeccompProfile.runtimeDefault
        var rules: [JSON] = []
        for rule in try profile.effectiveRules(capabilities: capabilities)
        where !(rule.action == profile.defaultAction && (rule.errnoRet ?? 1) == (profile.defaultErrnoRet ?? 1)) {
            var entry: [String: JSON] = [
                "names": .array(rule.names.map { .string($0) }), "action": .string(rule.action.rawValue),
            ]
            if let errnoRet = rule.errnoRet { entry["errnoRet"] = .int(Int64(errnoRet)) }
            if !rule.args.isEmpty {
                entry["args"] = .array(
                    rule.args.map { arg in
                        [
                            "index": .int(Int64(arg.index)), "value": number(arg.value),
                            "valueTwo": number(arg.valueTwo),
                            "op": .string(arg.op.rawValue),
                        ]
                    })
            }
            rules.append(.object(entry))
        }
        return [
            "defaultAction": .string(profile.defaultAction.rawValue),
            "architectures": .array(nativeArchitectures(profile).map { .string($0) }),
            "syscalls": .array(rules),
        ]
    }

    /// JSON integers are signed 64-bit here; the profile's values (flag masks, personas) all fit.
    static func number(_ value: UInt64) -> JSON { Int64(exactly: value).map(JSON.int) ?? .double(Double(value)) }

    /// The native ABI and its compat ABIs from the profile's arch map (x86_64: x86 and x32 too).
    static func nativeArchitectures(_ profile: SeccompProfile) -> [String] {
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let native = "SCMP_ARCH_" + machine.uppercased()
        let entry = profile.archMap.first { $0.architecture == native }
        return [native] + (entry?.subArchitectures ?? [])
    }
}
