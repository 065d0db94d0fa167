import Glibc
import SkiffJSON

/// Reads the JSON specs the agent writes for skiff-init, naming the field on every error
/// (`container.mounts[2].destination: missing`). Hand-written rather than Codable because
/// skiff-init has no Foundation, so no JSONDecoder.
struct SpecReader {
    let fields: [String: JSON]
    let path: String

    init(_ json: JSON, path: String) throws(LinuxError) {
        guard let fields = json.object else { throw LinuxError("\(path): expected an object", errno: EINVAL) }
        self.fields = fields
        self.path = path
    }

    func string(_ key: String) throws(LinuxError) -> String {
        guard let value = fields[key]?.string else {
            throw LinuxError("\(path).\(key): missing or not a string", errno: EINVAL)
        }
        return value
    }

    func optionalString(_ key: String) -> String? { fields[key]?.string }

    func bool(_ key: String, default fallback: Bool = false) -> Bool { fields[key]?.bool ?? fallback }

    func int(_ key: String) -> Int64? { fields[key]?.int }

    func strings(_ key: String) -> [String] { fields[key]?.array?.compactMap(\.string) ?? [] }

    func object(_ key: String) throws(LinuxError) -> SpecReader? {
        guard let value = fields[key], !value.isNull else { return nil }
        return try SpecReader(value, path: "\(path).\(key)")
    }

    func objects(_ key: String) throws(LinuxError) -> [SpecReader] {
        var out: [SpecReader] = []
        for (index, item) in (fields[key]?.array ?? []).enumerated() {
            out.append(try SpecReader(item, path: "\(path).\(key)[\(index)]"))
        }
        return out
    }
}

extension JSON {
    /// Drops nil and default-valued entries so specs on disk stay short and readable.
    package static func compactObject(_ pairs: [(String, JSON?)]) -> JSON {
        var fields: [String: JSON] = [:]
        for (key, value) in pairs {
            guard let value else { continue }
            switch value {
            case .null, .bool(false): continue
            case .array(let items) where items.isEmpty: continue
            default: fields[key] = value
            }
        }
        return .object(fields)
    }
}
