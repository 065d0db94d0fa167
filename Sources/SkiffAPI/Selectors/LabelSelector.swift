/// A label selector: the AND of a list of requirements, as in `k8s.io/apimachinery/pkg/labels`.
///
/// Three shapes matter to callers, and Kubernetes tells them apart:
/// - an empty selector (`""`, or the object `{}`) selects everything;
/// - a missing (`null`) selector object selects nothing (e.g. a Service without a selector);
/// - anything else selects objects whose labels meet every requirement.
/// `matchesEverything` / `matchesNothing` let callers short-circuit without calling `matches`.
public struct LabelSelector: Sendable, Equatable, CustomStringConvertible {
    /// Operators with the spelling of Kubernetes' `selection.Operator` (used in error messages).
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case `in` = "in"
        case notIn = "notin"
        case equals = "="
        case doubleEquals = "=="
        case notEquals = "!="
        case greaterThan = "gt"
        case lessThan = "lt"
        case exists = "exists"
        case doesNotExist = "!"
    }

    /// One `key op values` term. Values are kept sorted and unique so that two selectors that
    /// mean the same thing compare equal and render identically.
    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        public let key: String
        public let `operator`: Operator
        public let values: [String]

        /// Validates like Kubernetes' `labels.NewRequirement`: a qualified-name key, the right
        /// number of values for the operator, and label-syntax values.
        public init(key: String, operator op: Operator, values: [String]) throws(SkiffError) {
            let sorted = Array(Set(values)).sorted()
            let problems = LabelSyntax.requirementProblems(key: key, op: op, values: sorted)
            if !problems.isEmpty { throw SkiffError(.badRequest, LabelSyntax.aggregate(problems)) }
            self.init(unchecked: key, op, sorted)
        }

        init(unchecked key: String, _ op: Operator, _ values: [String]) {
            self.key = key
            self.operator = op
            self.values = values
        }

        public func matches(_ labels: [String: String]) -> Bool {
            switch self.operator {
            case .in, .equals, .doubleEquals:
                guard let value = labels[key] else { return false }
                return values.contains(value)
            case .notIn, .notEquals:
                // A missing label satisfies a negative requirement, as in Kubernetes.
                guard let value = labels[key] else { return true }
                return !values.contains(value)
            case .exists:
                return labels[key] != nil
            case .doesNotExist:
                return labels[key] == nil
            case .greaterThan, .lessThan:
                // Both sides must be integers; anything else simply does not match.
                guard let raw = labels[key], let have = Int64(raw),
                    values.count == 1, let want = Int64(values[0])
                else { return false }
                return self.operator == .greaterThan ? have > want : have < want
            }
        }

        /// The string syntax, e.g. `env in (prod,qa)`, `!key`, `app=web`.
        public var description: String {
            switch self.operator {
            case .exists: return key
            case .doesNotExist: return "!" + key
            case .equals: return key + "=" + values.joined(separator: ",")
            case .doubleEquals: return key + "==" + values.joined(separator: ",")
            case .notEquals: return key + "!=" + values.joined(separator: ",")
            case .greaterThan: return key + ">" + values.joined(separator: ",")
            case .lessThan: return key + "<" + values.joined(separator: ",")
            case .in: return key + " in (" + values.joined(separator: ",") + ")"
            case .notIn: return key + " notin (" + values.joined(separator: ",") + ")"
            }
        }
    }

    /// Sorted by key (stable), like Kubernetes, so `description` is deterministic.
    public let requirements: [Requirement]
    /// True only for the "nil selector" that selects nothing.
    public let matchesNothing: Bool

    public init(requirements: [Requirement]) {
        self.requirements = Self.sortedByKey(requirements)
        self.matchesNothing = false
    }

    private init(nothing: ()) {
        self.requirements = []
        self.matchesNothing = true
    }

    /// Selects every object.
    public static let everything = LabelSelector(requirements: [])
    /// Selects no object (what a missing selector object means).
    public static let nothing = LabelSelector(nothing: ())

    /// Exact-match selector for a label set (`SelectorFromSet`); an empty map selects everything.
    /// Not validated: the map usually comes from an object that was validated already.
    public init(matchLabels: [String: String]) {
        self.init(requirements: matchLabels.map { Requirement(unchecked: $0.key, .equals, [$0.value]) })
    }

    /// No requirements. Note `LabelSelector.nothing` is also requirement-free; use
    /// `matchesEverything` to ask "does this select everything?".
    public var isEmpty: Bool { requirements.isEmpty }

    public var matchesEverything: Bool { !matchesNothing && requirements.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        if matchesNothing { return false }
        return requirements.allSatisfy { $0.matches(labels) }
    }

    /// Requirements joined by `,` (empty for both everything and nothing), e.g. `app=web,tier!=db`.
    /// The `/scale` subresource reports this as `status.selector`.
    public var description: String {
        requirements.map(\.description).joined(separator: ",")
    }

    /// The single value a label must have, if the selector pins it (`key=v`, `key==v`, `key in (v)`).
    /// Lets storage narrow a list before matching.
    public func requiresExactMatch(_ key: String) -> String? {
        guard let r = requirements.first(where: { $0.key == key }) else { return nil }
        switch r.operator {
        case .equals, .doubleEquals, .in: return r.values.count == 1 ? r.values[0] : nil
        default: return nil
        }
    }

    static func sortedByKey(_ list: [Requirement]) -> [Requirement] {
        list.enumerated()
            .sorted { $0.element.key == $1.element.key ? $0.offset < $1.offset : $0.element.key < $1.element.key }
            .map(\.element)
    }
}
