import SkiffAPI
import Testing

@testable import SkiffAgent

@Suite("probe and hook handlers as the pod spec gives them")
struct ContainerActionTests {
    let container: JSON = ["name": "web", "ports": [["name": "http", "containerPort": 8080]]]

    @Test("httpGet resolves a named port, defaults the path, keeps headers")
    func httpGet() {
        let action = ContainerAction(
            json: ["httpGet": ["port": "http", "path": "healthz", "httpHeaders": [["name": "X-A", "value": "1"]]]],
            container: container)
        #expect(
            action
                == .httpGet(.init(host: nil, port: 8080, path: "/healthz", headers: [.init(name: "X-A", value: "1")])))
        #expect(ContainerAction(json: ["httpGet": ["port": 81]], container: container) == .httpGet(.init(port: 81)))
    }

    @Test("what this node cannot do fails with a message naming it, not silently")
    func unusable() {
        for (json, words) in [
            (["tcpSocket": ["port": "metrics"]] as JSON, "\"metrics\" is not a named port of container web"),
            (["httpGet": ["port": 80, "scheme": "HTTPS"]], "scheme HTTPS is not supported"),
            (["grpc": ["port": 9000]], "grpc probes are not supported"),
            (["tcpSocket": ["port": 0]], "port must be a number from 1 to 65535"),
        ] {
            guard case .unusable(let message) = ContainerAction(json: json, container: container) else {
                Issue.record("\(json) should be unusable")
                continue
            }
            #expect(message.contains(words), "\(message)")
        }
        #expect(ContainerAction(json: [:], container: container) == nil)
    }

    @Test("probes take kubelet's defaults and floors")
    func probeDefaults() throws {
        let c: JSON = [
            "name": "a", "livenessProbe": ["exec": ["command": ["true"]], "successThreshold": 5],
            "readinessProbe": ["tcpSocket": ["port": 1], "periodSeconds": 0, "successThreshold": 2],
        ]
        let liveness = try #require(Probe(.liveness, container: c))
        #expect(liveness.period == .seconds(10) && liveness.timeout == .seconds(1) && liveness.initialDelay == .zero)
        #expect(liveness.successThreshold == 1 && liveness.failureThreshold == 3)
        let readiness = try #require(Probe(.readiness, container: c))
        #expect(readiness.period == .seconds(1) && readiness.successThreshold == 2)
        #expect(Probe(.startup, container: c) == nil)
    }

    @Test("only an HTTP/1.x status line gives a status code")
    func statusLine() {
        #expect(ActionRunner.statusCode(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8)) == 204)
        #expect(ActionRunner.statusCode(Array("HTTP/1.0 500\r\n".utf8)) == 500)
        #expect(ActionRunner.statusCode(Array("SSH-2.0-OpenSSH\r\n".utf8)) == nil)
        #expect(ActionRunner.statusCode([]) == nil)
    }
}
