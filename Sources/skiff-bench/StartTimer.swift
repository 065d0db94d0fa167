import ArgumentParser
import Foundation
import Glibc
import SkiffLinux

/// What the start benchmark hands its timing helper: commands to run to completion, each
/// `runs` times after `warmup` discarded runs.
struct StartPlan: Codable {
    struct Variant: Codable {
        var name: String
        /// argv with an absolute path first; `{n}` becomes the run's number (a fresh state
        /// directory per run for skiff-init).
        var arguments: [String]
        /// Receives the command's stderr, quoted when a run fails.
        var log: String
    }
    var variants: [Variant]
    var runs: Int
    var warmup: Int
}

struct StartResults: Codable {
    /// Milliseconds per run, by variant name.
    var samples: [String: [Double]] = [:]
    var failure: String?
}

/// `skiff-bench time-starts --plan FILE --out FILE`: the timing helper of the start benchmark.
/// The benchmark runs it inside a private mount namespace (crun's hybrid-host workaround needs
/// one, see StartLatency), so every runtime is timed by this one loop in the same place:
/// posix_spawn → waitpid, stdin and stdout on /dev/null. Variants are interleaved run by run,
/// so a burst of load on this shared machine falls on all of them alike.
struct StartTimer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "time-starts", abstract: "Internal: time container starts (run by the node benchmark).",
        shouldDisplay: false)

    @Option(help: "The plan, a JSON StartPlan.") var plan: String
    @Option(help: "Where to write the JSON StartResults.") var out: String

    func run() throws {
        let plan = try JSONDecoder().decode(StartPlan.self, from: Data(contentsOf: URL(fileURLWithPath: plan)))
        var results = StartResults()
        do {
            for n in 0..<(plan.warmup + plan.runs) {
                for variant in plan.variants {
                    let milliseconds = try Self.time(variant, run: n)
                    if n >= plan.warmup { results.samples[variant.name, default: []].append(milliseconds) }
                }
            }
        } catch {
            results.failure = "\(error)"
        }
        try JSONEncoder().encode(results).write(to: URL(fileURLWithPath: out))
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One start, from just before posix_spawn until waitpid has the exit status.
    static func time(_ variant: StartPlan.Variant, run n: Int) throws -> Double {
        let arguments = variant.arguments.map { $0.replacingOccurrences(of: "{n}", with: String(n)) }
        let log = open(variant.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw Failure(description: "open(\(variant.log)): errno \(errno)") }
        defer { close(log) }
        let start = Measure.now()
        let pid = try ProcessSpawner.spawn(
            arguments[0], Array(arguments.dropFirst()), environment: [ContainerSpec.defaultPath], fds: [-1, -1, log])
        let status = try Syscalls.wait(pid)
        let elapsed = Measure.now() - start
        guard status == 0 else {
            let stderr = (Syscalls.readFile(variant.log) ?? "").suffix(400)
            throw Failure(description: "\(variant.name) run \(n) exited \(status): \(stderr)")
        }
        return elapsed
    }
}
