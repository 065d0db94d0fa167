import Foundation
import Glibc
import SkiffLinux

/// What the kernel reports about a process, from /proc (read whole with Syscalls.readFile:
/// Foundation's String(contentsOfFile:) stops at 4 KiB of a size-0 /proc file).
enum ProcStats {
    /// VmRSS from /proc/PID/status, in MB (MiB, as the kernel counts kB).
    static func rssMegabytes(_ pid: pid_t) -> Double { statusMegabytes(pid, "VmRSS") }

    /// VmRSS with where it lies: the heap and stacks (RssAnon) beside the mapped executable
    /// and libraries (RssFile), as "42.7 MB (anon 20.1, file 22.6)".
    static func rssDescription(_ pid: pid_t) -> String {
        String(
            format: "%.1f MB (anon %.1f, file %.1f)", statusMegabytes(pid, "VmRSS"), statusMegabytes(pid, "RssAnon"),
            statusMegabytes(pid, "RssFile"))
    }

    /// A `kB` field of /proc/PID/status, in MB.
    static func statusMegabytes(_ pid: pid_t, _ field: String) -> Double {
        let status = Syscalls.readFile("/proc/\(pid)/status") ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kb / 1024
    }

    /// utime + stime from /proc/PID/stat, in seconds of CPU.
    static func cpuSeconds(_ pid: pid_t) -> Double {
        let stat = Syscalls.readFile("/proc/\(pid)/stat") ?? ""
        // Fields after the command name, which is in parentheses and may hold spaces:
        // state is field 3, utime 14 and stime 15, so they are the 12th and 13th after ")".
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return 0 }
        return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Processes whose command line mentions `marker` (a directory only this benchmark uses),
    /// so leftovers can be found without touching anyone else's.
    static func processes(mentioning marker: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard pid != getpid(), let cmdline = Syscalls.readFile("/proc/\(pid)/cmdline") else { return false }
            return cmdline.replacingOccurrences(of: "\0", with: " ").contains(marker)
        }
    }
}

enum Shell {
    /// Runs `path` to completion and returns its stdout ("" when it cannot run).
    static func output(_ path: String, _ arguments: [String]) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs `path` to completion and returns its exit status (-1 when it cannot run).
    @discardableResult
    static func run(_ path: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
