import CSkiffMalloc
import Foundation
import ServiceLifecycle

/// Gives freed heap memory back to the system, for the long-lived daemons (master and agent).
/// Each request or sync parses JSON into short-lived values between long-lived buffers (the
/// store's objects, the informer's pods), so glibc's heap ends up with free pages it keeps by
/// default; `malloc_trim` releases them (whole free pages from the middle of the heap too). It
/// runs only when `generation` has moved since the last trim (after writes, after syncs), at
/// most every `interval`, so an idle daemon does nothing.
public struct MemoryTrimmer: Service {
    let generation: @Sendable () -> Int64
    let interval: Duration

    public init(interval: Duration = .seconds(10), generation: @escaping @Sendable () -> Int64) {
        self.interval = interval
        self.generation = generation
    }

    /// glibc makes up to 8 arenas per core for threaded programs; their retained free memory
    /// is most of a daemon's excess footprint. Two per core keep contention low on NIO's threads.
    public static func limitArenas() {
        _ = skiff_mallopt_arena_max(Int32(max(2, 2 * ProcessInfo.processInfo.activeProcessorCount)))
    }

    public func run() async throws {
        // A shutdown ends the sleep at once: the daemon's exit never waits out an interval.
        await cancelWhenGracefulShutdown {
            var trimmedAt: Int64 = -1
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let current = generation()
                guard current != trimmedAt else { continue }
                trimmedAt = current
                _ = skiff_malloc_trim()
            }
        }
    }
}
