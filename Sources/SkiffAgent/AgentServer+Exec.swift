import Foundation
import Hummingbird
import NIOCore
import SkiffAPI
import SkiffLinux

/// `POST /exec/{namespace}/{pod}/{container}?command=…&command=…[&stdin=true][&tty=true]`: runs
/// a command in a running container. Both bodies are `StreamFrame`s: the request carries stdin,
/// resize and close-stdin frames, the response stdout and stderr, then one `error` frame with
/// the final Status (the exit code). The API server speaks WebSocket or SPDY to the client and
/// this to the agent.
extension AgentServer {
    func exec(namespace: String, pod: String, container: String, request: Request) async throws(SkiffError)
        -> Response
    {
        let query = request.uri.queryParameters
        let command = query.getAll("command").map { String($0) }
        guard !command.isEmpty else {
            throw SkiffError.badRequest("you must specify at least one command for the container")
        }
        let tty = Self.flag(query["tty"])
        let process = try await startExec(
            namespace: namespace, pod: pod, container: container, command: command,
            stdin: Self.flag(query["stdin"]), tty: tty)
        var headers = HTTPFields()
        headers[.contentType] = "application/vnd.skiff.stream"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                // The body is read to its end inside this closure, never cancelled: Hummingbird
                // drains an unread body after the response with its own iterator (a second one
                // traps), and cancelling the read would end the connection's inbound stream. The
                // API server ends the body once it has the status (or its client left).
                let input = Task { await process.feed(from: request.body) }
                do {
                    for await (channel, bytes) in process.output {
                        try await writer.write(ByteBuffer(bytes: StreamFrame(channel, bytes).encoded))
                    }
                    var report: [UInt8] = []
                    for await (_, bytes) in process.report { report += bytes }
                    let status: JSON
                    switch ContainerExec.parseReport(report) {
                    case .success(let code): status = RemoteCommandStatus.exitCode(code)
                    case .failure(let error):
                        status = RemoteCommandStatus.failure(
                            .internalError("cannot exec in container \"\(container)\": \(error)"))
                    }
                    try await writer.write(
                        ByteBuffer(bytes: StreamFrame(.error, Array(status.serializedString().utf8)).encoded))
                    await input.value
                    try await writer.finish(nil)
                } catch {
                    process.kill()  // the client is gone
                    await input.value
                    throw error
                }
            })
    }

    static func flag(_ value: Substring?) -> Bool { value == "true" || value == "1" }

    /// Finds the container's running process and its saved spec, and starts the helper.
    func startExec(namespace: String, pod name: String, container: String, command: [String], stdin: Bool, tty: Bool)
        async throws(SkiffError) -> ExecProcess
    {
        let runtime = logs.runtime
        guard let pod = await logs.informer.get(namespace + "/" + name),
            let uid = pod[path: ["metadata", "uid"]]?.string
        else { throw SkiffError.notFound(resource: "pods", name: name) }
        let specs =
            (pod[path: ["spec", "initContainers"]]?.array ?? []) + (pod[path: ["spec", "containers"]]?.array ?? [])
        guard specs.contains(where: { $0["name"]?.string == container }) else {
            throw SkiffError.badRequest("container \(container) is not valid for pod \(name)")
        }
        guard let record = runtime.state(uid: uid)?.containers.first(where: { $0.name == container }),
            record.running
        else {
            throw SkiffError.badRequest("container \"\(container)\" in pod \"\(name)\" is not running")
        }
        let specFile = runtime.specFile(ContainerRun(uid: uid, container: container, attempt: record.attempt))
        do {
            return try ExecProcess(
                initPath: runtime.configuration.initPath, pid: record.pid, specFile: specFile, command: command,
                stdin: stdin, tty: tty)
        } catch {
            throw SkiffError.internalError("cannot exec in container \"\(container)\": \(error)")
        }
    }
}
