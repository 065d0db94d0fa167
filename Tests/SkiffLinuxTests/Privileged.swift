import Foundation
import Testing

/// Privileged tests run as root. Off CI, a non-root run skips them (with this reason); with
/// CI=true they always run, so a CI machine without root fails them instead of skipping.
enum Privileged {
    static let isRoot = getuid() == 0
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let canRun = isRoot || isCI
    static let reason: Comment = "needs root (real namespaces and mounts); CI runs it as root"

    static func requireRoot() throws {
        try #require(isRoot, "privileged test running without root: CI must run as root")
    }
}

enum Checkout {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var skiffInit: String { root.appendingPathComponent(".build/debug/skiff-init").path }
    static var busybox: String { root.appendingPathComponent("rootfs/images/busybox:latest").path }
}

/// Runs skiff-init with a fresh state directory, returning status and output; the state
/// directory is removed afterwards, even when the run fails.
func runContainer(_ command: [String], hostname: String = "pod-a", env: [String] = []) throws -> (Int32, String) {
    try Privileged.requireRoot()
    try #require(FileManager.default.fileExists(atPath: Checkout.busybox + "/bin/busybox"), "run `make rootfs` first")
    let state = "/var/tmp/skiff-ct-" + String(UUID().uuidString.prefix(8)).lowercased()
    defer { try? FileManager.default.removeItem(atPath: state) }
    var args = ["run", "--image", Checkout.busybox, "--state", state, "--hostname", hostname]
    for e in env { args += ["--env", e] }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Checkout.skiffInit)
    p.arguments = args + ["--"] + command
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
