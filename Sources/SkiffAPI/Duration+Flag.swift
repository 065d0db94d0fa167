extension Duration {
    /// The length in seconds, fractions included.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// Parses the durations flags take, as kubelet's and kubectl's do for one unit: `500ms`,
    /// `10s`, `1.5m`, `2h`; nil for anything else (the caller names the flag in its error).
    public init?(flag text: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        guard let (suffix, scale) = units.first(where: { text.hasSuffix($0.0) }),
            let value = Double(text.dropLast(suffix.count)), value >= 0, value.isFinite
        else { return nil }
        self = .milliseconds(Int64(value * scale * 1000))
    }
}
