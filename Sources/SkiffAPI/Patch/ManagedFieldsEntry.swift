/// One entry of `metadata.managedFields`: which fields one manager owns through one kind of write.
///
/// Kubernetes identifies an owner by manager name, operation and subresource together, so `kubectl`
/// applying and `kubectl` updating are two owners that can conflict with each other.
struct ManagedFieldsEntry: Sendable, Equatable {
    var manager: String
    /// `Apply` or `Update`.
    var operation: String
    var apiVersion: String
    /// RFC 3339, as the server's clock wrote it; nil in entries written without one.
    var time: String?
    /// `status`, `scale`, ... for writes through a subresource; empty for the main resource.
    var subresource: String
    var fields: FieldSet
    /// The entry as read, so members Skiff does not interpret survive a rewrite.
    var raw: [String: JSON] = [:]

    init(
        manager: String, operation: String, apiVersion: String, time: String?, subresource: String = "",
        fields: FieldSet
    ) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.subresource = subresource
        self.fields = fields
    }

    /// Reads an entry; nil for anything that is not an object.
    init?(_ json: JSON) {
        guard let members = json.object else { return nil }
        manager = members["manager"]?.string ?? ""
        operation = members["operation"]?.string ?? ""
        apiVersion = members["apiVersion"]?.string ?? ""
        time = members["time"]?.string
        subresource = members["subresource"]?.string ?? ""
        fields = FieldSet(fieldsV1: members["fieldsV1"] ?? .emptyObject)
        raw = members
    }

    var json: JSON {
        var members = raw
        members["manager"] = .string(manager)
        members["operation"] = .string(operation)
        members["apiVersion"] = .string(apiVersion)
        members["time"] = time.map(JSON.string)
        members["subresource"] = subresource.isEmpty ? JSON?.none : .string(subresource)
        members["fieldsType"] = "FieldsV1"
        members["fieldsV1"] = fields.fieldsV1
        return .object(members)
    }

    func isOwner(manager: String, operation: String, subresource: String) -> Bool {
        self.manager == manager && self.operation == operation && self.subresource == subresource
    }

    /// How a conflict message names this owner (Kubernetes' `printManager`): `"kubectl"` for an
    /// applier, `"kube-controller-manager" using apps/v1 at 2024-05-01T10:00:00Z` for an updater.
    var conflictName: String {
        var name = "\"\(manager)\""
        if !subresource.isEmpty { name += " with subresource \"\(subresource)\"" }
        if operation == "Update" {
            name += " using \(apiVersion)"
            if let time { name += " at \(time)" }
        }
        return name
    }

    /// The entries of a `managedFields` value; anything unreadable is dropped.
    static func decode(_ managedFields: JSON?) -> [ManagedFieldsEntry] {
        (managedFields?.array ?? []).compactMap(ManagedFieldsEntry.init)
    }

    /// The `managedFields` value for `entries`, without owners left with nothing, in Kubernetes'
    /// order (operation, then time, manager, apiVersion, subresource: appliers first, oldest first);
    /// nil when nothing is left, as Kubernetes then omits the field.
    static func encode(_ entries: [ManagedFieldsEntry]) -> JSON? {
        let kept = entries.filter { !$0.fields.isEmpty }.sorted {
            ($0.operation, $0.time ?? "", $0.manager, $0.apiVersion, $0.subresource)
                < ($1.operation, $1.time ?? "", $1.manager, $1.apiVersion, $1.subresource)
        }
        return kept.isEmpty ? JSON?.none : JSON.array(kept.map(\.json))
    }

    /// Stores `managedFields` (nil removes it) without creating `metadata` just to remove it.
    static func store(_ managedFields: JSON?, in object: inout JSON) {
        guard managedFields != nil || object["metadata"] != nil, object.object != nil else { return }
        object[path: ["metadata", "managedFields"]] = managedFields
    }
}
