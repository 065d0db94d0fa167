import Foundation
import SkiffAPI
import SkiffLinux

#if canImport(Glibc)
    import Glibc
#endif

/// Starting and stopping the cluster's daemons by PID — only the ones this data directory's
/// pid files name, and only after checking their command line, so nothing else is ever signalled.
enum ClusterProcesses {
    /// `skiffd` beside the running `skiff` executable (both come from one build or install).
    static func siblingExecutable(_ name: String) throws -> String {
        let own =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = (own as NSString).deletingLastPathComponent + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CLIError("\(name) not found beside \(own): build it with `swift build` or `make build`")
        }
        return path
    }

    /// The pid in `pidFile`, if that process is alive and is a skiffd serving `dataDir`.
    static func runningPid(_ pidFile: String, dataDir: String) -> Int32? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, isRunning(pid),
            let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))
        else { return nil }
        let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard args.first?.hasSuffix("skiffd") == true, args.contains(dataDir) else { return nil }
        return pid
    }

    /// posix_spawn in a new session, output to `log`, no fd of ours inherited, so the daemon
    /// outlives this command and the terminal.
    static func spawnDetached(_ path: String, _ args: [String], log: String) throws -> Int32 {
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        do {
            return try ProcessSpawner.spawn(path, args, environment: environment, logPath: log)
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// Runs a helper command and returns its trimmed output; a failure is an error with it.
    static func runToCompletion(_ path: String, _ args: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError("\(path) \(args.joined(separator: " ")): \(output)")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// SIGTERM, then SIGKILL after 10 s.
    static func stop(_ pid: Int32) async throws {
        kill(pid, SIGTERM)
        for _ in 0..<100 {
            if !isRunning(pid) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(pid, SIGKILL)
        for _ in 0..<50 where isRunning(pid) { try await Task.sleep(for: .milliseconds(100)) }
    }

    static func isRunning(_ pid: Int32) -> Bool { Syscalls.isRunning(pid) }
}
