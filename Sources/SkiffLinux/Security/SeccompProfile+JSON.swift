import Glibc
import SkiffJSON

/// Reading the Docker / OCI JSON format. Unknown keys (`comment`, `flags`, ...) are ignored, as
/// Docker does; a key of the wrong type or an unknown action/operator is an error naming the
/// field, e.g. `seccomp profile: syscalls[2].args[0].op: unknown operator "SCMP_CMP_FOO"`.
extension SeccompProfile {
    /// Parses the text of a profile file.
    public init(jsonText: String) throws(LinuxError) {
        let json: JSON
        do {
            json = try JSON.parse(jsonText)
        } catch {
            throw LinuxError("seccomp profile: \(error)", errno: EINVAL)
        }
        try self.init(json: json)
    }

    public init(json: JSON) throws(LinuxError) {
        let root = try ProfileFields(json, path: "")
        guard let action = try root.string("defaultAction") else {
            throw ProfileFields.invalid("defaultAction", "missing")
        }
        defaultAction = try Self.action(action, at: "defaultAction")
        defaultErrnoRet = try root.errno("defaultErrnoRet")
        architectures = try root.strings("architectures")
        archMap = []
        for entry in try root.objects("archMap") {
            guard let arch = try entry.string("architecture") else {
                throw ProfileFields.invalid(entry.name("architecture"), "missing")
            }
            archMap.append(ArchMapEntry(arch, try entry.strings("subArchitectures")))
        }
        // Docker refuses the ambiguity rather than guess which list wins.
        if !architectures.isEmpty && !archMap.isEmpty {
            throw ProfileFields.invalid("architectures", "use either architectures or archMap, not both")
        }
        syscalls = []
        for entry in try root.objects("syscalls") {
            syscalls.append(try Self.rule(entry))
        }
    }

    private static func rule(_ fields: ProfileFields) throws(LinuxError) -> Rule {
        // Old profiles name one syscall per entry with "name"; newer ones list "names".
        var names = try fields.strings("names")
        if let name = try fields.string("name") {
            guard names.isEmpty else { throw ProfileFields.invalid(fields.name("name"), "use either name or names") }
            names = [name]
        }
        if names.isEmpty { throw ProfileFields.invalid(fields.name("names"), "missing") }
        guard let actionName = try fields.string("action") else {
            throw ProfileFields.invalid(fields.name("action"), "missing")
        }
        var rule = Rule(
            names, try action(actionName, at: fields.name("action")), errnoRet: try fields.errno("errnoRet"))
        for arg in try fields.objects("args") {
            guard let index = try arg.unsigned("index"), index < 6 else {
                throw ProfileFields.invalid(arg.name("index"), "missing or not 0...5")
            }
            guard let opName = try arg.string("op") else { throw ProfileFields.invalid(arg.name("op"), "missing") }
            guard let op = Operator(rawValue: opName) else {
                throw ProfileFields.invalid(arg.name("op"), "unknown operator \"\(opName)\"")
            }
            let value = try arg.unsigned("value") ?? 0
            rule.args.append(
                Arg(index: UInt32(index), value: value, valueTwo: try arg.unsigned("valueTwo") ?? 0, op: op))
        }
        rule.includes = try filter(fields.object("includes"))
        rule.excludes = try filter(fields.object("excludes"))
        return rule
    }

    private static func filter(_ fields: ProfileFields?) throws(LinuxError) -> Filter {
        guard let fields else { return Filter() }
        let minKernel = try fields.string("minKernel")
        if let minKernel, KernelVersion(minKernel) == nil {
            throw ProfileFields.invalid(fields.name("minKernel"), "\"\(minKernel)\" is not a kernel version like 4.8")
        }
        return Filter(caps: try fields.strings("caps"), arches: try fields.strings("arches"), minKernel: minKernel)
    }

    private static func action(_ name: String, at path: String) throws(LinuxError) -> Action {
        if let action = Action(rawValue: name) { return action }
        if name == "SCMP_ACT_NOTIFY" {
            throw ProfileFields.invalid(path, "SCMP_ACT_NOTIFY needs a seccomp agent, which Skiff does not run")
        }
        throw ProfileFields.invalid(path, "unknown action \"\(name)\"")
    }
}

/// One JSON object of a profile with its path, for error messages. A `null` value counts as
/// absent (Docker writes `"subArchitectures": null`).
struct ProfileFields {
    let path: String
    let fields: [String: JSON]

    init(_ json: JSON, path: String) throws(LinuxError) {
        guard let object = json.object else {
            throw Self.invalid(path.isEmpty ? "profile" : path, "expected an object")
        }
        self.path = path
        self.fields = object
    }

    static func invalid(_ path: String, _ problem: String) -> LinuxError {
        LinuxError("seccomp profile: \(path): \(problem)", errno: EINVAL)
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func value(_ key: String) -> JSON? {
        guard let value = fields[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws(LinuxError) -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.string else { throw Self.invalid(name(key), "expected a string") }
        return string
    }

    func strings(_ key: String) throws(LinuxError) -> [String] {
        guard let value = value(key) else { return [] }
        guard let array = value.array else { throw Self.invalid(name(key), "expected an array of strings") }
        var result: [String] = []
        for (i, element) in array.enumerated() {
            guard let string = element.string else { throw Self.invalid("\(name(key))[\(i)]", "expected a string") }
            result.append(string)
        }
        return result
    }

    /// A non-negative integer. Values above Int64.max arrive as doubles from the parser and are
    /// taken when they are whole numbers below 2^64.
    func unsigned(_ key: String) throws(LinuxError) -> UInt64? {
        guard let value = value(key) else { return nil }
        switch value {
        case .int(let i) where i >= 0: return UInt64(i)
        case .double(let d) where d >= 0 && d < 18_446_744_073_709_551_616.0 && d.rounded() == d: return UInt64(d)
        default: throw Self.invalid(name(key), "expected a non-negative integer")
        }
    }

    /// An errno value (or TRACE message): 16 bits in the filter's return value.
    func errno(_ key: String) throws(LinuxError) -> UInt32? {
        guard let value = try unsigned(key) else { return nil }
        guard value <= 0xFFFF else { throw Self.invalid(name(key), "\(value) does not fit in 16 bits") }
        return UInt32(value)
    }

    func object(_ key: String) throws(LinuxError) -> ProfileFields? {
        guard let value = value(key) else { return nil }
        return try ProfileFields(value, path: name(key))
    }

    func objects(_ key: String) throws(LinuxError) -> [ProfileFields] {
        guard let value = value(key) else { return [] }
        guard let array = value.array else { throw Self.invalid(name(key), "expected an array") }
        var result: [ProfileFields] = []
        for (i, element) in array.enumerated() {
            result.append(try ProfileFields(element, path: "\(name(key))[\(i)]"))
        }
        return result
    }
}
