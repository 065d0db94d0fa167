/// `ValidateObjectMeta` / `ValidateObjectMetaUpdate` from apimachinery, on untyped metadata.
extension NameValidation {
    /// Largest total size of annotation keys plus values (`TotalAnnotationSizeLimitB`).
    public static let totalAnnotationSizeLimit = 256 * 1024

    /// Checks `metadata` of any object: name (or generateName) present and following `nameRule`,
    /// namespace present for namespaced kinds and absent otherwise, labels, annotations (keys and
    /// total size), finalizers and owner references. Paths start at `metadata`.
    ///
    /// An empty name with a `generateName` passes: the server fills the name from the prefix, as
    /// Kubernetes does before it validates.
    public static func validateObjectMeta(_ meta: JSON?, namespaced: Bool, nameRule: NameRule) -> [SkiffError.Cause] {
        var errors = FieldErrors()
        validateObjectMeta(meta, namespaced: namespaced, nameRule: nameRule, into: &errors)
        return errors.causes
    }

    static func validateObjectMeta(_ meta: JSON?, namespaced: Bool, nameRule: NameRule, into errors: inout FieldErrors)
    {
        let path = "metadata"
        if let meta, meta.object == nil, !meta.isNull {
            errors.wrongType(path, meta, expected: "object")
            return
        }
        let m = meta ?? .emptyObject
        let generateName = errors.string(m["generateName"], path.dot("generateName")) ?? ""
        let name = errors.string(m["name"], path.dot("name")) ?? ""
        if !generateName.isEmpty {
            for message in validateName(generateName, rule: nameRule, prefix: true) {
                errors.invalid(path.dot("generateName"), .string(generateName), message)
            }
        }
        if name.isEmpty {
            if generateName.isEmpty { errors.required(path.dot("name"), "name or generateName is required") }
        } else {
            for message in validateName(name, rule: nameRule) {
                errors.invalid(path.dot("name"), .string(name), message)
            }
        }

        let namespace = errors.string(m["namespace"], path.dot("namespace")) ?? ""
        if namespaced {
            if namespace.isEmpty {
                errors.required(path.dot("namespace"))
            } else {
                for message in isDNS1123Label(namespace) {
                    errors.invalid(path.dot("namespace"), .string(namespace), message)
                }
            }
        } else if !namespace.isEmpty {
            errors.forbidden(path.dot("namespace"), "not allowed on this type")
        }

        errors.nonNegative(m["generation"], path.dot("generation"))
        errors.labels(m["labels"], path.dot("labels"))
        validateAnnotations(m["annotations"], path.dot("annotations"), into: &errors)
        validateFinalizers(m["finalizers"], path.dot("finalizers"), into: &errors)
        validateOwnerReferences(m["ownerReferences"], path.dot("ownerReferences"), into: &errors)
    }

    /// `ValidateAnnotations`: keys are qualified names compared in lower case; total size capped.
    static func validateAnnotations(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        let annotations = errors.stringMap(value, path)
        var total = 0
        for (key, v) in annotations.sorted(by: { $0.key < $1.key }) {
            for message in isQualifiedName(key.lowercased()) { errors.invalid(path, .string(key), message) }
            total += key.utf8.count + v.utf8.count
        }
        if total > totalAnnotationSizeLimit { errors.tooLong(path, totalAnnotationSizeLimit) }
    }

    static func validateFinalizers(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        guard let items = errors.array(value, path) else { return }
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            guard let finalizer = errors.string(item, path.at(i)) else { continue }
            for message in isQualifiedName(finalizer) { errors.invalid(path.at(i), .string(finalizer), message) }
            if !seen.insert(finalizer).inserted { errors.duplicate(path.at(i), .string(finalizer)) }
        }
    }

    /// `validateOwnerReference`; Kubernetes reports these at the list's path, without an index.
    static func validateOwnerReferences(_ value: JSON?, _ path: String, into errors: inout FieldErrors) {
        var controllers = 0
        for (_, ref) in errors.objects(value, path) {
            let apiVersion = errors.string(ref["apiVersion"], path.dot("apiVersion")) ?? ""
            let version = apiVersion.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            if version.isEmpty {
                errors.invalid(path.dot("apiVersion"), .string(apiVersion), "version must not be empty")
            }
            for key in ["kind", "name", "uid"] {
                let s = errors.string(ref[key], path.dot(key)) ?? ""
                if s.isEmpty { errors.invalid(path.dot(key), .string(s), "must not be empty") }
            }
            if errors.bool(ref["controller"], path.dot("controller")) == true { controllers += 1 }
        }
        if controllers > 1 {
            errors.invalid(path, .int(Int64(controllers)), "Only one reference can have Controller set to true")
        }
    }

    /// `ValidateObjectMetaUpdate` for the identity fields; fields the new object leaves out are
    /// carried over by the server, so only values present on both sides are compared.
    static func validateObjectMetaUpdate(old: JSON?, new: JSON?, into errors: inout FieldErrors) {
        for key in ["name", "namespace", "uid", "creationTimestamp"] {
            guard let before = old?[key]?.string, !before.isEmpty,
                let after = new?[key]?.string, !after.isEmpty, before != after
            else { continue }
            errors.invalid("metadata".dot(key), .string(after), "field is immutable")
        }
    }
}
