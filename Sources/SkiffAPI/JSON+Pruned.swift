extension JSON {
    /// Without nulls, and without objects and lists left empty: how two manifests compare when
    /// a client's `creationTimestamp: null` or `resources: {}` must not make them differ.
    public var pruned: JSON? {
        switch self {
        case .null: return nil
        case .object(let fields):
            let kept = fields.compactMapValues(\.pruned)
            return kept.isEmpty ? nil : .object(kept)
        case .array(let items): return items.isEmpty ? nil : .array(items.map { $0.pruned ?? .null })
        default: return self
        }
    }
}
