import Dispatch
import Foundation
import SkiffLinux
import SkiffNetwork
import Synchronization

/// Where a probe or hook acts: the container's running process (for `exec`, through
/// `skiff-init exec` with the container's namespaces, cgroup and credentials) and the pod's
/// address (for `httpGet` and `tcpSocket`, reached from the node's network namespace as
/// kubelet reaches pods from the host).
struct ActionTarget: Sendable {
    var pid: Int32
    var specFile: String
    var podIP: String
}

/// Success or failure, with what kubelet would show ("HTTP probe failed with statuscode: 500").
enum ActionOutcome: Sendable, Equatable {
    case success
    case failure(String)
}

/// Carries out probes and lifecycle hooks. Every call returns within its timeout: a command is
/// killed at the deadline, a connection is bounded on each step.
struct ActionRunner: Sendable {
    let initPath: String
    /// The node network namespace to connect from (nil: the agent's own, an installed host).
    let nodeNetwork: String?

    /// Output kubelet keeps of a probe (10 KiB); the rest is read and dropped.
    static let outputLimit = 10 * 1024

    func run(_ action: ContainerAction, on target: ActionTarget, timeout: Duration?) async -> ActionOutcome {
        switch action {
        case .exec(let command): return await exec(command, on: target, timeout: timeout)
        case .httpGet(let get):
            return await onThread { httpGet(get, address: get.host ?? target.podIP, timeout: timeout ?? .seconds(30)) }
        case .tcpSocket(let host, let port):
            return await onThread {
                do throws(ActionFailure) {
                    _ = try connect(to: host ?? target.podIP, port: port, timeout: timeout ?? .seconds(30))
                    return .success
                } catch {
                    return .failure(error.message)
                }
            }
        case .sleep(let seconds):
            try? await Task.sleep(for: min(.seconds(seconds), timeout ?? .seconds(seconds)))
            return .success
        case .unusable(let message): return .failure(message)
        }
    }

    func exec(_ command: [String], on target: ActionTarget, timeout: Duration?) async -> ActionOutcome {
        guard !command.isEmpty else { return .failure("exec: command is empty") }
        let process: ExecProcess
        do {
            process = try ExecProcess(
                initPath: initPath, pid: target.pid, specFile: target.specFile, command: command, stdin: false,
                tty: false)
        } catch {
            return .failure("cannot exec \(command): \(error)")
        }
        // Output is drained on a task of its own: a process the command left behind may keep
        // the pipes open, and the deadline must hold all the same.
        let drained = Task {
            var output: [UInt8] = []
            for await (_, bytes) in process.output where output.count < Self.outputLimit { output += bytes }
            return output
        }
        let timedOut = Atomic(false)
        let timer = Task {
            guard let timeout else { return }
            try? await Task.sleep(for: timeout)
            if Task.isCancelled { return }
            timedOut.store(true, ordering: .relaxed)
            process.kill()  // the helper's end takes the command with it (parent-death signal)
            drained.cancel()
        }
        var report: [UInt8] = []
        for await (_, bytes) in process.report { report += bytes }
        let output = await drained.value
        timer.cancel()
        if timedOut.load(ordering: .relaxed), let timeout {
            return .failure("command \(command) timed out after \(timeout)")
        }
        let text = String(decoding: output.prefix(Self.outputLimit), as: UTF8.self)
        switch ContainerExec.parseReport(report) {
        case .success(0): return .success
        case .success(let code): return .failure("command \(command) exited with \(code): \(text)")
        case .failure(let error): return .failure("command \(command) could not run: \(error)")
        }
    }

    /// A GET as kubelet's probe sends it; 200–399 is a success (a redirect is not followed).
    func httpGet(_ get: ContainerAction.HTTPGet, address: String, timeout: Duration) -> ActionOutcome {
        let connection: TCPClient
        do throws(ActionFailure) {
            connection = try connect(to: address, port: get.port, timeout: timeout)
        } catch {
            return .failure(error.message)
        }
        var request = "GET \(get.path) HTTP/1.1\r\nHost: \(address):\(get.port)\r\n"
        let names = Set(get.headers.map { $0.name.lowercased() })
        if !names.contains("user-agent") { request += "User-Agent: kube-probe/1.33\r\n" }
        if !names.contains("accept") { request += "Accept: */*\r\n" }
        for header in get.headers { request += "\(header.name): \(header.value)\r\n" }
        request += "Connection: close\r\n\r\n"
        let response: [UInt8]
        do throws(LinuxError) {
            try connection.send(request)
            response = try connection.receiveAll(limit: Self.outputLimit)
        } catch {
            return .failure("Get \"http://\(address):\(get.port)\(get.path)\": \(error)")
        }
        guard let code = Self.statusCode(response) else {
            return .failure("Get \"http://\(address):\(get.port)\(get.path)\": malformed HTTP response")
        }
        return (200..<400).contains(code) ? .success : .failure("HTTP probe failed with statuscode: \(code)")
    }

    /// The code of an HTTP/1.x status line. Only this line matters to a probe, so it is read
    /// here rather than through a full HTTP client pipeline.
    static func statusCode(_ response: [UInt8]) -> Int? {
        let line = String(decoding: response.prefix(while: { $0 != UInt8(ascii: "\r") && $0 != 10 }), as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3 else { return nil }
        return Int(parts[1])
    }

    struct ActionFailure: Error { let message: String }

    func connect(to host: String, port: UInt16, timeout: Duration) throws(ActionFailure) -> TCPClient {
        guard let address = IPv4Address(host) else {
            throw ActionFailure(message: "dial tcp \(host):\(port): host must be an IPv4 address")
        }
        do throws(LinuxError) {
            return try TCPClient(to: address, port: port, namespacePath: nodeNetwork, timeout: timeout)
        } catch {
            throw ActionFailure(message: "dial tcp \(host):\(port): \(error)")
        }
    }

    /// Blocking socket calls run on a Dispatch thread, never on the Swift concurrency pool.
    func onThread(_ body: @escaping @Sendable () -> ActionOutcome) async -> ActionOutcome {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }
}
