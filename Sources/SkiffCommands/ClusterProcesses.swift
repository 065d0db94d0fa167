import Foundation
import SkiffAPI

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
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, kill(pid, 0) == 0,
            let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))
        else { return nil }
        let args = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard args.first?.hasSuffix("skiffd") == true, args.contains(dataDir) else { return nil }
        return pid
    }

    /// posix_spawn in a new session, output to `log`, so the daemon outlives this command
    /// and the terminal.
    static func spawnDetached(_ path: String, _ args: [String], log: String) throws -> Int32 {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // POSIX_SPAWN_SETSID (glibc ≥ 2.26) is a macro Swift does not import.
        let spawnSetsid: Int16 = 0x80
        posix_spawnattr_setflags(&attr, spawnSetsid)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of ours reaches the daemon: an inherited pipe (a caller capturing our
        // output) would otherwise stay open for the daemon's whole life. (glibc's
        // posix_spawn_file_actions_addclosefrom_np is not visible to Swift.)
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > 2 {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, environ)
        guard rc == 0 else { throw CLIError("posix_spawn(\(path)): \(String(cString: strerror(rc)))") }
        return pid
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
            if kill(pid, 0) != 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(pid, SIGKILL)
        for _ in 0..<50 where kill(pid, 0) == 0 { try await Task.sleep(for: .milliseconds(100)) }
    }
}
