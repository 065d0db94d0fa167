/// ConfigMaps and Secrets (`ValidateConfigMap`, `ValidateSecret`): key syntax, total size, base64
/// for Secret data and ConfigMap binaryData, and the per-type keys of typed Secrets.
enum ConfigDataValidation {
    /// `core.MaxSecretSize`, shared by ConfigMaps.
    static let maxSize = 1024 * 1024
    static let redacted: JSON = "<secret contents redacted>"

    static func validateConfigMap(_ object: JSON, into errors: inout FieldErrors) {
        _ = errors.bool(object["immutable"], "immutable")
        let binary = errors.object(object["binaryData"], "binaryData") ?? [:]
        var total = 0
        for (key, value) in errors.stringMap(object["data"], "data").sorted(by: { $0.key < $1.key }) {
            for message in NameValidation.isConfigMapKey(key) {
                errors.invalid("data".keyed(key), .string(key), message)
            }
            if binary[key] != nil {
                errors.invalid("data".keyed(key), .string(key), "duplicate of key present in binaryData")
            }
            total += value.utf8.count
        }
        for key in binary.keys.sorted() {
            for message in NameValidation.isConfigMapKey(key) {
                errors.invalid("binaryData".keyed(key), .string(key), message)
            }
            guard let value = errors.string(binary[key], "binaryData".keyed(key)) else { continue }
            switch Base64Check.decodedLength(value) {
            case .success(let n): total += n
            case .failure(let message): errors.invalid("binaryData".keyed(key), .string(key), message)
            }
        }
        // Kubernetes reports the whole-object size at the empty path.
        if total > maxSize { errors.tooLong("", maxSize) }
    }

    static func validateSecret(_ object: JSON, into errors: inout FieldErrors) {
        _ = errors.bool(object["immutable"], "immutable")
        // stringData is merged into data before Kubernetes validates, so both report as `data[key]`.
        var keys: Set<String> = []
        var decoded: [String: [UInt8]] = [:]
        var total = 0
        for (key, value) in (errors.object(object["data"], "data") ?? [:]).sorted(by: { $0.key < $1.key }) {
            keys.insert(key)
            guard let text = errors.string(value, "data".keyed(key)) else { continue }
            switch Base64Check.decode(text) {
            case .success(let bytes):
                decoded[key] = bytes
                total += bytes.count
            case .failure(let message):
                errors.invalid("data".keyed(key), redacted, message)
            }
        }
        for (key, value) in errors.stringMap(object["stringData"], "stringData") {
            keys.insert(key)
            decoded[key] = Array(value.utf8)
            total += value.utf8.count
        }
        for key in keys.sorted() {
            for message in NameValidation.isConfigMapKey(key) {
                errors.invalid("data".keyed(key), .string(key), message)
            }
        }
        if total > maxSize { errors.tooLong("data", maxSize) }

        let type = errors.string(object["type"], "type") ?? ""
        func require(_ key: String) { if !keys.contains(key) { errors.required("data".keyed(key)) } }
        func requireJSON(_ key: String) {
            guard keys.contains(key) else { return errors.required("data".keyed(key)) }
            guard let bytes = decoded[key] else { return }
            do throws(JSON.ParseError) {
                _ = try JSON.parse(bytes)
            } catch {
                errors.invalid("data".keyed(key), redacted, error.description)
            }
        }
        switch type {
        case "kubernetes.io/service-account-token":
            let name = object[path: ["metadata", "annotations", "kubernetes.io/service-account.name"]]?.string ?? ""
            if name.isEmpty { errors.required("metadata.annotations".keyed("kubernetes.io/service-account.name")) }
        case "kubernetes.io/dockercfg":
            requireJSON(".dockercfg")
        case "kubernetes.io/dockerconfigjson":
            requireJSON(".dockerconfigjson")
        case "kubernetes.io/basic-auth":
            if !keys.contains("username"), !keys.contains("password") {
                errors.required("data[username]")
                errors.required("data[password]")
            }
        case "kubernetes.io/ssh-auth":
            require("ssh-privatekey")
        case "kubernetes.io/tls":
            require("tls.crt")
            require("tls.key")
        default:
            break
        }
    }
}

/// Standard base64 with padding, as Go's `encoding/json` decodes `[]byte` (CR and LF skipped).
enum Base64Check {
    enum Outcome<T> {
        case success(T)
        case failure(String)
    }

    static func decodedLength(_ text: String) -> Outcome<Int> {
        switch decode(text) {
        case .success(let bytes): .success(bytes.count)
        case .failure(let message): .failure(message)
        }
    }

    static func decode(_ text: String) -> Outcome<[UInt8]> {
        var out: [UInt8] = []
        var quad: [UInt8] = []
        var padding = 0
        for (offset, c) in text.utf8.enumerated() {
            if c == 0x0A || c == 0x0D { continue }
            let value: UInt8
            switch c {
            case 65...90: value = c - 65
            case 97...122: value = c - 71
            case 48...57: value = c + 4
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "=") where quad.count >= 2:
                padding += 1
                quad.append(0)
                if quad.count == 4 { flush(&quad, padding: padding, into: &out) }
                continue
            default:
                return .failure("illegal base64 data at input byte \(offset)")
            }
            if padding > 0 { return .failure("illegal base64 data at input byte \(offset)") }
            quad.append(value)
            if quad.count == 4 { flush(&quad, padding: 0, into: &out) }
        }
        if !quad.isEmpty { return .failure("illegal base64 data at input byte \(text.utf8.count)") }
        return .success(out)
    }

    private static func flush(_ quad: inout [UInt8], padding: Int, into out: inout [UInt8]) {
        let n = UInt32(quad[0]) << 18 | UInt32(quad[1]) << 12 | UInt32(quad[2]) << 6 | UInt32(quad[3])
        let bytes = [UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        out.append(contentsOf: bytes.prefix(3 - padding))
        quad.removeAll(keepingCapacity: true)
    }
}
