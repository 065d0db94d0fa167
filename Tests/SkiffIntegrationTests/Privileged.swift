import Foundation
import Testing

/// Tests with real pods run as root. Off CI a non-root run skips them (with this reason); with
/// CI=true they always run, so a CI machine without root fails them instead of skipping.
enum Privileged {
    static let canRun = getuid() == 0 || ProcessInfo.processInfo.environment["CI"] == "true"
    static let reason: Comment = "needs root (real pods: namespaces, cgroups, mounts); CI runs it as root"

    static func requireRoot() throws {
        try #require(getuid() == 0, "privileged test running without root: CI must run as root")
    }
}
