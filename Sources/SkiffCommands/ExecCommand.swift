import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient
import SkiffLinux

/// `skiff exec POD [-c C] [-i] [-t] -- COMMAND [ARG]...`: runs a command in a running container
/// through the API server (WebSocket, as kubectl ≥ 1.30) and exits with the command's code.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec", abstract: "Run a command in a container of a running pod.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "The pod (NAME or pod/NAME).") var pod: String
    @Option(name: [.short, .customLong("container")], help: "The container (default: the pod's only one).")
    var container: String?
    @Flag(name: [.customShort("i"), .customLong("stdin")], help: "Pass this terminal's standard input to the command.")
    var stdin = false
    @Flag(name: [.short, .customLong("tty")], help: "Give the command a terminal (needs -i and a local terminal).")
    var tty = false
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []

    func validate() throws {
        if command.isEmpty {
            throw ValidationError("give the command after --, for example: skiff exec \(pod) -- sh -c 'echo hi'")
        }
        if tty && !stdin { throw ValidationError("-t needs -i: a terminal without input cannot be used") }
        if tty && !Terminal.isTerminal(0) { throw ValidationError("-t needs a terminal on standard input") }
    }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            let client = try cluster.client()
            let name = pod.hasPrefix("pod/") ? String(pod.dropFirst(4)) : pod
            let session = try await client.exec(
                .init(
                    namespace: cluster.effectiveNamespace, pod: name, container: container, command: command,
                    stdin: stdin, tty: tty))
            let restore = tty ? Terminal.makeRaw(0) : nil
            defer { restore?() }
            if tty, let size = Terminal.size(0) {
                session.input.yield(
                    StreamFrame(.resize, Array("{\"Width\":\(size.columns),\"Height\":\(size.rows)}".utf8)))
            }
            if stdin { Self.forwardStandardInput(to: session.input) }
            var status: JSON?
            for await frame in session.output {
                switch frame.channel {
                case .stdout: FileHandle.standardOutput.write(Data(frame.payload))
                case .stderr: FileHandle.standardError.write(Data(frame.payload))
                case .error: status = try? JSON.parse(frame.payload)
                default: break
                }
            }
            session.input.finish()
            guard let status else { throw CLIError("the exec session to pod \(name) ended without a status") }
            guard let exit = RemoteCommandStatus.code(of: status) else {
                throw CLIError(status["message"]?.string ?? "exec into pod \(name) failed")
            }
            code = exit
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// Standard input is read on its own thread (a blocking read must not hold a Swift task).
    static func forwardStandardInput(to input: AsyncStream<StreamFrame>.Continuation) {
        Thread.detachNewThread {
            while true {
                let data = FileHandle.standardInput.availableData
                if data.isEmpty { break }
                input.yield(StreamFrame(.stdin, Array(data)))
            }
            input.yield(StreamFrame(.closeStdin))
        }
    }
}
