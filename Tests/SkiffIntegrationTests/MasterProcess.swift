import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// Paths of this checkout, found from this file so tests run from any directory.
enum Checkout {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var binaries: URL { root.appendingPathComponent(".build/debug") }
    static var skiffd: String { binaries.appendingPathComponent("skiffd").path }
    static var skiff: String { binaries.appendingPathComponent("skiff").path }
    static var images: String { root.appendingPathComponent("rootfs/images").path }
    /// The skiff-init agents run: `make test` passes the static build (SKIFF_INIT); else the
    /// one beside skiffd.
    static var initPath: String? { ProcessInfo.processInfo.environment["SKIFF_INIT"] }
    static var tools: String {
        ProcessInfo.processInfo.environment["SKIFF_TOOLS"] ?? root.appendingPathComponent(".tools").path
    }
}

/// A real `skiffd master` on a short temp directory (Unix socket paths are limited to 108
/// bytes), on a free HTTPS port. `stop()` ends it by PID and removes the directory; tests call
/// it in `defer`, so it runs even when the body throws.
final class MasterProcess: @unchecked Sendable {
    let directory: String
    private(set) var process: Process
    /// Extra `skiffd master` flags, kept across restarts.
    let arguments: [String]
    var socketPath: String { directory + "/api.sock" }
    var kubeconfigPath: String { directory + "/kubeconfig" }

    init(arguments extra: [String] = []) async throws {
        arguments = extra
        directory = "/tmp/skt-" + String(UUID().uuidString.prefix(8)).lowercased()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process = Process()
        try await start()
    }

    /// Starts (or restarts) the master on the same directory and waits until it serves.
    func start() async throws {
        try? FileManager.default.removeItem(atPath: kubeconfigPath)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Checkout.skiffd)
        p.arguments =
            ["master", "--data-dir", directory, "--listen", "127.0.0.1:0", "--log-level", "warning"] + arguments
        let logHandle = try appendingLog(directory + "/master.log")
        p.standardOutput = logHandle
        p.standardError = logHandle
        try p.run()
        process = p
        let client = try APIClient(endpoint: .unixSocket(path: socketPath), timeout: .seconds(2))
        for _ in 0..<1200 {  // 60 s: CI starts dozens of masters at once
            if FileManager.default.fileExists(atPath: kubeconfigPath),
                (try? await client.send("GET", "/readyz", accept: "*/*")) != nil
            {
                // The built-in namespaces come from the namespace controller right after start.
                if (try? await client.get(Resources.lookup("ns")!, namespace: nil, name: "default")) != nil { return }
            }
            guard p.isRunning else { throw SkiffError.internalError("skiffd master exited: \(self.log())") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw SkiffError.internalError("skiffd master did not become ready: \(log())")
    }

    func log() -> String { (try? String(contentsOfFile: directory + "/master.log", encoding: .utf8)) ?? "" }

    func socketClient() throws -> APIClient { try APIClient(endpoint: .unixSocket(path: socketPath)) }

    func tcpClient() throws -> APIClient { try APIClient(endpoint: ClusterEndpoint.fromKubeconfig(kubeconfigPath)) }

    /// SIGKILL, as a crash: no shutdown code runs.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, and SIGKILL if the master has not exited within 5 s.
    func stop() {
        if process.isRunning {
            process.terminate()
            for _ in 0..<100 where process.isRunning { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A daemon's log file, appended to across restarts.
func appendingLog(_ path: String) throws -> FileHandle {
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    handle.seekToEndOfFile()
    return handle
}

/// A fresh master for the body, always stopped afterwards.
func withMaster<T>(arguments: [String] = [], _ body: (MasterProcess) async throws -> T) async throws -> T {
    let master = try await MasterProcess(arguments: arguments)
    defer { master.stop() }
    return try await body(master)
}

/// Runs a program to completion, with output captured.
struct CommandResult {
    var status: Int32
    var output: String
}

/// Waits without holding a thread: Swift Testing runs the suites on a pool as wide as the
/// machine (2 threads here), so a test blocked in a read starves every other test, and their
/// bounded waits then time out while nothing is wrong. Output goes to a file, which never
/// fills as a pipe does.
func runProgram(_ path: String, _ args: [String], environment: [String: String]? = nil, stdin: String? = nil)
    async throws -> CommandResult
{
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let capture = try OutputCapture()
    p.standardOutput = capture.handle
    p.standardError = capture.handle
    let input = Pipe()
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    while p.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    p.waitUntilExit()  // already over; collects the status
    return CommandResult(status: p.terminationStatus, output: capture.text())
}

/// Runs a shell command in a terminal of its own (`script`), typing `stdin` into it. The shell
/// is always /bin/sh: `script` runs `$SHELL`, and a shell that does not exec the last command
/// leaves it in a process group of its own when that command is `timeout` (which makes itself
/// a group leader), where reading the terminal stops or fails. CI has no `$SHELL`; use
/// `timeout --foreground` inside.
func runInTerminal(_ command: String, stdin: String? = nil) async throws -> CommandResult {
    try await runProgram(
        "/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["SHELL": "/bin/sh"], stdin: stdin)
}

/// For a `defer` (cleanup), where nothing may be awaited.
func runProgramBlocking(_ path: String, _ args: [String]) throws -> CommandResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let capture = try OutputCapture()
    p.standardOutput = capture.handle
    p.standardError = capture.handle
    try p.run()
    p.waitUntilExit()
    return CommandResult(status: p.terminationStatus, output: capture.text())
}

/// A child's output in a temporary file, read once it has exited.
struct OutputCapture {
    let path = NSTemporaryDirectory() + "skiff-test-output-" + UUID().uuidString
    let handle: FileHandle

    init() throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func text() -> String {
        try? handle.close()
        defer { try? FileManager.default.removeItem(atPath: path) }
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}

/// Starts a client that streams until the server ends it (`logs -f`, `attach`), bounded by
/// timeout(1) at 60 s; after `settle` it must still be waiting, then `trigger` makes the
/// container finish. Returns whether it was waiting and how it ended (124: it never returned).
func runUntilServerEnds(_ path: String, _ args: [String], settle: Duration, trigger: () -> Void) async throws
    -> (waited: Bool, result: CommandResult)
{
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    p.arguments = ["60", path] + args
    let capture = try OutputCapture()
    p.standardOutput = capture.handle
    p.standardError = capture.handle
    try p.run()
    try await Task.sleep(for: settle)
    let waited = p.isRunning
    trigger()
    while p.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    p.waitUntilExit()
    return (waited, CommandResult(status: p.terminationStatus, output: capture.text()))
}

extension Resources {
    static func named(_ name: String) -> ResourceInfo {
        guard let info = lookup(name) else { preconditionFailure("no resource \(name)") }
        return info
    }
}

/// `unscheduled`: a pod for another scheduler, which Skiff's leaves alone (without nodes it
/// would report each pod unschedulable, a status change a test counting events would see).
func podManifest(_ name: String, labels: [String: String] = [:], image: String = "busybox", unscheduled: Bool = false)
    -> JSON
{
    var pod: JSON = [
        "apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "labels": JSON(labels)],
        "spec": ["containers": [["name": "main", "image": .string(image)]]],
    ]
    if unscheduled { pod[path: ["spec", "schedulerName"]] = "none" }
    return pod
}
