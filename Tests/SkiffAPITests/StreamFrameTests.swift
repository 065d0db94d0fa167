import SkiffAPI
import Testing

@Suite("exec stream frames between API server and agent")
struct StreamFrameTests {
    @Test("frames come apart at their lengths however the bytes are chunked; unknown channels are skipped")
    func decode() {
        let frames = [StreamFrame(.stdout, Array("out".utf8)), StreamFrame(.closeStdin), StreamFrame(.stderr, [0, 1])]
        var bytes = frames[0].encoded + [7, 0, 0, 0, 1, 42]  // channel 7 means nothing
        bytes += frames[1].encoded + frames[2].encoded
        var decoder = StreamFrameDecoder()
        var decoded: [StreamFrame] = []
        for chunk in stride(from: 0, to: bytes.count, by: 3) {
            decoded += decoder.feed(bytes[chunk..<min(chunk + 3, bytes.count)])
        }
        #expect(decoded == frames)
    }

    @Test("the final Status carries the exit code as kubectl and the Python client read it")
    func status() {
        #expect(RemoteCommandStatus.code(of: RemoteCommandStatus.exitCode(0)) == 0)
        let failed = RemoteCommandStatus.exitCode(3)
        #expect(failed["reason"] == "NonZeroExitCode")
        #expect(failed["status"] == "Failure")
        #expect(RemoteCommandStatus.code(of: failed) == 3)
        let broken = RemoteCommandStatus.failure(.badRequest("container \"x\" is not running"))
        #expect(RemoteCommandStatus.code(of: broken) == nil)
        #expect(broken["message"] == "container \"x\" is not running")
    }
}
