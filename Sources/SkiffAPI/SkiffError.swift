/// The one error type that crosses module borders. The API server maps `code` to an HTTP status
/// and a Kubernetes `Status` object in one place (`SkiffError+Status.swift`).
public struct SkiffError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A struct wrapping a private enum, so codes can be added without breaking switches elsewhere.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case badRequest = "BadRequest"
            case unauthorized = "Unauthorized"
            case forbidden = "Forbidden"
            case notFound = "NotFound"
            case methodNotAllowed = "MethodNotAllowed"
            case notAcceptable = "NotAcceptable"
            case alreadyExists = "AlreadyExists"
            case conflict = "Conflict"
            case gone = "Expired"
            case requestEntityTooLarge = "RequestEntityTooLarge"
            case unsupportedMediaType = "UnsupportedMediaType"
            case invalid = "Invalid"
            case tooManyRequests = "TooManyRequests"
            case internalError = "InternalError"
            case serviceUnavailable = "ServiceUnavailable"
            case timeout = "Timeout"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        public static let badRequest = Code(.badRequest)
        public static let unauthorized = Code(.unauthorized)
        public static let forbidden = Code(.forbidden)
        public static let notFound = Code(.notFound)
        public static let methodNotAllowed = Code(.methodNotAllowed)
        public static let notAcceptable = Code(.notAcceptable)
        public static let alreadyExists = Code(.alreadyExists)
        public static let conflict = Code(.conflict)
        public static let gone = Code(.gone)
        public static let requestEntityTooLarge = Code(.requestEntityTooLarge)
        public static let unsupportedMediaType = Code(.unsupportedMediaType)
        public static let invalid = Code(.invalid)
        public static let tooManyRequests = Code(.tooManyRequests)
        public static let internalError = Code(.internalError)
        public static let serviceUnavailable = Code(.serviceUnavailable)
        public static let timeout = Code(.timeout)

        /// The Kubernetes `Status.reason` for this code.
        public var reason: String { value.rawValue }

        /// The HTTP status Kubernetes answers with.
        public var httpStatus: Int {
            switch value {
            case .badRequest: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound: 404
            case .methodNotAllowed: 405
            case .notAcceptable: 406
            case .alreadyExists, .conflict: 409
            case .gone: 410
            case .requestEntityTooLarge: 413
            case .unsupportedMediaType: 415
            case .invalid: 422
            case .tooManyRequests: 429
            case .internalError: 500
            case .serviceUnavailable: 503
            case .timeout: 504
            }
        }

        public var description: String { value.rawValue }
    }

    /// One field-level problem, as in `Status.details.causes[]`.
    public struct Cause: Sendable, Hashable {
        /// `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueDuplicate`,
        /// `FieldValueTooLong`, `FieldValueForbidden`.
        public var reason: String
        public var message: String
        /// Dotted path with indexes: `spec.containers[0].image`.
        public var field: String

        public init(reason: String, message: String, field: String) {
            self.reason = reason
            self.message = message
            self.field = field
        }

        public static func required(_ field: String, _ message: String = "Required value") -> Cause {
            Cause(reason: "FieldValueRequired", message: message, field: field)
        }

        /// `Invalid value: "x": message`, as Kubernetes words it.
        public static func invalid(_ field: String, _ value: JSON, _ message: String) -> Cause {
            Cause(
                reason: "FieldValueInvalid", message: "Invalid value: \(value.quotedForMessage): \(message)",
                field: field)
        }

        public static func notSupported(_ field: String, _ value: JSON, _ supported: [String]) -> Cause {
            let list = supported.map { "\"\($0)\"" }.joined(separator: ", ")
            return Cause(
                reason: "FieldValueNotSupported",
                message: "Unsupported value: \(value.quotedForMessage): supported values: \(list)",
                field: field
            )
        }

        public static func forbidden(_ field: String, _ message: String) -> Cause {
            Cause(reason: "FieldValueForbidden", message: "Forbidden: \(message)", field: field)
        }

        public static func duplicate(_ field: String, _ value: JSON) -> Cause {
            Cause(reason: "FieldValueDuplicate", message: "Duplicate value: \(value.quotedForMessage)", field: field)
        }
    }

    /// Which object the error is about (`Status.details`).
    public struct Details: Sendable, Hashable {
        public var name: String?
        public var group: String?
        /// Kubernetes puts the resource (`pods`) here for NotFound and the Kind (`Pod`) for Invalid.
        public var kind: String?
        public var uid: String?
        public var retryAfterSeconds: Int?

        public init(name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.uid = uid
        }
    }

    public var code: Code
    public var message: String
    public var details: Details?
    public var causes: [Cause]

    public init(_ code: Code, _ message: String, details: Details? = nil, causes: [Cause] = []) {
        self.code = code
        self.message = message
        self.details = details
        self.causes = causes
    }

    public var description: String { "\(code): \(message)" }
}

extension SkiffError {
    /// `pods "x" not found`
    public static func notFound(resource: String, group: String = "", name: String) -> SkiffError {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        return SkiffError(
            .notFound, "\(qualified) \"\(name)\" not found",
            details: Details(name: name, group: group.isEmpty ? nil : group, kind: resource))
    }

    /// `pods "x" already exists`
    public static func alreadyExists(resource: String, group: String = "", name: String) -> SkiffError {
        let qualified = group.isEmpty ? resource : "\(resource).\(group)"
        return SkiffError(
            .alreadyExists, "\(qualified) \"\(name)\" already exists",
            details: Details(name: name, group: group.isEmpty ? nil : group, kind: resource))
    }

    /// `Pod "bad" is invalid: spec.containers[0].image: Required value`, with one cause per problem.
    public static func invalid(kind: String, group: String = "", name: String, causes: [Cause]) -> SkiffError {
        let qualified = group.isEmpty ? kind : "\(kind).\(group)"
        let list = causes.map { "\($0.field): \($0.message)" }
        let summary = list.count == 1 ? list[0] : "[" + list.joined(separator: ", ") + "]"
        return SkiffError(
            .invalid, "\(qualified) \"\(name)\" is invalid: \(summary)",
            details: Details(name: name, group: group.isEmpty ? nil : group, kind: kind), causes: causes)
    }

    public static func badRequest(_ message: String) -> SkiffError { SkiffError(.badRequest, message) }
    public static func internalError(_ message: String) -> SkiffError { SkiffError(.internalError, message) }
}

extension JSON {
    /// How Kubernetes quotes a value inside an error message: strings in quotes, others as JSON.
    var quotedForMessage: String {
        switch self {
        case .string(let s): "\"\(s)\""
        default: serializedString()
        }
    }
}
