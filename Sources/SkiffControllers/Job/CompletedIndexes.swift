/// `status.completedIndexes` of an Indexed Job: the succeeded indexes as Kubernetes writes
/// them, ascending intervals joined by commas (`"0-2,5,7-8"`).
struct CompletedIndexes: Sendable, Equatable {
    private(set) var indexes: Set<Int>

    init(_ indexes: Set<Int> = []) { self.indexes = indexes }

    /// Reads the interval form; what does not parse (or lies outside `0..<completions`) is
    /// dropped, as Kubernetes drops it.
    init(parsing text: String, completions: Int) {
        var found: Set<Int> = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", maxSplits: 1).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard let low = bounds.first ?? nil else { continue }
            let high = bounds.count == 2 ? bounds[1] : low
            guard let high, low <= high else { continue }
            for index in max(low, 0)...high where index < completions { found.insert(index) }
        }
        indexes = found
    }

    mutating func insert(_ index: Int) { indexes.insert(index) }

    func contains(_ index: Int) -> Bool { indexes.contains(index) }

    var count: Int { indexes.count }

    var text: String {
        var parts: [String] = []
        var sorted = indexes.sorted()[...]
        while let low = sorted.popFirst() {
            var high = low
            while sorted.first == high + 1 { high = sorted.removeFirst() }
            parts.append(low == high ? "\(low)" : "\(low)-\(high)")
        }
        return parts.joined(separator: ",")
    }
}
