import Testing

@testable import SkiffLinux

/// The compiled program the agent hands to skiff-init: the same filter `report` measures, and
/// it survives the trip through the spec's JSON.
@Suite("seccomp programs compiled ahead")
struct SeccompProgramTests {
    @Test("RuntimeDefault's program is the measured filter, 8 bytes per instruction")
    func programMatchesReport() throws {
        let capabilities = Capabilities.defaultSet
        let program = try SeccompProfile.runtimeDefault.program(capabilities: capabilities)
        let report = try SeccompProfile.runtimeDefault.report(capabilities: capabilities)
        #expect(program.count == report.instructions * 8)
        #expect(report.instructions > 100)
    }

    @Test("the program round-trips through the spec JSON; a corrupt one is refused by field")
    func specRoundTrip() throws {
        var security = SecuritySpec()
        security.seccompProgram = try SeccompProfile.runtimeDefault.program(capabilities: Capabilities.defaultSet)
        let spec = ContainerSpec(image: "/i", stateDirectory: "/s", arguments: ["true"], security: security)
        #expect(try ContainerSpec(json: spec.json) == spec)
        var json = spec.json.object ?? [:]
        json["security"] = ["seccompProgram": "0g"]
        #expect(throws: LinuxError.self) { try ContainerSpec(json: .object(json)) }
        #expect(Hex.decode("00ff10") == [0, 255, 16] && Hex.encode([0, 255, 16]) == "00ff10")
        #expect(Hex.decode("abc") == nil)
    }

    @Test("Unconfined and a privileged container's RuntimeDefault have no profile")
    func resolve() throws {
        #expect(try SeccompProfile.resolve(SecuritySpec(seccomp: .unconfined)) == nil)
        #expect(try SeccompProfile.resolve(SecuritySpec(privileged: true)) == nil)
        #expect(try SeccompProfile.resolve(SecuritySpec()) != nil)
    }
}
