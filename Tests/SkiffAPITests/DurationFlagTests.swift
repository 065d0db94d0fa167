import SkiffAPI
import Testing

@Suite struct DurationFlagTests {
    @Test func parsesOneUnit() {
        #expect(Duration(flag: "500ms") == .milliseconds(500))
        #expect(Duration(flag: "10s") == .seconds(10))
        #expect(Duration(flag: "1.5m") == .seconds(90))
        #expect(Duration(flag: "2h") == .seconds(7200))
    }

    @Test(arguments: ["", "10", "s", "-1s", "1d", "1h30m", "infs"])
    func refusesOtherForms(_ text: String) {
        #expect(Duration(flag: text) == nil)
    }
}
