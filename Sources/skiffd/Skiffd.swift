import ArgumentParser
import Foundation
import Logging
import SkiffAPIServer

/// `skiffd`: the master (and, with the node issue, the agent) in one executable.
@main
struct Skiffd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skiffd", abstract: "Skiff's daemons: the master (API server, store, controllers).",
        subcommands: [MasterCommand.self])
}

struct MasterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "master", abstract: "Run the API server, store and controllers.")

    @Option(help: "Directory for the store, socket, certificates and kubeconfig.")
    var dataDir: String

    @Option(help: "Unix socket path (default: DATA-DIR/api.sock).")
    var socket: String?

    @Option(help: "HTTPS listen address HOST:PORT (port 0 picks a free one).")
    var listen: String = "127.0.0.1:6443"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard listen.split(separator: ":").count == 2, Int(listen.split(separator: ":")[1]) != nil else {
            throw ValidationError("--listen must be HOST:PORT, for example 127.0.0.1:6443 (got \(listen))")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "skiffd.master")
        let dir = URL(fileURLWithPath: dataDir).standardizedFileURL
        var config = Master.Configuration(dataDirectory: dir)
        config.socketPath = socket
        let parts = listen.split(separator: ":")
        config.listenHost = String(parts[0])
        config.listenPort = Int(parts[1]) ?? 6443
        try await Master(configuration: config, logger: logger).run()
    }
}
