import Glibc
import SkiffJSON

extension ContainerSpec {
    /// Reads a spec saved as `specFile`.
    public init(file path: String) throws(LinuxError) {
        guard let text = Syscalls.readFile(path) else { throw LinuxError("read container spec \(path)") }
        guard let json = try? JSON.parse(text) else {
            throw LinuxError("parse container spec \(path)", errno: EINVAL)
        }
        try self.init(json: json)
    }

    public init(json: JSON) throws(LinuxError) {
        let r = try SpecReader(json, path: "container")
        self.init(
            name: r.optionalString("name") ?? "main", image: try r.string("image"),
            stateDirectory: try r.string("stateDirectory"), hostname: r.optionalString("hostname"),
            arguments: r.strings("args"), environment: r.strings("env"),
            workingDirectory: r.optionalString("workingDir") ?? "/")
        guard !arguments.isEmpty else { throw LinuxError("container.args: no command given", errno: EINVAL) }
        for m in try r.objects("mounts") {
            let kindName = m.optionalString("type") ?? "bind"
            guard let kind = MountSpec.Kind(rawValue: kindName) else {
                throw LinuxError("\(m.path).type: \(kindName) is not bind or tmpfs", errno: EINVAL)
            }
            let destination = try m.string("destination")
            guard destination.hasPrefix("/") else {
                throw LinuxError("\(m.path).destination: \(destination) is not an absolute path", errno: EINVAL)
            }
            mounts.append(
                MountSpec(
                    kind: kind, source: m.optionalString("source") ?? kindName, destination: destination,
                    readOnly: m.bool("readOnly"), options: m.optionalString("options")))
        }
        if let c = try r.object("cgroup") {
            cgroup = CgroupPlacement(v2Directory: c.optionalString("v2Directory"), procsFiles: c.strings("procsFiles"))
        }
        if let s = try r.object("security") {
            security = try SecuritySpec(reader: s)
        }
        logPath = r.optionalString("logPath")
        stdin = r.bool("stdin")
        tty = r.bool("tty")
    }

    public var json: JSON {
        .compactObject([
            ("name", .string(name)), ("image", .string(image)), ("stateDirectory", .string(stateDirectory)),
            ("hostname", hostname.map(JSON.string)), ("args", .array(arguments.map(JSON.string))),
            ("env", .array(environment.map(JSON.string))), ("workingDir", .string(workingDirectory)),
            (
                "mounts",
                .array(
                    mounts.map {
                        .compactObject([
                            ("type", .string($0.kind.rawValue)), ("source", .string($0.source)),
                            ("destination", .string($0.destination)), ("readOnly", .bool($0.readOnly)),
                            ("options", $0.options.map(JSON.string)),
                        ])
                    })
            ),
            (
                "cgroup",
                .compactObject([
                    ("v2Directory", cgroup.v2Directory.map(JSON.string)),
                    ("procsFiles", .array(cgroup.procsFiles.map(JSON.string))),
                ])
            ),
            ("security", security.json), ("logPath", logPath.map(JSON.string)),
            ("stdin", stdin ? .bool(true) : nil), ("tty", tty ? .bool(true) : nil),
        ])
    }
}

extension SecuritySpec {
    init(reader s: SpecReader) throws(LinuxError) {
        let seccomp: Seccomp
        switch s.optionalString("seccomp") ?? "RuntimeDefault" {
        case "RuntimeDefault": seccomp = .runtimeDefault
        case "Unconfined": seccomp = .unconfined
        case let path where path.hasPrefix("/"): seccomp = .localhost(path)
        case let other:
            throw LinuxError(
                "\(s.path).seccomp: \(other) is not RuntimeDefault, Unconfined or an absolute profile path",
                errno: EINVAL)
        }
        self.init(
            capabilities: s.fields["capabilities"] == nil ? nil : s.strings("capabilities"),
            noNewPrivileges: s.bool("noNewPrivileges", default: true), seccomp: seccomp,
            readOnlyRootFilesystem: s.bool("readOnlyRootFilesystem"), privileged: s.bool("privileged"),
            uid: UInt32(clamping: s.int("uid") ?? 0), gid: UInt32(clamping: s.int("gid") ?? 0),
            supplementaryGroups: (s.fields["groups"]?.array ?? []).compactMap { $0.int.map { UInt32(clamping: $0) } })
        if let hex = s.optionalString("seccompProgram") {
            guard let program = Hex.decode(hex), !program.isEmpty else {
                throw LinuxError("\(s.path).seccompProgram: not a hexadecimal BPF program", errno: EINVAL)
            }
            seccompProgram = program
        }
    }

    var json: JSON {
        let seccompName: String
        switch seccomp {
        case .runtimeDefault: seccompName = "RuntimeDefault"
        case .unconfined: seccompName = "Unconfined"
        case .localhost(let path): seccompName = path
        }
        var fields =
            JSON.compactObject([
                ("seccomp", .string(seccompName)), ("readOnlyRootFilesystem", .bool(readOnlyRootFilesystem)),
                ("privileged", .bool(privileged)), ("uid", uid == 0 ? nil : .int(Int64(uid))),
                ("gid", gid == 0 ? nil : .int(Int64(gid))),
                ("groups", .array(supplementaryGroups.map { .int(Int64($0)) })),
            ]).object ?? [:]
        // Written even when empty or true: an empty list (drop ALL) differs from the default set.
        if let capabilities { fields["capabilities"] = .array(capabilities.map(JSON.string)) }
        fields["noNewPrivileges"] = .bool(noNewPrivileges)
        if let seccompProgram { fields["seccompProgram"] = .string(Hex.encode(seccompProgram)) }
        return .object(fields)
    }
}
