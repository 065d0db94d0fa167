import Glibc
import SkiffLinux

/// `skiff-init`: the single-threaded helper that does all namespace work (agents never fork).
/// Arguments are parsed by hand: this runs on every container start, and must not start a
/// thread or pay for a general-purpose parser.
///
///     skiff-init run --image DIR --state DIR --hostname NAME [--workdir DIR] [--env K=V]... -- CMD [ARG]...
@main
enum SkiffInit {
    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        guard args.first == "run" else { usage("unknown or missing command") }
        args.removeFirst()
        var image: String?
        var state: String?
        var hostname = "container"
        var workdir = "/"
        var env: [String] = []
        while let arg = args.first, arg != "--" {
            args.removeFirst()
            guard let value = args.first else { usage("\(arg) needs a value") }
            args.removeFirst()
            switch arg {
            case "--image": image = value
            case "--state": state = value
            case "--hostname": hostname = value
            case "--workdir": workdir = value
            case "--env": env.append(value)
            default: usage("unknown option \(arg)")
            }
        }
        guard args.first == "--", args.count > 1 else { usage("missing -- COMMAND") }
        guard let image, let state else { usage("--image and --state are required") }
        let spec = ContainerSpec(
            image: image, stateDirectory: state, hostname: hostname, arguments: Array(args.dropFirst()),
            environment: env, workingDirectory: workdir)
        do {
            exit(try ContainerRunner.run(spec))
        } catch {
            printError("skiff-init: \(error)\n")
            exit(125)
        }
    }

    /// write(2) to fd 2: no stdio buffering to lose before exit.
    static func printError(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    static func usage(_ problem: String) -> Never {
        printError(
            "skiff-init: \(problem)\nusage: skiff-init run --image DIR --state DIR --hostname NAME [--workdir DIR] [--env K=V]... -- CMD [ARG]...\n"
        )
        exit(2)
    }
}
