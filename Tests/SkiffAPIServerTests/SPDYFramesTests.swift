import Foundation
import Testing

@testable import SkiffAPIServer

@Suite("SPDY/3.1 framing for kubectl exec")
struct SPDYFramesTests {
    /// zlib's checksum, computed here independently of the C library.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    @Test("the dictionary is the SPDY/3 draft's: 1423 bytes, adler32 0xe3c6a7c2")
    func dictionary() {
        #expect(SPDYDictionary.bytes.count == 1423)
        #expect(Self.adler32(SPDYDictionary.bytes) == 0xe3c6_a7c2)
    }

    @Test("frames survive encoding and any chunking of the byte stream")
    func frameRoundTrip() {
        let frames: [SPDYFrame] = [
            .synStream(id: 1, headerBlock: [1, 2, 3]), .synReply(id: 3, headerBlock: [9]),
            .data(id: 5, fin: false, payload: Array("hello".utf8)), .data(id: 5, fin: true, payload: []),
            .rstStream(id: 7, status: 5), .ping(id: 42), .goAway(lastGoodID: 7),
        ]
        let bytes = frames.flatMap(\.encoded)
        var whole = SPDYFrameDecoder()
        #expect(whole.feed(bytes) == frames)
        var trickle = SPDYFrameDecoder()
        var decoded: [SPDYFrame] = []
        for byte in bytes { decoded += trickle.feed([byte]) }
        #expect(decoded == frames)
        #expect(trickle.buffer.isEmpty)
    }

    @Test("a control frame's header: version 3, type, flags, 24-bit length")
    func controlHeader() {
        #expect(SPDYFrame.ping(id: 1).encoded == [0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1])
        #expect(SPDYFrame.data(id: 3, fin: true, payload: [0xaa]).encoded == [0, 0, 0, 3, 1, 0, 0, 1, 0xaa])
    }

    @Test("header blocks: one compression context per direction, continued from block to block")
    func headerBlocks() throws {
        let client = try #require(SPDYHeaderCodec())
        let server = try #require(SPDYHeaderCodec())
        for type in ["error", "stdin", "stdout", "stderr"] {
            let block = try #require(client.encode([("streamtype", type), ("Port", "80")]))
            #expect(server.decode(block) == ["streamtype": type, "port": "80"])
        }
    }

    @Test("a block compressed by another zlib (Python's) with the dictionary decodes")
    func independentCompressor() throws {
        // Two blocks from one compressor, as a client sends them: the second depends on the first.
        let script = """
            import sys, zlib, struct
            d = sys.stdin.buffer.read()
            c = zlib.compressobj(zdict=d)
            def block(pairs):
                raw = struct.pack('>I', len(pairs)) + b''.join(
                    struct.pack('>I', len(k)) + k + struct.pack('>I', len(v)) + v for k, v in pairs)
                return c.compress(raw) + c.flush(zlib.Z_SYNC_FLUSH)
            a = block([(b'streamtype', b'error')])
            b = block([(b'streamtype', b'stdout')])
            sys.stdout.write(a.hex() + ' ' + b.hex())
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(SPDYDictionary.bytes))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let blocks = text.split(separator: " ").map { hex in
            stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
                let start = hex.index(hex.startIndex, offsetBy: i)
                return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16) ?? 0
            }
        }
        try #require(blocks.count == 2, "python3 output: \(text)")
        let server = try #require(SPDYHeaderCodec())
        #expect(server.decode(blocks[0]) == ["streamtype": "error"])
        #expect(server.decode(blocks[1]) == ["streamtype": "stdout"])
    }
}
