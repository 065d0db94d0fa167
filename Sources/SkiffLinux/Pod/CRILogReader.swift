/// What `GET …/pods/NAME/log` may ask for (kubelet's options, same names).
public struct LogOptions: Sendable, Equatable {
    public var follow = false
    public var timestamps = false
    public var tailLines: Int?
    /// Only records at or after this time (nanoseconds since the epoch), from `sinceSeconds`
    /// or `sinceTime`.
    public var since: Int64?
    public var limitBytes: Int?

    public init() {}
}

/// One line of a CRI log file: `<RFC3339Nano> <stdout|stderr> <F|P> <content>`.
public struct CRILogRecord: Equatable {
    public var timestamp: Substring
    /// `stdout` or `stderr`.
    public var stream: Substring
    public var partial: Bool
    public var content: ArraySlice<UInt8>
}

/// Turns CRI log files into the bytes `kubectl logs` prints: the content, a newline after each
/// full (`F`) record, the timestamp before each line when asked, filtered by time, the last N
/// lines, and at most `limitBytes` (across a whole follow).
public struct CRILogReader {
    public let options: LogOptions
    public private(set) var written = 0
    /// The last record was partial: the next one continues its line (no timestamp before it).
    private var continuing = false

    public init(options: LogOptions) { self.options = options }

    public var limitReached: Bool { options.limitBytes.map { written >= $0 } ?? false }

    /// Splits complete lines (ending in `\n`) off `bytes`; returns them and how many bytes they
    /// used, so a follower keeps the unfinished rest for the next read.
    public static func parse(_ bytes: ArraySlice<UInt8>) -> (records: [CRILogRecord], consumed: Int) {
        var records: [CRILogRecord] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = bytes[start..<newline]
            start = newline + 1
            let fields = line.split(separator: UInt8(ascii: " "), maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count >= 3 else { continue }  // not a CRI line: skip rather than fail
            records.append(
                CRILogRecord(
                    timestamp: Substring(decoding: fields[0], as: UTF8.self),
                    stream: Substring(decoding: fields[1], as: UTF8.self),
                    partial: fields[2].elementsEqual("P".utf8),
                    content: fields.count > 3 ? fields[3] : []))
        }
        return (records, start - bytes.startIndex)
    }

    /// The first read: whole files' records, with `tailLines` applied.
    public mutating func renderInitial(_ records: [CRILogRecord]) -> [UInt8] {
        var selected = records.filter(isRecent)
        if let tail = options.tailLines {
            // Keep the last `tail` lines: a line ends at a full record.
            var lines = 0
            var first = selected.endIndex
            for index in selected.indices.reversed() {
                if !selected[index].partial {
                    if lines == tail { break }
                    lines += 1
                }
                first = index
            }
            selected = Array(selected[first...])
        }
        return render(selected)
    }

    /// Records that arrived while following.
    public mutating func render(_ records: [CRILogRecord]) -> [UInt8] {
        var out: [UInt8] = []
        for record in records where isRecent(record) {
            if options.timestamps && !continuing { out += record.timestamp.utf8 + [UInt8(ascii: " ")] }
            out += record.content
            if !record.partial { out.append(UInt8(ascii: "\n")) }
            continuing = record.partial
        }
        if let limit = options.limitBytes {
            out = Array(out.prefix(max(0, limit - written)))
        }
        written += out.count
        return out
    }

    func isRecent(_ record: CRILogRecord) -> Bool {
        guard let since = options.since else { return true }
        return (Timestamp.parse(record.timestamp) ?? Int64.max) >= since
    }
}
