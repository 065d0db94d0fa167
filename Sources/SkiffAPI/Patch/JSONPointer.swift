/// A JSON pointer (RFC 6901) as JSON patch uses it: `""` is the whole document, `/a/b` walks object
/// members, `/items/0` indexes an array, and `~1` / `~0` stand for `/` and `~` inside a token
/// (so the annotation `kubectl.kubernetes.io/restartedAt` is `/metadata/annotations/kubectl.kubernetes.io~1restartedAt`).
struct JSONPointer: Sendable, Equatable {
    /// The pointer as the client wrote it, for error messages.
    var text: String
    /// Unescaped reference tokens; empty for the whole document.
    var tokens: [String]

    /// `nil` for a malformed pointer: one that is not empty and does not start with `/`, or has a
    /// `~` not followed by `0` or `1`.
    init?(_ text: String) {
        self.text = text
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { return nil }
        var result: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let token = JSONPointer.unescape(raw) else { return nil }
            result.append(token)
        }
        tokens = result
    }

    /// `~1` becomes `/` and `~0` becomes `~`, decoded left to right so `~01` is `~1`, not `/`.
    private static func unescape(_ raw: Substring) -> String? {
        guard raw.contains("~") else { return String(raw) }
        var out = ""
        var escaping = false
        for character in raw {
            if escaping {
                switch character {
                case "0": out.append("~")
                case "1": out.append("/")
                default: return nil
                }
                escaping = false
            } else if character == "~" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return escaping ? nil : out
    }

    /// An array index token: decimal digits without leading zeros (RFC 6901 section 4), or `nil`.
    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if token.count > 1 && token.hasPrefix("0") { return nil }
        return Int(token)  // nil on overflow
    }

    /// The value the pointer refers to, or `nil` if there is none.
    static func value(at tokens: ArraySlice<String>, in node: JSON) -> JSON? {
        guard let head = tokens.first else { return node }
        switch node {
        case .object(let members):
            guard let child = members[head] else { return nil }
            return value(at: tokens.dropFirst(), in: child)
        case .array(let items):
            guard let index = arrayIndex(head), index < items.count else { return nil }
            return value(at: tokens.dropFirst(), in: items[index])
        default:
            return nil
        }
    }

    /// Walks to the container that holds the last token and lets `body` change it. Every container
    /// on the way must exist: JSON patch never creates intermediate objects.
    private static func withParent(
        of tokens: ArraySlice<String>, in node: inout JSON,
        _ body: (inout JSON, String) throws(JSONPatch.Failure) -> Void
    ) throws(JSONPatch.Failure) {
        guard let head = tokens.first else { return }
        let rest = tokens.dropFirst()
        if rest.isEmpty {
            try body(&node, head)
            return
        }
        switch node {
        case .object(var members):
            guard var child = members[head] else { throw .missing }
            try withParent(of: rest, in: &child, body)
            members[head] = child
            node = .object(members)
        case .array(var items):
            guard let index = arrayIndex(head), index < items.count else { throw .missing }
            try withParent(of: rest, in: &items[index], body)
            node = .array(items)
        default:
            throw .missing
        }
    }

    /// RFC 6902 `add`: sets an object member (replacing any value), inserts into an array before the
    /// index (`-` appends), or replaces the whole document for the empty pointer.
    static func add(_ value: JSON, at tokens: ArraySlice<String>, in document: inout JSON) throws(JSONPatch.Failure) {
        guard !tokens.isEmpty else {
            document = value
            return
        }
        try withParent(of: tokens, in: &document) { (parent: inout JSON, token: String) throws(JSONPatch.Failure) in
            switch parent {
            case .object(var members):
                members[token] = value
                parent = .object(members)
            case .array(var items):
                if token == "-" {
                    items.append(value)
                } else {
                    guard let index = arrayIndex(token) else {
                        throw JSONPatch.Failure(reason: "\"\(token)\" is not a valid array index")
                    }
                    guard index <= items.count else {
                        throw JSONPatch.Failure(reason: "array index \(index) is out of bounds (size \(items.count))")
                    }
                    items.insert(value, at: index)
                }
                parent = .array(items)
            default:
                throw .missing
            }
        }
    }

    /// RFC 6902 `remove`: the value must exist; returns it so `move` can re-add it. The whole
    /// document can only be "removed" as the first half of a `replace` (`allowRoot`).
    static func remove(
        at tokens: ArraySlice<String>, in document: inout JSON, allowRoot: Bool = false
    ) throws(JSONPatch.Failure) -> JSON {
        guard !tokens.isEmpty else {
            guard allowRoot else { throw JSONPatch.Failure(reason: "cannot remove the whole document") }
            return document
        }
        var removed: JSON = .null
        try withParent(of: tokens, in: &document) { (parent: inout JSON, token: String) throws(JSONPatch.Failure) in
            switch parent {
            case .object(var members):
                guard let old = members.removeValue(forKey: token) else { throw .missing }
                removed = old
                parent = .object(members)
            case .array(var items):
                guard let index = arrayIndex(token), index < items.count else { throw .missing }
                removed = items.remove(at: index)
                parent = .array(items)
            default:
                throw .missing
            }
        }
        return removed
    }
}
