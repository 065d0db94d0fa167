import SkiffLinux
import Synchronization

/// Compiled seccomp programs, one per profile and capability set: libseccomp takes ~13 ms to
/// build RuntimeDefault's, which every container start (and every exec into it) would pay
/// again; the agent builds it once and hands it over in the ContainerSpec.
final class SeccompPrograms: Sendable {
    private let programs = Mutex<[String: [UInt8]]>([:])

    /// The program for `security`, or nil when it runs unconfined. A start reads a Localhost
    /// profile's file once (it may have changed) and parses it only when its text is new.
    func program(for security: SecuritySpec) throws(LinuxError) -> [UInt8]? {
        let localText: String?  // nil: RuntimeDefault
        switch security.seccomp {
        case .unconfined: return nil
        case .runtimeDefault where security.privileged: return nil
        case .runtimeDefault: localText = nil
        case .localhost(let path):
            guard let text = Syscalls.readFile(path) else { throw LinuxError("read seccomp profile \(path)") }
            localText = text
        }
        let capabilities = security.effectiveCapabilities.sorted()
        let key = (localText.map { "L" + $0 } ?? "R") + "\u{0}" + capabilities.joined(separator: ",")
        if let known = programs.withLock({ $0[key] }) { return known }
        let profile =
            try localText.map { text throws(LinuxError) in try SeccompProfile(jsonText: text) }
            ?? SeccompProfile.runtimeDefault
        let program = try profile.program(capabilities: capabilities)
        programs.withLock { $0[key] = program }
        return program
    }
}
