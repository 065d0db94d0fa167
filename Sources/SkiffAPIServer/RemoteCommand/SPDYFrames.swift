import CSkiffZlib

/// SPDY/3.1 framing, only as much as `kubectl exec` uses (shared/K8S-API.md §9): the client
/// opens one stream per channel (SYN_STREAM with a `streamtype` header), the server answers
/// each with SYN_REPLY and sends DATA; PING is echoed; the client ends with RST_STREAM and GOAWAY.
/// Written by hand: no Swift SPDY implementation exists (swift-nio-http2 is HTTP/2 only).
enum SPDYFrame: Equatable {
    case synStream(id: UInt32, headerBlock: [UInt8])
    case synReply(id: UInt32, headerBlock: [UInt8])
    case data(id: UInt32, fin: Bool, payload: [UInt8])
    case rstStream(id: UInt32, status: UInt32)
    case ping(id: UInt32)
    case goAway(lastGoodID: UInt32)
    /// SETTINGS, WINDOW_UPDATE, HEADERS: read and ignored.
    case other(type: UInt16)

    static let version: UInt16 = 3
    static let finFlag: UInt8 = 1

    var encoded: [UInt8] {
        switch self {
        case .synStream(let id, let block): Self.control(1, flags: 0, Self.u32(id) + [0, 0, 0, 0, 0, 0] + block)
        case .synReply(let id, let block): Self.control(2, flags: 0, Self.u32(id) + block)
        case .rstStream(let id, let status): Self.control(3, flags: 0, Self.u32(id) + Self.u32(status))
        case .ping(let id): Self.control(6, flags: 0, Self.u32(id))
        case .goAway(let last): Self.control(7, flags: 0, Self.u32(last) + Self.u32(0))
        case .other(let type): Self.control(type, flags: 0, [])
        case .data(let id, let fin, let payload):
            Self.u32(id & 0x7fff_ffff) + [fin ? Self.finFlag : 0] + Self.u24(payload.count) + payload
        }
    }

    static func control(_ type: UInt16, flags: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0x80 | UInt8(version >> 8), UInt8(version & 0xff), UInt8(type >> 8), UInt8(type & 0xff), flags]
            + u24(payload.count) + payload
    }

    static func u32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    static func u24(_ value: Int) -> [UInt8] {
        [UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }
}

/// Splits the connection's bytes into frames, whatever the TCP chunking.
struct SPDYFrameDecoder {
    var buffer: [UInt8] = []

    mutating func feed(_ bytes: some Sequence<UInt8>) -> [SPDYFrame] {
        buffer.append(contentsOf: bytes)
        var frames: [SPDYFrame] = []
        var start = 0
        while buffer.count - start >= 8 {
            let length = Int(buffer[start + 5]) << 16 | Int(buffer[start + 6]) << 8 | Int(buffer[start + 7])
            guard buffer.count - start - 8 >= length else { break }
            let body = Array(buffer[(start + 8)..<(start + 8 + length)])
            let flags = buffer[start + 4]
            if buffer[start] & 0x80 == 0 {
                frames.append(.data(id: Self.u32(buffer, start) & 0x7fff_ffff, fin: flags & 1 != 0, payload: body))
            } else {
                frames.append(Self.control(type: UInt16(buffer[start + 2]) << 8 | UInt16(buffer[start + 3]), body))
            }
            start += 8 + length
        }
        buffer.removeFirst(start)
        return frames
    }

    static func control(type: UInt16, _ body: [UInt8]) -> SPDYFrame {
        let id = body.count >= 4 ? u32(body, 0) & 0x7fff_ffff : 0
        switch type {
        case 1 where body.count >= 10: return .synStream(id: id, headerBlock: Array(body[10...]))
        case 2 where body.count >= 4: return .synReply(id: id, headerBlock: Array(body[4...]))
        case 3 where body.count >= 8: return .rstStream(id: id, status: u32(body, 4))
        case 6 where body.count >= 4: return .ping(id: u32(body, 0))
        case 7 where body.count >= 4: return .goAway(lastGoodID: id)
        default: return .other(type: type)
        }
    }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}

/// Name/value header blocks, zlib-compressed with the SPDY/3 dictionary. One compressor and
/// one decompressor per connection: each block continues the stream of the previous one.
final class SPDYHeaderCodec {
    private let deflater: OpaquePointer
    private let inflater: OpaquePointer

    init?() {
        let dictionary = SPDYDictionary.bytes
        guard let deflater = skiff_zstream_new(1, dictionary, dictionary.count) else { return nil }
        guard let inflater = skiff_zstream_new(0, dictionary, dictionary.count) else {
            skiff_zstream_free(deflater)
            return nil
        }
        self.deflater = deflater
        self.inflater = inflater
    }

    deinit {
        skiff_zstream_free(deflater)
        skiff_zstream_free(inflater)
    }

    func encode(_ headers: [(String, String)]) -> [UInt8]? {
        var plain = SPDYFrame.u32(UInt32(headers.count))
        for (name, value) in headers {
            plain += SPDYFrame.u32(UInt32(name.utf8.count)) + Array(name.utf8)
            plain += SPDYFrame.u32(UInt32(value.utf8.count)) + Array(value.utf8)
        }
        return process(deflater, plain, capacity: plain.count * 2 + 64)
    }

    /// Lower-cased names with their values (a value may hold several, NUL-separated).
    func decode(_ block: [UInt8]) -> [String: String]? {
        guard let plain = process(inflater, block, capacity: 1 << 16), plain.count >= 4 else { return nil }
        var headers: [String: String] = [:]
        var at = 4
        func string() -> String? {
            guard plain.count - at >= 4 else { return nil }
            let length = Int(SPDYFrameDecoder.u32(plain, at))
            at += 4
            guard plain.count - at >= length else { return nil }
            defer { at += length }
            return String(decoding: plain[at..<(at + length)], as: UTF8.self)
        }
        for _ in 0..<SPDYFrameDecoder.u32(plain, 0) {
            guard let name = string(), let value = string() else { return nil }
            headers[name.lowercased()] = value
        }
        return headers
    }

    private func process(_ stream: OpaquePointer, _ input: [UInt8], capacity: Int) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: capacity)
        let count = output.withUnsafeMutableBufferPointer { out in
            skiff_zstream_process(stream, input, input.count, out.baseAddress, capacity)
        }
        return count < 0 ? nil : Array(output[0..<count])
    }
}
