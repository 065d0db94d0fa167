import Glibc
import SkiffLinux

/// `skiff-init`: the single-threaded helper that does all namespace work (agents never fork).
/// Arguments are parsed by hand: this runs on every container start, and must not start a
/// thread or pay for a general-purpose parser.
///
///     skiff-init run --image DIR --state DIR --hostname NAME [--workdir DIR] [--env K=V]... -- CMD [ARG]...
///     skiff-init pod --dir DIR     (DIR/pod.json; fd 3, when open, is closed once the pod is ready)
///     skiff-init exec --pid PID --spec FILE [--tty] -- CMD [ARG]...   (fds as ContainerExec says)
@main
enum SkiffInit {
    static let usageText = """
        usage: skiff-init run --image DIR --state DIR --hostname NAME [--workdir DIR] [--env K=V]... -- CMD [ARG]...
               skiff-init pod --dir DIR
               skiff-init exec --pid PID --spec FILE [--tty] -- CMD [ARG]...
        """

    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        guard let command = args.first else { usage("missing command") }
        args.removeFirst()
        switch command {
        case "run": run(args)
        case "pod": pod(args)
        case "exec": exec(args)
        default: usage("unknown command \(command)")
        }
    }

    static func pod(_ args: [String]) -> Never {
        guard args.count == 2, args[0] == "--dir" else { usage("pod needs --dir DIR") }
        let readyFD: Int32? = fcntl(3, F_GETFD) == -1 ? nil : 3
        if let readyFD { _ = fcntl(readyFD, F_SETFD, FD_CLOEXEC) }
        do throws(LinuxError) {
            let supervisor = try PodSupervisor(directory: PodDirectory(args[1]))
            if let readyFD { close(readyFD) }
            supervisor.run()
            exit(0)
        } catch {
            let message = "\(error.errno)\t\(error.call)"
            if let readyFD { Syscalls.writeText(readyFD, message) }
            printError("skiff-init pod: \(error)\n")
            exit(125)
        }
    }

    /// The spec file is the one the pod supervisor saved when it started the container.
    static func exec(_ arguments: [String]) -> Never {
        var args = arguments
        var pid: pid_t?
        var specPath: String?
        var tty = false
        while let arg = args.first, arg != "--" {
            args.removeFirst()
            if arg == "--tty" {
                tty = true
                continue
            }
            guard let value = args.first else { usage("\(arg) needs a value") }
            args.removeFirst()
            switch arg {
            case "--pid": pid = pid_t(value)
            case "--spec": specPath = value
            default: usage("unknown option \(arg)")
            }
        }
        guard args.first == "--", args.count > 1 else { usage("missing -- COMMAND") }
        guard let pid, let specPath else { usage("exec needs --pid PID and --spec FILE") }
        do throws(LinuxError) {
            let spec = try ContainerSpec(file: specPath)
            ContainerExec.run(.init(pid: pid, container: spec, arguments: Array(args.dropFirst()), tty: tty))
        } catch {
            Syscalls.writeText(ContainerExec.reportFD, "E\(error.errno)\t\(error.call)")
            exit(125)
        }
    }

    static func run(_ arguments: [String]) -> Never {
        var args = arguments
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

    /// write(2): no stdio buffering to lose before exit.
    static func printError(_ text: String) { Syscalls.writeText(2, text) }

    static func usage(_ problem: String) -> Never {
        printError("skiff-init: \(problem)\n\(usageText)\n")
        exit(2)
    }
}
