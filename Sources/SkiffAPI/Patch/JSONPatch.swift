/// JSON patch (RFC 6902), sent with `Content-Type: application/json-patch+json`.
///
/// The document is an array of operations applied in order. If any operation fails the whole patch
/// fails and the target is left as it was (`JSON` is a value, so the work happens on a copy).
///
/// Errors follow Kubernetes: a document that is not a well-formed patch (not an array, unknown `op`,
/// missing `path`/`value`/`from`, a pointer that does not start with `/`) is `.badRequest` (400); an
/// operation that is well-formed but cannot be applied (missing path, bad array index, failed `test`)
/// is `.invalid` (422). The message names the operation by its zero-based position in the array:
/// `the patch operation 1 (replace /spec/x): path does not exist`.
public enum JSONPatch {
    public static func apply(_ operations: JSON, to target: JSON) throws(SkiffError) -> JSON {
        guard case .array(let list) = operations else {
            throw SkiffError(.badRequest, "a JSON patch must be an array of operations")
        }
        var document = target
        for (index, raw) in list.enumerated() {
            let operation = try Operation(raw, index: index)
            do {
                try operation.apply(to: &document)
            } catch {
                throw SkiffError(.invalid, "the patch operation \(index) (\(operation.summary)): \(error.reason)")
            }
        }
        return document
    }

    /// Why an operation could not be applied; `apply` adds which operation it was.
    struct Failure: Error {
        var reason: String
        static let missing = Failure(reason: "path does not exist")
    }

    /// One decoded operation. Decoding checks the document's shape, so `apply` only meets problems
    /// that depend on the target.
    struct Operation {
        enum Kind: String { case add, remove, replace, move, copy, test }
        var kind: Kind
        var path: JSONPointer
        var from: JSONPointer?
        var value: JSON

        var summary: String { "\(kind.rawValue) \(path.text)" }

        init(_ raw: JSON, index: Int) throws(SkiffError) {
            func malformed(_ why: String) -> SkiffError {
                SkiffError(.badRequest, "the patch operation \(index) is malformed: \(why)")
            }
            guard let members = raw.object else { throw malformed("an operation must be an object") }
            guard let opName = members["op"]?.string else { throw malformed("missing \"op\"") }
            guard let kind = Kind(rawValue: opName) else { throw malformed("unknown op \"\(opName)\"") }
            guard let pathText = members["path"]?.string else { throw malformed("missing \"path\"") }
            guard let path = JSONPointer(pathText) else { throw malformed("invalid JSON pointer \"\(pathText)\"") }
            self.kind = kind
            self.path = path
            // `value` may legitimately be null, so presence is what counts, not the value.
            switch kind {
            case .add, .replace, .test:
                guard let value = members["value"] else { throw malformed("missing \"value\"") }
                self.value = value
            case .remove, .move, .copy:
                self.value = .null
            }
            if kind == .move || kind == .copy {
                guard let fromText = members["from"]?.string else { throw malformed("missing \"from\"") }
                guard let from = JSONPointer(fromText) else { throw malformed("invalid JSON pointer \"\(fromText)\"") }
                self.from = from
            }
        }

        func apply(to document: inout JSON) throws(Failure) {
            switch kind {
            case .add:
                try JSONPointer.add(value, at: path.tokens[...], in: &document)
            case .remove:
                _ = try JSONPointer.remove(at: path.tokens[...], in: &document)
            case .replace:
                // Replace requires the target to exist; removing first checks that and, for an
                // array element, leaves the slot where the new value is inserted.
                _ = try JSONPointer.remove(at: path.tokens[...], in: &document, allowRoot: true)
                try JSONPointer.add(value, at: path.tokens[...], in: &document)
            case .move:
                guard let from else { return }
                if from.tokens == path.tokens {
                    guard JSONPointer.value(at: from.tokens[...], in: document) != nil else {
                        throw Failure(reason: "from path \(from.text) does not exist")
                    }
                    return
                }
                if path.tokens.count > from.tokens.count && path.tokens.starts(with: from.tokens) {
                    throw Failure(reason: "cannot move \(from.text) into one of its own children")
                }
                let moved: JSON
                do {
                    moved = try JSONPointer.remove(at: from.tokens[...], in: &document)
                } catch {
                    throw Failure(reason: "from path \(from.text): \(error.reason)")
                }
                try JSONPointer.add(moved, at: path.tokens[...], in: &document)
            case .copy:
                guard let from else { return }
                guard let copied = JSONPointer.value(at: from.tokens[...], in: document) else {
                    throw Failure(reason: "from path \(from.text) does not exist")
                }
                try JSONPointer.add(copied, at: path.tokens[...], in: &document)
            case .test:
                guard let actual = JSONPointer.value(at: path.tokens[...], in: document) else { throw .missing }
                guard actual.isPatchEqual(to: value) else {
                    throw Failure(
                        reason: "test failed: the value is \(actual.serializedString()), "
                            + "not \(value.serializedString())")
                }
            }
        }
    }
}

extension JSON {
    /// Equality as RFC 6902 `test` and strategic-merge keys need it: numbers compare by value
    /// (`80` equals `80.0`, which YAML clients send interchangeably), objects ignore member order,
    /// arrays compare element by element in order.
    func isPatchEqual(to other: JSON) -> Bool {
        switch (self, other) {
        case (.int(let a), .int(let b)): return a == b
        case (.int, .double), (.double, .int), (.double, .double):
            guard let a = double, let b = other.double else { return false }
            return a == b
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            return zip(a, b).allSatisfy { $0.isPatchEqual(to: $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let otherValue = b[key], value.isPatchEqual(to: otherValue) else { return false }
            }
            return true
        default:
            return self == other
        }
    }
}
