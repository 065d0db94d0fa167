import SkiffAPI
import Yams

/// YAML ⇄ JSON for manifests (`skiff apply -f`), `-o yaml`, and server-side apply bodies
/// (`application/apply-patch+yaml`, which kubectl fills with JSON — YAML is a superset).
/// Yams does the parsing; this file only maps its nodes onto `JSON` with YAML 1.1 scalar
/// resolution, as kubectl reads manifests.
public enum YAML {
    /// Every document of a multi-document stream; empty documents (`---` alone) are skipped.
    public static func documents(_ text: String) throws(SkiffError) -> [JSON] {
        do {
            var result: [JSON] = []
            // The sequence keeps a parse error in `error` and ends early instead of throwing.
            var nodes = try Yams.compose_all(yaml: text)
            while let node = nodes.next() {
                let value = try json(node)
                if !value.isNull { result.append(value) }
            }
            if let error = nodes.error { throw error }
            return result
        } catch let error as SkiffError {
            throw error
        } catch {
            throw SkiffError.badRequest("invalid YAML: \(describe(error))")
        }
    }

    /// Exactly one document.
    public static func parse(_ text: String) throws(SkiffError) -> JSON {
        let docs = try documents(text)
        guard docs.count == 1 else {
            throw SkiffError.badRequest("expected one YAML document, found \(docs.count)")
        }
        return docs[0]
    }

    private static func describe(_ error: any Error) -> String {
        guard let yaml = error as? YamlError else { return "\(error)" }
        switch yaml {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        default:
            return "\(yaml)".split(separator: "\n").first.map(String.init) ?? "\(yaml)"
        }
    }

    private static func json(_ node: Node) throws(SkiffError) -> JSON {
        switch node {
        case .scalar(let scalar):
            // Yams resolves the tag (plain `true` is a bool, quoted "true" a string).
            if node.null != nil { return .null }
            if let b = node.bool { return .bool(b) }
            if let i = node.int { return .int(Int64(i)) }
            if let d = node.float { return .double(d) }
            return .string(scalar.string)
        case .mapping(let mapping):
            var object: [String: JSON] = [:]
            for (key, value) in mapping {
                guard let k = key.string else {
                    throw SkiffError.badRequest("invalid YAML: a mapping key is not a string")
                }
                object[k] = try json(value)
            }
            return .object(object)
        case .sequence(let sequence):
            var array: [JSON] = []
            for element in sequence { array.append(try json(element)) }
            return .array(array)
        case .alias:
            throw SkiffError.badRequest("invalid YAML: aliases are not supported")
        }
    }

    /// Renders JSON as block YAML with sorted keys; strings that would read back as another type
    /// (`"true"`, `"1"`, `"null"`) are quoted.
    public static func render(_ value: JSON) -> String {
        (try? Yams.serialize(node: node(value), sortKeys: true)) ?? value.serializedString()
    }

    private static func node(_ value: JSON) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .int(let i): return Node(String(i), Tag(.int))
        case .double(let d): return Node("\(d)", Tag(.float))
        case .string(let s):
            let plain = Node(s)
            let ambiguous = Resolver.default.resolveTag(of: plain) != .str
            let style: Node.Scalar.Style = ambiguous ? .doubleQuoted : (s.contains("\n") ? .literal : .any)
            return Node(s, Tag(.str), style)
        case .array(let a): return Node(a.map(node))
        case .object(let o): return Node(o.keys.sorted().map { (Node($0, Tag(.str)), node(o[$0] ?? .null)) })
        }
    }
}
