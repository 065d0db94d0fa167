import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

/// How every command finds the cluster and which namespace it works in.
public struct ClusterOptions: ParsableArguments {
    @Option(help: "API server Unix socket: unix:///PATH/api.sock.")
    var server: String?

    @Option(help: "Path to a kubeconfig file (https with token, as skiffd master writes it).")
    var kubeconfig: String?

    @Option(name: .shortAndLong, help: "Namespace (default: default).")
    var namespace: String?

    public init() {}

    func client() throws -> APIClient {
        try APIClient(endpoint: ClusterEndpoint.resolve(server: server, kubeconfig: kubeconfig))
    }

    var effectiveNamespace: String { namespace ?? "default" }
}

/// Looks a resource up as typed (`po`, `pods`, `deploy`, `deployment.apps`), or fails the way
/// kubectl does.
func resource(_ typed: String) throws -> ResourceInfo {
    guard let info = Resources.lookup(typed) else {
        throw CLIError("the server doesn't have a resource type \"\(typed)\"")
    }
    return info
}

/// Splits `deployment/web` or (`deployment`, `web`) into resource and name.
func target(_ args: [String]) throws -> (ResourceInfo, [String]) {
    guard let first = args.first else { throw CLIError("you must specify the type of resource") }
    if first.contains("/") {
        var names: [String] = []
        var info: ResourceInfo?
        for arg in args {
            let parts = arg.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw CLIError(
                    "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form"
                )
            }
            let i = try resource(parts[0])
            if let info, info != i { throw CLIError("all resources must be of one type here") }
            info = i
            names.append(parts[1])
        }
        guard let info else { throw CLIError("you must specify the type of resource") }
        return (info, names)
    }
    return (try resource(first), Array(args.dropFirst()))
}

/// An error printed as kubectl prints its own: `error: …`.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// Prints errors like kubectl (`Error from server (NotFound): pods "x" not found`) and exits 1.
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as SkiffError {
        FileHandle.standardError.write(Data((describe(error) + "\n").utf8))
        throw ExitCode(1)
    } catch let error as CLIError {
        FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
        throw ExitCode(1)
    }
}

func describe(_ error: SkiffError) -> String {
    if error.code == .serviceUnavailable && error.message.hasPrefix("cannot reach") { return "error: \(error.message)" }
    if error.code == .invalid, let kind = error.details?.kind, let name = error.details?.name {
        let causes = error.causes.map { "\($0.field): \($0.message)" }.joined(separator: ", ")
        return "The \(kind) \"\(name)\" is invalid: \(causes)"
    }
    return "Error from server (\(error.code.reason)): \(error.message)"
}

func printOut(_ line: String) { print(line) }
