/// The API object form, `metav1.LabelSelector`:
///
///     {"matchLabels": {"app": "web"},
///      "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]}
///
/// converted like `metav1.LabelSelectorAsSelector`: `null` selects nothing, `{}` (or both lists
/// empty) selects everything, anything else is the AND of all terms.
extension LabelSelector {
    public init(json: JSON) throws(SkiffError) {
        let fields: [String: JSON]
        switch json {
        case .null:
            self = .nothing
            return
        case .object(let o):
            fields = o
        default:
            throw SkiffError(.badRequest, "label selector must be an object, got \(Self.typeName(json))")
        }

        var requirements: [Requirement] = []
        switch fields["matchLabels"] ?? .null {
        case .null:
            break
        case .object(let labels):
            for (key, value) in labels {
                guard let text = value.string else {
                    throw SkiffError(
                        .badRequest, "matchLabels.\(key): must be a string, got \(Self.typeName(value))")
                }
                requirements.append(try Requirement(key: key, operator: .equals, values: [text]))
            }
        case let other:
            throw SkiffError(.badRequest, "matchLabels: must be an object, got \(Self.typeName(other))")
        }

        switch fields["matchExpressions"] ?? .null {
        case .null:
            break
        case .array(let expressions):
            for (i, expression) in expressions.enumerated() {
                requirements.append(try Self.requirement(fromExpression: expression, index: i))
            }
        case let other:
            throw SkiffError(.badRequest, "matchExpressions: must be an array, got \(Self.typeName(other))")
        }
        self.init(requirements: requirements)
    }

    /// One `matchExpressions[i]` entry. Only the four set-based operators exist in the object form.
    static func requirement(fromExpression expression: JSON, index: Int) throws(SkiffError) -> Requirement {
        let path = "matchExpressions[\(index)]"
        guard expression.object != nil else {
            throw SkiffError(.badRequest, "\(path): must be an object, got \(typeName(expression))")
        }
        guard let key = expression["key"]?.string else {
            throw SkiffError(.badRequest, "\(path).key: Required value")
        }
        let opName = expression["operator"]?.string ?? ""
        let op: Operator
        switch opName {
        case "In": op = .in
        case "NotIn": op = .notIn
        case "Exists": op = .exists
        case "DoesNotExist": op = .doesNotExist
        default:
            // metav1.LabelSelectorAsSelector: `%q is not a valid label selector operator`.
            throw SkiffError(.badRequest, "\(LabelSyntax.goQuote(opName)) is not a valid label selector operator")
        }
        var values: [String] = []
        switch expression["values"] ?? .null {
        case .null:
            break
        case .array(let items):
            for item in items {
                guard let text = item.string else {
                    throw SkiffError(.badRequest, "\(path).values: must be strings, got \(typeName(item))")
                }
                values.append(text)
            }
        case let other:
            throw SkiffError(.badRequest, "\(path).values: must be an array, got \(typeName(other))")
        }
        return try Requirement(key: key, operator: op, values: values)
    }

    static func typeName(_ json: JSON) -> String {
        switch json {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
