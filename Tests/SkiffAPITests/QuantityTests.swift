import SkiffAPI
import Testing

@Suite("Quantity")
struct QuantityTests {
    @Test(
        "parses Kubernetes quantities to milli and whole values",
        arguments: [
            ("100m", Int64(100), Int64(1)),
            ("0.5", 500, 1),
            ("1", 1000, 1),
            ("64Mi", 67_108_864_000, 67_108_864),
            ("1Gi", 1_073_741_824_000, 1_073_741_824),
            ("2G", 2_000_000_000_000, 2_000_000_000),
            ("1e3", 1_000_000, 1000),
            ("5E-2", 50, 1),
            ("500k", 500_000_000, 500_000),
            ("1Ki", 1_024_000, 1024),
            ("1.5Gi", 1_610_612_736_000, 1_610_612_736),
            ("-1", -1000, -1),
            ("+2", 2000, 2),
            ("1n", 1, 1),
            ("250u", 1, 1),
            (".5", 500, 1),
            ("1.", 1000, 1),
            ("1E", Int64.max, 1_000_000_000_000_000_000),
        ])
    func parses(text: String, milli: Int64, value: Int64) throws {
        let q = try Quantity(parsing: text)
        #expect(q.milliValue == milli)
        #expect(q.value == value)
    }

    @Test("rounds up, away from zero, as Value() does")
    func roundsUp() throws {
        let q = try Quantity(parsing: "1.0000000001")
        #expect(q.value == 2)
        #expect(q.milliValue == 1001)
        #expect(try Quantity(parsing: "-1.5").value == -2)
        #expect(try Quantity(parsing: "1e-100").milliValue == 1)  // below a nano rounds up to 1n
    }

    @Test("saturates at Int64 bounds instead of overflowing")
    func saturates() throws {
        #expect(try Quantity(parsing: "8Ei").milliValue == Int64.max)
        #expect(try Quantity(parsing: "1Ei").value == 1 << 60)
        #expect(try Quantity(parsing: "-9Ei").value == Int64.min)
    }

    @Test(
        "prints the canonical form Kubernetes stores",
        arguments: [
            ("0.5", "500m"), ("1000m", "1"), ("1024Mi", "1Gi"), ("1536Mi", "1536Mi"), ("1.5Gi", "1536Mi"),
            ("100m", "100m"), ("1e3", "1e3"), ("1500", "1500"), ("2000", "2k"), ("0", "0"), ("0m", "0"),
            ("0.5Ki", "512"), ("1Ki", "1Ki"), ("12e-1", "1200e-3"), ("64Mi", "64Mi"), ("1.5", "1500m"),
            ("1000Ei", "1000Ei"), ("1100Ki", "1100Ki"), ("0.1n", "1n"), ("2Ti", "2Ti"),
        ])
    func canonical(text: String, expected: String) throws {
        let q = try Quantity(parsing: text)
        #expect(q.description == expected)
        #expect(q.canonical == expected)
        #expect(q.original == text)
        // The canonical form parses back to the same value.
        #expect(try Quantity(parsing: expected) == q)
    }

    @Test("compares by value across units")
    func compares() throws {
        #expect(try Quantity(parsing: "1Gi") == Quantity(parsing: "1073741824"))
        #expect(try Quantity(parsing: "1") == Quantity(parsing: "1000m"))
        #expect(try Quantity(parsing: "500m") < Quantity(parsing: "1"))
        #expect(try Quantity(parsing: "1G") < Quantity(parsing: "1Gi"))
        #expect(try !(Quantity(parsing: "2") < Quantity(parsing: "2000m")))
        let set: Set<Quantity> = [
            try Quantity(parsing: "1k"), try Quantity(parsing: "1000"), try Quantity(parsing: "1e3"),
        ]
        #expect(set.count == 1)
    }

    @Test(
        "refuses malformed text with Kubernetes' format message",
        arguments: ["", "abc", "1.2.3", " 1", "1 ", "1Q", "m", "-", "--1", "1e3.5", "0x10", "1Mi3x"])
    func formatErrors(text: String) {
        let error = #expect(throws: SkiffError.self) { try Quantity(parsing: text) }
        #expect(error?.message == Quantity.formatMessage)
        #expect(error?.code == .badRequest)
    }

    @Test(
        "refuses unknown suffixes with Kubernetes' suffix message",
        arguments: ["1K", "1e", "1iK", "1Mi3", "1kk", "1e+"])
    func suffixErrors(text: String) {
        let error = #expect(throws: SkiffError.self) { try Quantity(parsing: text) }
        #expect(error?.message == "unable to parse quantity's suffix")
    }

    @Test("refuses magnitudes beyond the exact range rather than wrapping")
    func tooLarge() {
        #expect(throws: SkiffError.self) { try Quantity(parsing: "1e400") }
        #expect(throws: SkiffError.self) { try Quantity(parsing: "999999999999999999999999999999999999Ei") }
    }

    @Test("reads bare JSON numbers, as YAML `cpu: 1` sends them")
    func jsonNumbers() throws {
        #expect(try Quantity(json: 2).milliValue == 2000)
        #expect(try Quantity(json: 0.5).milliValue == 500)
        #expect(try Quantity(json: 1e-05).milliValue == 1)
        #expect(try Quantity(json: "64Mi").value == 67_108_864)
        #expect(throws: SkiffError.self) { try Quantity(json: true) }
        #expect(throws: SkiffError.self) { try Quantity(json: ["a": 1]) }
    }
}
