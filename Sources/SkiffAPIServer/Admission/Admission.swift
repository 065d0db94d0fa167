import SkiffAPI
import SkiffStore

/// What an admission plug-in sees: the operation, the resource, and the object as it will be
/// stored (mutable by mutating plug-ins).
public struct AdmissionAttributes: Sendable {
    public enum Operation: String, Sendable { case create = "CREATE", update = "UPDATE", delete = "DELETE" }
    public var operation: Operation
    public var info: ResourceInfo
    public var namespace: String?
    public var name: String
    public var subresource: String?
    public var object: JSON
    public var oldObject: JSON?
    /// Read access to the store, for plug-ins that check other objects (namespace, quota).
    public var store: any Store
    /// `dryRun=All`: checked as a real request, but nothing may be kept for it (a quota reservation).
    public var dryRun = false
}

/// One admission step. Mutating plug-ins run first, in order, then validating ones, as in
/// Kubernetes; the controllers issue adds quota, limit ranges and service IPs here.
public protocol AdmissionPlugin: Sendable {
    var name: String { get }
    var mutates: Bool { get }
    func admit(_ attributes: inout AdmissionAttributes) async throws(SkiffError)
}

public struct AdmissionChain: Sendable {
    public var plugins: [any AdmissionPlugin]

    public init(_ plugins: [any AdmissionPlugin]) { self.plugins = plugins }

    /// Defaulting, then namespace lifecycle, then validation.
    public static var standard: AdmissionChain {
        AdmissionChain([
            DefaultingPlugin(), LimitRangerPlugin(), NamespaceLifecyclePlugin(), ValidationPlugin(),
            ResourceQuotaPlugin(),
        ])
    }

    /// Returns a copy with `plugin` appended (mutating plug-ins are still run before validating ones).
    public func adding(_ plugin: any AdmissionPlugin) -> AdmissionChain {
        AdmissionChain(plugins + [plugin])
    }

    func run(_ attributes: inout AdmissionAttributes) async throws(SkiffError) {
        for plugin in plugins where plugin.mutates { try await plugin.admit(&attributes) }
        for plugin in plugins where !plugin.mutates { try await plugin.admit(&attributes) }
    }
}

/// Kubernetes' defaulting (SetDefaults_*): restartPolicy, strategy, protocol, …
struct DefaultingPlugin: AdmissionPlugin {
    let name = "Defaulting"
    let mutates = true
    func admit(_ a: inout AdmissionAttributes) async throws(SkiffError) {
        guard a.operation != .delete, a.subresource == nil else { return }
        Defaulting.apply(kind: a.info.kind, to: &a.object)
    }
}

/// Field validation: 422 Invalid with one cause per bad field.
struct ValidationPlugin: AdmissionPlugin {
    let name = "Validation"
    let mutates = false
    func admit(_ a: inout AdmissionAttributes) async throws(SkiffError) {
        guard a.operation != .delete else { return }
        // validateUpdate includes the full validation of the new object.
        let causes: [SkiffError.Cause]
        if a.operation == .update, let old = a.oldObject, a.subresource == nil {
            causes = Validation.validateUpdate(kind: a.info.kind, old: old, new: a.object)
        } else {
            causes = Validation.validate(kind: a.info.kind, object: a.object)
        }
        guard !causes.isEmpty else { return }
        throw SkiffError.invalid(kind: a.info.kind, group: a.info.group, name: a.name, causes: causes)
    }
}

/// Objects go only into namespaces that exist and are not being deleted.
struct NamespaceLifecyclePlugin: AdmissionPlugin {
    let name = "NamespaceLifecycle"
    let mutates = false
    func admit(_ a: inout AdmissionAttributes) async throws(SkiffError) {
        guard a.operation == .create, a.info.namespaced, let namespace = a.namespace else { return }
        let key = Resources.namespaces.key(namespace: nil, name: namespace)
        guard let stored = a.store.get(key: key) else {
            throw SkiffError(
                .notFound, "namespaces \"\(namespace)\" not found",
                details: .init(name: namespace, kind: "namespaces"))
        }
        if let ns = try? stored.decode(), ns[path: ["metadata", "deletionTimestamp"]]?.string != nil {
            throw SkiffError(
                .forbidden,
                "\(a.info.resource) \"\(a.name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
                details: .init(name: a.name, kind: a.info.resource))
        }
    }
}
