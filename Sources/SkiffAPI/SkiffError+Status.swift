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
