import Foundation
import SkiffLinux
import Testing

@testable import SkiffAgent

/// The agent's compiled seccomp programs: built once per profile text and capability set,
/// none for unconfined or privileged containers, a Localhost file read afresh each time.
@Suite("seccomp programs cache")
struct SeccompProgramsTests {
    @Test("RuntimeDefault compiles once per capability set; unconfined and privileged get none")
    func runtimeDefault() throws {
        let programs = SeccompPrograms()
        let first = try #require(try programs.program(for: SecuritySpec()))
        #expect(!first.isEmpty && first.count % 8 == 0)
        #expect(try programs.program(for: SecuritySpec()) == first)
        // CAP_SYS_ADMIN unlocks syscalls in Docker's profile: another program.
        let admin = try programs.program(for: SecuritySpec(capabilities: ["CAP_SYS_ADMIN"]))
        #expect(admin != nil && admin != first)
        #expect(try programs.program(for: SecuritySpec(seccomp: .unconfined)) == nil)
        var privileged = SecuritySpec()
        privileged.privileged = true
        #expect(try programs.program(for: privileged) == nil)
    }

    @Test("a Localhost profile is compiled from its file, again when the file changes; a missing file fails")
    func localhost() throws {
        let path = NSTemporaryDirectory() + "skiff-seccomp-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        func write(_ errno: Int) throws {
            try """
            {"defaultAction": "SCMP_ACT_ALLOW",
             "syscalls": [{"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": \(errno)}]}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let programs = SeccompPrograms()
        let spec = SecuritySpec(seccomp: .localhost(path))
        try write(13)
        let first = try #require(try programs.program(for: spec))
        #expect(try programs.program(for: spec) == first)
        try write(1)
        #expect(try programs.program(for: spec) != first, "the file's new text is compiled")
        try FileManager.default.removeItem(atPath: path)
        #expect(throws: LinuxError.self) { try programs.program(for: spec) }
    }
}
