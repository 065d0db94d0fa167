/// One column of a `meta.k8s.io/v1` Table (`TableColumnDefinition`), as kubectl receives it for
/// `kubectl get` when it asks for `application/json;as=Table;g=meta.k8s.io;v=v1`.
///
/// The server always sends every column, including the `-o wide` ones (`priority: 1`); kubectl
/// hides those itself unless asked, so cells always line up with the full column list.
public struct TableColumn: Sendable, Equatable {
    /// Human name as Kubernetes spells it (`Nominated Node`); kubectl upper-cases it for display.
    public var name: String
    /// OpenAPI type: `string`, `integer`, `boolean`, `number` or `date`.
    public var type: String
    /// `name` for the column holding the object's name, else empty.
    public var format: String
    public var description: String
    /// 0 = always shown; 1 = shown with `-o wide`.
    public var priority: Int

    public init(name: String, type: String, format: String = "", description: String, priority: Int = 0) {
        self.name = name
        self.type = type
        self.format = format
        self.description = description
        self.priority = priority
    }

    /// The `columnDefinitions[]` entry.
    public var json: JSON {
        [
            "name": .string(name), "type": .string(type), "format": .string(format),
            "description": .string(description), "priority": .int(Int64(priority)),
        ]
    }
}

extension TableColumn {
    static let nameDoc =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
    static let creationTimestampDoc =
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
    static let containersDoc = "Names of each container in the template."
    static let imagesDoc = "Images referenced by each container in the template."

    /// The `Name` column every printer starts with.
    static let name = TableColumn(name: "Name", type: "string", format: "name", description: nameDoc)
    /// The `Age` column (a HumanDuration string, so typed `string`).
    static let age = TableColumn(name: "Age", type: "string", description: creationTimestampDoc)
    static let containers = TableColumn(name: "Containers", type: "string", description: containersDoc, priority: 1)
    static let images = TableColumn(name: "Images", type: "string", description: imagesDoc, priority: 1)

    static func string(_ name: String, _ description: String, priority: Int = 0) -> TableColumn {
        TableColumn(name: name, type: "string", description: description, priority: priority)
    }

    static func integer(_ name: String, _ description: String, priority: Int = 0) -> TableColumn {
        TableColumn(name: name, type: "integer", description: description, priority: priority)
    }

    static func selector(_ description: String) -> TableColumn {
        TableColumn(name: "Selector", type: "string", description: description, priority: 1)
    }
}
