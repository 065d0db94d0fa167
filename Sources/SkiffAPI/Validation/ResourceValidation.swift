/// Resource lists and container resource requirements (`ValidateResourceRequirements`,
/// `validateContainerResourceName`, `ValidateResourceQuantityValue`).
enum ResourceValidation {
    static let standardContainerResources: Set<String> = ["cpu", "memory", "ephemeral-storage"]

    /// Parses a quantity at a path, reporting Kubernetes' parse message as an invalid value.
    static func quantity(_ value: JSON, _ path: String, into errors: inout FieldErrors) -> Quantity? {
        do throws(SkiffError) {
            return try Quantity(json: value)
        } catch {
            let shown: JSON =
                value.string != nil || value.int != nil || value.double != nil ? value : .string(value.jsonTypeName)
            errors.invalid(path, shown, error.message)
            return nil
        }
    }

    /// Resources without a '/' or under kubernetes.io are Kubernetes' own (`IsNativeResource`).
    static func isNative(_ name: String) -> Bool { !name.contains("/") || name.contains("kubernetes.io/") }

    /// Requests may be below limits only for native resources other than huge pages.
    static func isOvercommitAllowed(_ name: String) -> Bool { isNative(name) && !name.hasPrefix("hugepages-") }

    /// Parses every member of a resource list; `containerNames` applies the stricter container rule.
    static func validateList(
        _ value: JSON?, _ path: String, containerNames: Bool, into errors: inout FieldErrors
    ) -> [String: Quantity] {
        guard let members = errors.object(value, path) else { return [:] }
        var result: [String: Quantity] = [:]
        for name in members.keys.sorted() {
            guard let raw = members[name] else { continue }
            let p = path.keyed(name)
            for message in NameValidation.isQualifiedName(name) { errors.invalid(p, .string(name), message) }
            if containerNames {
                if !name.contains("/") {
                    if !standardContainerResources.contains(name), !name.hasPrefix("hugepages-") {
                        errors.invalid(p, .string(name), "must be a standard resource for containers")
                    }
                } else if !isNative(name), name.hasPrefix("requests.") {
                    errors.invalid(p, .string(name), "doesn't follow extended resource name standard")
                }
            }
            guard let q = quantity(raw, p, into: &errors) else { continue }
            if q.isNegative {
                errors.invalid(p, .string(q.description), "must be greater than or equal to 0")
            } else if !isNative(name), q.milliValue % 1000 != 0 {
                errors.invalid(p, .string(q.description), "must be an integer")
            }
            result[name] = q
        }
        return result
    }

    /// `ValidateResourceRequirements` for a container: names, quantities, and request ≤ limit
    /// (request == limit for huge pages and extended resources).
    static func validateRequirements(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        guard let resources = errors.object(value, path) else { return }
        let limitsPath = path.dot("limits")
        let requestsPath = path.dot("requests")
        let limits = validateList(resources["limits"], limitsPath, containerNames: true, into: &errors)
        let requests = validateList(resources["requests"], requestsPath, containerNames: true, into: &errors)
        for name in requests.keys.sorted() {
            guard let request = requests[name] else { continue }
            if let limit = limits[name] {
                if request != limit, !isOvercommitAllowed(name) {
                    errors.invalid(
                        requestsPath, .string(request.description),
                        "must be equal to \(name) limit of \(limit.description)")
                } else if request > limit {
                    errors.invalid(
                        requestsPath, .string(request.description),
                        "must be less than or equal to \(name) limit of \(limit.description)")
                }
            } else if !isOvercommitAllowed(name) {
                errors.required(limitsPath, "Limit must be set for non overcommitable resources")
            }
        }
    }
}
