import Testing

@testable import SkiffAPI

/// The apimachinery types no supported kind reaches yet (RawExtension, Duration) and the scalar
/// types Kubernetes does not use, through a small schema of a made-up `test/v1 Widget`.
@Suite("Well-known types and scalars")
struct ProtobufWellKnownTests {
    static let schema = ProtoSchema(
        parsing: """
            @k8s.io.api.test.v1.Widget kind
            1 raw 11 k8s.io.apimachinery.pkg.runtime.RawExtension
            2 timeout 11 k8s.io.apimachinery.pkg.apis.meta.v1.Duration
            3 big 4
            4 delta 18
            5 ratio 1
            6 scale 2
            7 small 17
            8 nested 11 k8s.io.apimachinery.pkg.runtime.RawExtension
            9 empty 11 k8s.io.apimachinery.pkg.runtime.RawExtension
            @k8s.io.apimachinery.pkg.runtime.RawExtension
            1 raw 12
            @k8s.io.apimachinery.pkg.apis.meta.v1.Duration
            1 duration 3
            """)

    static func decode(_ build: (inout ProtoWriter) -> Void) throws(SkiffError) -> JSON {
        try KubernetesProtobuf.decode(ProtoWriter.body("test/v1", "Widget", build), schema: schema, depth: 0)
    }

    @Test("RawExtension holds JSON or a nested protobuf object; Duration is Go's String()")
    func rawAndDuration() throws {
        let inner = ProtoWriter.body("test/v1", "Widget") { $0.message(2) { $0.int(1, 1_000) } }
        let widget = try Self.decode { w in
            w.message(1) { $0.string(1, #"{"a":[1,"b"]}"#) }
            w.message(2) { $0.int(1, 90_000_000_000) }
            w.message(8) { $0.bytes(1, inner) }
            w.message(9) { _ in }
        }
        #expect(widget["raw"] == ["a": [1, "b"]])
        #expect(widget["timeout"] == "1m30s")
        #expect(widget["nested"] == ["apiVersion": "test/v1", "kind": "Widget", "timeout": "1µs"])
        #expect(widget["empty"] == nil)
    }

    @Test("RawExtension bytes that are neither JSON nor protobuf are a 400")
    func badRaw() {
        #expect(throws: SkiffError.self) { _ = try Self.decode { w in w.message(1) { $0.string(1, "{not json") } } }
    }

    @Test("uint64, sint and floating point scalars")
    func scalars() throws {
        let widget = try Self.decode { w in
            w.int(3, -1)  // UInt64.max does not fit Int64
            w.int(4, 3)  // zigzag 3 → -2
            w.fixed(5, 2.5.bitPattern, width: 8)
            w.fixed(6, UInt64(Float(0.5).bitPattern), width: 4)
            w.int(7, 4_294_967_295)  // zigzag UInt32.max → Int32.min
        }
        #expect(widget["big"] == .double(Double(UInt64.max)))
        #expect(widget["delta"] == -2)
        #expect(widget["ratio"] == 2.5)
        #expect(widget["scale"] == 0.5)
        #expect(widget["small"] == .int(Int64(Int32.min)))
    }

    @Test("a scalar field with the wrong wire type is a 400")
    func wrongWireType() {
        #expect(throws: SkiffError.self) { _ = try Self.decode { $0.string(3, "x") } }
        #expect(throws: SkiffError.self) { _ = try Self.decode { $0.fixed(4, 1, width: 4) } }
    }

    @Test(
        "Go duration strings",
        arguments: [
            (Int64(0), "0s"), (999, "999ns"), (1_500, "1.5µs"), (300_000_000, "300ms"), (1_500_000_000, "1.5s"),
            (60_000_000_000, "1m0s"), (3_600_000_000_000, "1h0m0s"), (3_661_000_000_001, "1h1m1.000000001s"),
            (-2_000_000_000, "-2s"), (Int64.min, "-2562047h47m16.854775808s"),
        ])
    func durations(nanoseconds: Int64, text: String) {
        #expect(ProtobufMessageDecoder.goDuration(nanoseconds) == text)
    }

    @Test(
        "RFC 3339 timestamps",
        arguments: [
            (Int64(1_714_557_600), Int64(0), false, "2024-05-01T10:00:00Z"),
            (1_709_251_199, 5_000, true, "2024-02-29T23:59:59.000005Z"),
            (-1, 0, false, "1969-12-31T23:59:59Z"),
            (-2_208_988_800, 0, false, "1900-01-01T00:00:00Z"),
            (253_402_300_799, 0, false, "9999-12-31T23:59:59Z"),
        ])
    func timestamps(seconds: Int64, nanos: Int64, micro: Bool, text: String) throws {
        #expect(try ProtobufMessageDecoder.rfc3339(seconds: seconds, nanos: nanos, micro: micro, "t") == text)
    }

    @Test("timestamps Go cannot format are a 400")
    func timestampRange() {
        for (seconds, nanos) in [(Int64(253_402_300_800), Int64(0)), (Int64.min, 0), (0, -1), (0, 1_000_000_000)] {
            #expect(throws: SkiffError.self) {
                _ = try ProtobufMessageDecoder.rfc3339(seconds: seconds, nanos: nanos, micro: false, "t")
            }
        }
    }
}
