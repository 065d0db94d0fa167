import Testing

@testable import SkiffLinux

@Suite struct CRILogReaderTests {
    static let file = Array(
        """
        2026-11-21T10:00:00.000000001Z stdout F one
        2026-11-21T10:00:01.5Z stderr F two
        2026-11-21T10:00:02Z stdout P thr
        2026-11-21T10:00:03Z stdout F ee
        2026-11-21T10:00:04Z stdout F four
        2026-11-21T10:00:05Z stdout F

        """.utf8)

    func read(_ options: LogOptions) -> String {
        var reader = CRILogReader(options: options)
        return String(decoding: reader.renderInitial(CRILogReader.parse(Self.file[...]).records), as: UTF8.self)
    }

    @Test func rendersContentAndJoinsPartialRecords() {
        #expect(read(LogOptions()) == "one\ntwo\nthree\nfour\n\n")
    }

    @Test func timestampsPrefixEachLineNotEachPiece() {
        var options = LogOptions()
        options.timestamps = true
        options.tailLines = 3
        #expect(read(options) == "2026-11-21T10:00:02Z three\n2026-11-21T10:00:04Z four\n2026-11-21T10:00:05Z \n")
    }

    @Test func tailLinesCountsLinesNotRecords() {
        var options = LogOptions()
        options.tailLines = 3
        #expect(read(options) == "three\nfour\n\n")
        options.tailLines = 0
        #expect(read(options) == "")
        options.tailLines = 100
        #expect(read(options) == "one\ntwo\nthree\nfour\n\n")
    }

    @Test func sinceAndLimitBytes() throws {
        var options = LogOptions()
        options.since = try #require(Timestamp.parse("2026-11-21T10:00:01Z"))
        options.limitBytes = 6
        var reader = CRILogReader(options: options)
        let first = reader.renderInitial(CRILogReader.parse(Self.file[...]).records)
        #expect(String(decoding: first, as: UTF8.self) == "two\nth")
        #expect(reader.limitReached)
        #expect(reader.render(CRILogReader.parse(Self.file[...]).records).isEmpty)
    }

    @Test func parseKeepsAnUnfinishedLineForTheNextRead() {
        let bytes = Array("2026-11-21T10:00:00Z stdout F done\n2026-11-21T10:00:01Z stdout F hal".utf8)
        let (records, consumed) = CRILogReader.parse(bytes[...])
        #expect(records.count == 1)
        #expect(consumed == 35)
    }

    @Test func parsesRFC3339() {
        #expect(Timestamp.parse("1970-01-01T00:00:00Z") == 0)
        #expect(Timestamp.parse("2026-11-21T10:00:00.5Z") == 1_795_255_200_500_000_000)
        #expect(Timestamp.parse("2000-02-29T23:59:59.000000001Z") == 951_868_799_000_000_001)
        #expect(Timestamp.parse("2026-11-21 10:00:00Z") == nil)
        #expect(Timestamp.parse("2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp.parse(Timestamp.rfc3339(1_795_255_200_123_456_789)) == 1_795_255_200_123_456_789)
    }
}
