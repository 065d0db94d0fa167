import SkiffAPI

/// What a probe or a lifecycle hook does, as the pod spec says it (`exec`, `httpGet`,
/// `tcpSocket`, `sleep`), with a named port already resolved against the container's ports.
enum ContainerAction: Sendable, Equatable {
    case exec(command: [String])
    case httpGet(HTTPGet)
    case tcpSocket(host: String?, port: UInt16)
    case sleep(seconds: Int)
    /// A handler this node cannot carry out (grpc, https, a port name the container lacks):
    /// it fails every time with this message, so the user sees why in the pod's events and status.
    case unusable(String)

    struct HTTPGet: Sendable, Equatable {
        var host: String?
        var port: UInt16
        var path: String = "/"
        var headers: [Header] = []

        struct Header: Sendable, Equatable {
            var name: String
            var value: String
        }
    }

    /// Reads the handler in `json` (a probe or a `lifecycle.postStart`/`preStop`); nil when it
    /// names none.
    init?(json: JSON?, container: JSON) {
        guard let json else { return nil }
        if let command = json[path: ["exec", "command"]]?.array {
            self = .exec(command: command.compactMap(\.string))
        } else if let http = json["httpGet"] {
            if let scheme = http["scheme"]?.string, scheme.uppercased() != "HTTP" {
                self = .unusable("httpGet scheme \(scheme) is not supported by this node; use HTTP")
                return
            }
            switch Self.port(http["port"], container: container) {
            case .success(let port):
                let headers = (http["httpHeaders"]?.array ?? []).map {
                    HTTPGet.Header(name: $0["name"]?.string ?? "", value: $0["value"]?.string ?? "")
                }
                var path = http["path"]?.string ?? "/"
                if !path.hasPrefix("/") { path = "/" + path }
                self = .httpGet(HTTPGet(host: http["host"]?.string, port: port, path: path, headers: headers))
            case .failure(let problem): self = .unusable(problem.message)
            }
        } else if let tcp = json["tcpSocket"] {
            switch Self.port(tcp["port"], container: container) {
            case .success(let port): self = .tcpSocket(host: tcp["host"]?.string, port: port)
            case .failure(let problem): self = .unusable(problem.message)
            }
        } else if let seconds = json[path: ["sleep", "seconds"]]?.int {
            self = .sleep(seconds: Int(seconds))
        } else if json["grpc"] != nil {
            self = .unusable("grpc probes are not supported by this node; use exec, httpGet or tcpSocket")
        } else {
            return nil
        }
    }

    struct PortProblem: Error { let message: String }

    /// A port number, or the name of one of the container's `ports` (as kubelet resolves it).
    static func port(_ value: JSON?, container: JSON) -> Result<UInt16, PortProblem> {
        if let number = value?.int, let port = UInt16(exactly: number), port > 0 { return .success(port) }
        guard let name = value?.string else {
            return .failure(PortProblem(message: "port must be a number from 1 to 65535 or a named container port"))
        }
        if let port = UInt16(name), port > 0 { return .success(port) }
        let declared = container["ports"]?.array ?? []
        if let match = declared.first(where: { $0["name"]?.string == name }),
            let number = match["containerPort"]?.int, let port = UInt16(exactly: number)
        {
            return .success(port)
        }
        return .failure(
            PortProblem(message: "port \"\(name)\" is not a named port of container \(container["name"]?.string ?? "")")
        )
    }

    /// How kubelet describes the handler in its events ("Liveness probe failed: …").
    var summary: String {
        switch self {
        case .exec(let command): return "exec \(command.joined(separator: " "))"
        case .httpGet(let get): return "http-get :\(get.port)\(get.path)"
        case .tcpSocket(_, let port): return "tcp-socket :\(port)"
        case .sleep(let seconds): return "sleep \(seconds)s"
        case .unusable(let message): return message
        }
    }
}

/// A container's liveness, readiness or startup probe with kubelet's defaults.
struct Probe: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case liveness, readiness, startup
        var field: String { rawValue + "Probe" }
        var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    }

    var action: ContainerAction
    var initialDelay: Duration
    var period: Duration
    var timeout: Duration
    var successThreshold: Int
    var failureThreshold: Int
    /// The probe's own grace period for the kill it causes (Kubernetes 1.25+), else the pod's.
    var terminationGracePeriodSeconds: Int64?

    init?(_ kind: Kind, container: JSON) {
        guard let json = container[kind.field], let action = ContainerAction(json: json, container: container) else {
            return nil
        }
        func seconds(_ field: String, _ fallback: Int64, minimum: Int64) -> Duration {
            .seconds(max(minimum, json[field]?.int ?? fallback))
        }
        self.action = action
        initialDelay = seconds("initialDelaySeconds", 0, minimum: 0)
        period = seconds("periodSeconds", 10, minimum: 1)
        timeout = seconds("timeoutSeconds", 1, minimum: 1)
        // Liveness and startup must succeed once to count (the API rejects anything else).
        successThreshold = kind == .readiness ? Int(max(1, json["successThreshold"]?.int ?? 1)) : 1
        failureThreshold = Int(max(1, json["failureThreshold"]?.int ?? 3))
        terminationGracePeriodSeconds = json["terminationGracePeriodSeconds"]?.int
    }
}
