/// Collects field errors while walking an untyped object, like Kubernetes' `field.ErrorList`.
///
/// Bodies come from users, so every read goes through a typed accessor here: a value of the wrong
/// JSON type becomes a cause (where Kubernetes would fail decoding), never a crash, and the walk
/// goes on so that one request reports all its problems at once.
struct FieldErrors {
    var causes: [SkiffError.Cause] = []

    var isEmpty: Bool { causes.isEmpty }

    mutating func append(contentsOf other: [SkiffError.Cause]) { causes += other }

    /// `field.Required`: the message is `Required value`, plus `: detail` when there is one.
    mutating func required(_ field: String, _ detail: String = "") {
        causes.append(.required(field, detail.isEmpty ? "Required value" : "Required value: " + detail))
    }

    mutating func invalid(_ field: String, _ value: JSON, _ detail: String) {
        causes.append(.invalid(field, value, detail))
    }

    mutating func notSupported(_ field: String, _ value: JSON, _ supported: [String]) {
        causes.append(.notSupported(field, value, supported))
    }

    mutating func forbidden(_ field: String, _ detail: String) { causes.append(.forbidden(field, detail)) }

    mutating func duplicate(_ field: String, _ value: JSON) { causes.append(.duplicate(field, value)) }

    /// `field.NotFound`, e.g. a volumeMount naming no volume.
    mutating func notFound(_ field: String, _ value: JSON) {
        causes.append(
            SkiffError.Cause(
                reason: "FieldValueNotFound", message: "Not found: \(value.quotedForMessage)", field: field))
    }

    /// `field.TooLong`, which leaves the (large) value out of the message.
    mutating func tooLong(_ field: String, _ maxBytes: Int) {
        causes.append(
            SkiffError.Cause(
                reason: "FieldValueTooLong", message: "Too long: must have at most \(maxBytes) bytes", field: field))
    }

    /// A value of the wrong JSON type; names the type found rather than echoing a whole subtree.
    mutating func wrongType(_ field: String, _ value: JSON, expected: String) {
        causes.append(
            SkiffError.Cause(
                reason: "FieldValueTypeInvalid",
                message: "Invalid value: \"\(value.jsonTypeName)\": must be of type \(expected)", field: field))
    }

    // MARK: typed reads; nil (and no cause) for absent or null values

    mutating func object(_ value: JSON?, _ field: String) -> [String: JSON]? {
        guard let value, !value.isNull else { return nil }
        if let o = value.object { return o }
        wrongType(field, value, expected: "object")
        return nil
    }

    mutating func array(_ value: JSON?, _ field: String) -> [JSON]? {
        guard let value, !value.isNull else { return nil }
        if let a = value.array { return a }
        wrongType(field, value, expected: "array")
        return nil
    }

    mutating func string(_ value: JSON?, _ field: String) -> String? {
        guard let value, !value.isNull else { return nil }
        if let s = value.string { return s }
        wrongType(field, value, expected: "string")
        return nil
    }

    mutating func int(_ value: JSON?, _ field: String) -> Int64? {
        guard let value, !value.isNull else { return nil }
        if let i = value.int { return i }
        wrongType(field, value, expected: "integer")
        return nil
    }

    mutating func bool(_ value: JSON?, _ field: String) -> Bool? {
        guard let value, !value.isNull else { return nil }
        if let b = value.bool { return b }
        wrongType(field, value, expected: "boolean")
        return nil
    }

    /// A `map[string]string` such as labels; a non-string member is reported at `field[key]`.
    mutating func stringMap(_ value: JSON?, _ field: String) -> [String: String] {
        guard let members = object(value, field) else { return [:] }
        var result: [String: String] = [:]
        for key in members.keys.sorted() {
            guard let member = members[key] else { continue }
            if let s = member.string {
                result[key] = s
            } else if !member.isNull {
                wrongType(field.keyed(key), member, expected: "string")
            }
        }
        return result
    }

    /// An array of objects; members that are not objects are reported and skipped.
    mutating func objects(_ value: JSON?, _ field: String) -> [(Int, [String: JSON])] {
        guard let items = array(value, field) else { return [] }
        var result: [(Int, [String: JSON])] = []
        for (i, item) in items.enumerated() {
            if let o = item.object { result.append((i, o)) } else { wrongType(field.at(i), item, expected: "object") }
        }
        return result
    }

    // MARK: common rules

    /// `ValidateNonnegativeField`.
    mutating func nonNegative(_ value: JSON?, _ field: String) {
        if let n = int(value, field), n < 0 { invalid(field, .int(n), "must be greater than or equal to 0") }
    }

    /// `unversionedvalidation.ValidateLabels`: errors name the map, not the key.
    mutating func labels(_ value: JSON?, _ field: String) {
        labels(map: stringMap(value, field), field)
    }

    mutating func labels(map: [String: String], _ field: String) {
        for (key, v) in map.sorted(by: { $0.key < $1.key }) {
            for message in NameValidation.isQualifiedName(key) { invalid(field, .string(key), message) }
            for message in NameValidation.isValidLabelValue(v) { invalid(field, .string(v), message) }
        }
    }

    /// A value that must be one of a fixed set; absent or empty means "defaulted later" and passes.
    mutating func oneOf(_ value: JSON?, _ field: String, _ supported: [String]) {
        guard let s = string(value, field), !s.isEmpty else { return }
        if !supported.contains(s) { notSupported(field, .string(s), supported) }
    }

    /// `ValidatePortNumOrName` for an IntOrString port.
    mutating func portNumOrName(_ value: JSON?, _ field: String) {
        guard let value, !value.isNull else { return }
        if let n = value.int {
            for message in NameValidation.isValidPortNum(n) { invalid(field, .int(n), message) }
        } else if let s = value.string {
            for message in NameValidation.isValidPortName(s) { invalid(field, .string(s), message) }
        } else {
            wrongType(field, value, expected: "integer or string")
        }
    }
}

extension String {
    /// Field-path building as `field.Path` prints it: `spec.containers[0].resources.limits[cpu]`.
    func dot(_ name: String) -> String { isEmpty ? name : self + "." + name }
    func at(_ i: Int) -> String { self + "[\(i)]" }
    func keyed(_ k: String) -> String { self + "[" + k + "]" }
}

extension JSON {
    var jsonTypeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
