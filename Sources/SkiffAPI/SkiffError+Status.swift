extension SkiffError.Code {
    static let all: [SkiffError.Code] = [
        .badRequest, .unauthorized, .forbidden, .notFound, .methodNotAllowed, .notAcceptable, .alreadyExists, .conflict,
        .gone, .requestEntityTooLarge, .unsupportedMediaType, .invalid, .tooManyRequests, .internalError,
        .serviceUnavailable, .timeout,
    ]

    /// The code of a Status `reason`, as the client reads a server's error.
    public static func fromReason(_ reason: String) -> SkiffError.Code? { all.first { $0.reason == reason } }

    /// The code of an HTTP status (InternalError for one Kubernetes does not use).
    public static func fromHTTP(_ status: Int) -> SkiffError.Code {
        all.first { $0.httpStatus == status } ?? .internalError
    }
}

extension SkiffError {
    /// The Kubernetes `Status` object for this error — the one place codes become Status.
    public var statusObject: JSON {
        var status: JSON = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(code.reason), "code": .int(Int64(code.httpStatus)),
        ]
        if details != nil || !causes.isEmpty {
            var d: JSON = [:]
            if let name = details?.name { d["name"] = .string(name) }
            if let group = details?.group { d["group"] = .string(group) }
            if let kind = details?.kind { d["kind"] = .string(kind) }
            if let uid = details?.uid { d["uid"] = .string(uid) }
            if !causes.isEmpty {
                d["causes"] = .array(
                    causes.map {
                        ["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)]
                    })
            }
            status["details"] = d
        }
        return status
    }
}
