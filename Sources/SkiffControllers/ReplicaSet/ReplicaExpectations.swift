import Foundation

/// What a controller has asked for and not yet seen in its informer: pods it created that
/// the watch has not brought, pods it deleted that still look active. Counting them stops a
/// second reconcile from creating or deleting the same replicas again (client-go's
/// "expectations"). Kept in memory only: after a restart the informer's list is the truth.
struct ReplicaExpectations: Sendable {
    /// How long an expectation holds if the watch never confirms it (a pod created and deleted
    /// before it was seen).
    static let timeout: TimeInterval = 30

    private var creating: [String: [String: Date]] = [:]
    private var deleting: [String: [String: Date]] = [:]

    mutating func created(_ owner: String, pod: String) { creating[owner, default: [:]][pod] = Date() }
    mutating func deleted(_ owner: String, pod: String) { deleting[owner, default: [:]][pod] = Date() }

    /// Drops what the informer now shows (`seen`: owned pod names; `active`: those still
    /// counted as replicas) and what has waited too long; returns the creations still unseen
    /// and the deletions still unconfirmed.
    mutating func settle(_ owner: String, seen: Set<String>, active: Set<String>, now: Date = Date())
        -> (creating: Int, deleting: Set<String>)
    {
        let fresh = { (since: Date) in now.timeIntervalSince(since) < Self.timeout }
        creating[owner] = creating[owner]?.filter { !seen.contains($0.key) && fresh($0.value) }
        deleting[owner] = deleting[owner]?.filter { active.contains($0.key) && fresh($0.value) }
        if creating[owner]?.isEmpty == true { creating[owner] = nil }
        if deleting[owner]?.isEmpty == true { deleting[owner] = nil }
        return (creating[owner]?.count ?? 0, Set(deleting[owner].map { Array($0.keys) } ?? []))
    }

    mutating func forget(_ owner: String) {
        creating[owner] = nil
        deleting[owner] = nil
    }
}
