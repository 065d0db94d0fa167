import SkiffAPI
import Testing

@testable import SkiffAPIServer

@Suite("exec requests and client frames")
struct RemoteCommandRequestTests {
    @Test("each command= is one argv element, percent-decoded; flags as kubectl sends them")
    func parse() throws {
        let request = try #require(
            RemoteCommandRequest(
                uri:
                    "/api/v1/namespaces/team%2Da/pods/web-1/exec?command=sh&command=-c&command=echo%20a%26b&container=main&stdin=true&stdout=true&tty=1"
            ))
        #expect(request.namespace == "team-a")
        #expect(request.pod == "web-1")
        #expect(request.subresource == "exec")
        #expect(request.command == ["sh", "-c", "echo a&b"])
        #expect(request.container == "main")
        #expect(request.stdin && request.tty && request.flag("stdout") && !request.flag("stderr"))
    }

    @Test("only a pod's exec and attach are remote commands")
    func otherPaths() {
        #expect(RemoteCommandRequest(uri: "/api/v1/namespaces/a/pods/p/attach?stdout=true")?.subresource == "attach")
        #expect(RemoteCommandRequest(uri: "/api/v1/namespaces/a/pods/p/log") == nil)
        #expect(RemoteCommandRequest(uri: "/api/v1/namespaces/a/services/p/exec") == nil)
        #expect(RemoteCommandRequest(uri: "/apis/apps/v1/namespaces/a/pods/p/exec") == nil)
    }

    @Test("WebSocket messages: stdin and resize pass, v5's close names stdin, nothing else is the client's")
    func clientFrames() {
        #expect(WebSocketRemoteCommand.clientFrame([0, 104, 105]) == StreamFrame(.stdin, [104, 105]))
        #expect(WebSocketRemoteCommand.clientFrame([4, 123, 125]) == StreamFrame(.resize, [123, 125]))
        #expect(WebSocketRemoteCommand.clientFrame([255, 0]) == StreamFrame(.closeStdin))
        #expect(WebSocketRemoteCommand.clientFrame([255, 1]) == nil)
        #expect(WebSocketRemoteCommand.clientFrame([1, 65]) == nil)
        #expect(WebSocketRemoteCommand.clientFrame([]) == nil)
    }
}
