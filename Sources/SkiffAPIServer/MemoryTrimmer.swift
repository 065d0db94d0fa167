import CSkiffMalloc
import Foundation
import ServiceLifecycle
import SkiffStore

/// Gives freed heap memory back to the system. Every request parses JSON into short-lived
/// values between the long-lived object buffers the store keeps, so glibc's heap ends up with
/// free pages it keeps by default; `malloc_trim` releases them (it returns whole free pages from
/// the middle of the heap too). It runs only after writes, at most every `interval`.
struct MemoryTrimmer: Service {
    let store: any Store
    var interval: Duration = .seconds(10)

    /// glibc makes up to 8 arenas per core for threaded programs; their retained free memory
    /// is most of the master's excess footprint. Two per core keep contention low on NIO's threads.
    static func limitArenas() {
        _ = skiff_mallopt_arena_max(Int32(max(2, 2 * ProcessInfo.processInfo.activeProcessorCount)))
    }

    func run() async throws {
        var trimmedAt: Int64 = -1
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            let revision = store.currentRevision
            guard revision != trimmedAt else { continue }
            trimmedAt = revision
            _ = skiff_malloc_trim()
        }
    }
}
