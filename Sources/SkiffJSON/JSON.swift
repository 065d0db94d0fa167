/// A Kubernetes object as the API server sees it: untyped JSON.
///
/// The API server stores, patches, validates and filters objects of many kinds without knowing
/// every field, as Kubernetes' "unstructured" objects do. Integers and doubles are kept apart so
/// that `replicas: 3` is written back as `3`, never `3.0` (the Python client rejects floats where
/// the OpenAPI spec says integer).
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])
}

extension JSON {
    public static let emptyObject = JSON.object([:])

    public var isNull: Bool { if case .null = self { true } else { false } }
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var object: [String: JSON]? { if case .object(let o) = self { o } else { nil } }
    public var array: [JSON]? { if case .array(let a) = self { a } else { nil } }

    /// Integer value; a double with no fractional part counts (YAML and JSON clients differ).
    public var int: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int64(d)
        default: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// Member of an object; `nil` for a missing key or when this is not an object.
    /// Setting `nil` removes the key; setting on a non-object turns it into an object.
    public subscript(key: String) -> JSON? {
        get { if case .object(let o) = self { o[key] } else { nil } }
        set {
            var o = object ?? [:]
            o[key] = newValue
            self = .object(o)
        }
    }

    /// Value at a path of object keys, e.g. `["metadata", "labels"]`.
    public subscript(path path: [String]) -> JSON? {
        get {
            var current: JSON? = self
            for key in path { current = current?[key] }
            return current
        }
        set {
            guard let first = path.first else {
                if let newValue { self = newValue }
                return
            }
            if path.count == 1 {
                self[first] = newValue
                return
            }
            var child = self[first] ?? .emptyObject
            if child.object == nil { child = .emptyObject }
            child[path: Array(path.dropFirst())] = newValue
            self[first] = child
        }
    }

    /// A string map such as labels or annotations; non-string values are skipped.
    public func stringMap(_ path: [String]) -> [String: String] {
        guard let o = self[path: path]?.object else { return [:] }
        var result: [String: String] = [:]
        for (k, v) in o { if let s = v.string { result[k] = s } }
        return result
    }

    public init(_ map: [String: String]) {
        self = .object(map.mapValues { .string($0) })
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSON: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSON].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
