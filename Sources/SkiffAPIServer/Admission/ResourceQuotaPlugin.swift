import Foundation
import SkiffAPI
import SkiffStore
import Synchronization

/// Kubernetes' ResourceQuota admission: a new object that would take its namespace over any
/// quota's `hard` amount is refused with Kubernetes' message (`exceeded quota: compute,
/// requested: pods=1, used: pods=2, limited: pods=2`), and a pod that does not say how much CPU
/// or memory it requests or limits, where a quota counts that, is refused too (`failed quota:
/// compute: must specify limits.cpu for: main`).
///
/// Usage is counted from the store when the request comes, plus what admitted creates have
/// reserved and the store does not hold yet, all under one lock: two creates at the same time
/// can never both take the last unit. (Kubernetes serializes on the quota object's
/// resourceVersion instead.)
struct ResourceQuotaPlugin: AdmissionPlugin {
    let name = "ResourceQuota"
    let mutates = false
    let reservations = QuotaReservations()

    func admit(_ a: inout AdmissionAttributes) async throws(SkiffError) {
        guard a.operation == .create, a.subresource == nil, let namespace = a.namespace, a.info.namespaced else {
            return
        }
        let quotas = a.store.list(prefix: Resources.resourceQuotas.listPrefix(namespace: namespace)).objects
            .compactMap { try? $0.decode() }
        guard !quotas.isEmpty else { return }
        for quota in quotas where QuotaScopes.counts(quota, a.object, a.info) {
            let tracked = Set((quota[path: ["spec", "hard"]]?.object ?? [:]).keys)
            if a.info.kind == "Pod", let missing = Self.unspecified(a.object, tracked: tracked) {
                throw forbidden(
                    a, "failed quota: \(quota[path: ["metadata", "name"]]?.string ?? ""): must specify \(missing)")
            }
        }
        let key = a.info.key(namespace: namespace, name: a.name)
        let object = a.object
        let info = a.info
        let store = a.store
        let keep = !a.dryRun
        let refusal: String? = reservations.withLock { pending in
            // A reservation lasts until its object is stored, or 5 s (a create that failed after
            // admission, or an object made and deleted before the next look, counts that long).
            pending = pending.filter { Date().timeIntervalSince($0.value.at) < 5 && store.get(key: $0.key) == nil }
            for quota in quotas where QuotaScopes.counts(quota, object, info) {
                let hard = (quota[path: ["spec", "hard"]]?.object ?? [:]).compactMapValues { try? Quantity(json: $0) }
                let requested = QuotaUsage.usage(of: object, info, tracked: Set(hard.keys)).filter { !$0.value.isZero }
                guard !requested.isEmpty else { continue }
                var used = Self.used(by: quota, namespace: namespace, store: store)
                for reservation in pending.values
                where reservation.namespace == namespace
                    && QuotaScopes.counts(quota, reservation.object, reservation.info)
                {
                    QuotaUsage.add(
                        &used, QuotaUsage.usage(of: reservation.object, reservation.info, tracked: Set(hard.keys)))
                }
                let over = requested.keys.sorted().filter { (used[$0] ?? .zero) + requested[$0]! > hard[$0]! }
                guard !over.isEmpty else { continue }
                let list = { (values: [String: Quantity]) in
                    over.map { "\($0)=\((values[$0] ?? .zero).canonical)" }.joined(separator: ",")
                }
                return
                    "exceeded quota: \(quota[path: ["metadata", "name"]]?.string ?? ""), requested: \(list(requested)), used: \(list(used)), limited: \(list(hard))"
            }
            if keep { pending[key] = (namespace, object, info, Date()) }
            return nil
        }
        if let refusal { throw forbidden(a, refusal) }
    }

    func forbidden(_ a: AdmissionAttributes, _ message: String) -> SkiffError {
        SkiffError(
            .forbidden, "\(a.info.resource) \"\(a.name)\" is forbidden: \(message)",
            details: .init(name: a.name, kind: a.info.resource))
    }

    /// What the namespace's stored objects that `quota` counts (its scopes) use of its keys.
    static func used(by quota: JSON, namespace: String, store: any Store) -> [String: Quantity] {
        var used: [String: Quantity] = [:]
        let tracked = Set((quota[path: ["spec", "hard"]]?.object ?? [:]).keys)
        var seen: Set<String> = []
        for info in tracked.compactMap(QuotaUsage.resource(for:))
        where seen.insert(info.key(namespace: namespace, name: "")).inserted {
            for stored in store.list(prefix: info.listPrefix(namespace: namespace)).objects {
                guard let object = try? stored.decode(), QuotaScopes.counts(quota, object, info) else { continue }
                QuotaUsage.add(&used, QuotaUsage.usage(of: object, info, tracked: tracked))
            }
        }
        for key in tracked where used[key] == nil { used[key] = .zero }
        return used
    }

    /// `limits.cpu for: main; requests.memory for: main, side` when a quota counts a compute
    /// resource that containers do not state; nil when they all do.
    static func unspecified(_ pod: JSON, tracked: Set<String>) -> String? {
        var missing: [String: [String]] = [:]
        for key in tracked.sorted() {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            let (kind, resource) = parts.count == 2 ? (parts[0], parts[1]) : ("requests", key)
            guard ["requests", "limits"].contains(kind), ["cpu", "memory"].contains(resource) else { continue }
            let containers =
                (pod[path: ["spec", "initContainers"]]?.array ?? []) + (pod[path: ["spec", "containers"]]?.array ?? [])
            for container in containers where container[path: ["resources", kind, resource]] == nil {
                missing[key, default: []].append(container["name"]?.string ?? "")  // the key as the quota names it
            }
        }
        guard !missing.isEmpty else { return nil }
        return missing.sorted { $0.key < $1.key }.map { "\($0.key) for: \($0.value.sorted().joined(separator: ","))" }
            .joined(separator: "; ")
    }
}

/// Admitted creates not yet in the store: key → namespace, the object and its kind, when.
final class QuotaReservations: Sendable {
    typealias Reservation = (namespace: String, object: JSON, info: ResourceInfo, at: Date)
    private let pending = Mutex<[String: Reservation]>([:])

    func withLock<T>(_ body: (inout [String: Reservation]) -> T) -> T {
        pending.withLock { body(&$0) }
    }
}
