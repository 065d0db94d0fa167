import SkiffLinux
import Synchronization

/// Compiled seccomp programs, one per profile and capability set: libseccomp takes ~13 ms to
/// build RuntimeDefault's, which every container start (and every exec into it) would pay
/// again; the agent builds it once and hands it over in the ContainerSpec.
final class SeccompPrograms: Sendable {
    private let programs = Mutex<[String: [UInt8]]>([:])

    /// The program for `security`, or nil when it runs unconfined.
    func program(for security: SecuritySpec) throws(LinuxError) -> [UInt8]? {
        guard let profile = try SeccompProfile.resolve(security) else { return nil }
        let capabilities = security.effectiveCapabilities.sorted()
        let source: String
        switch security.seccomp {
        case .localhost(let path): source = Syscalls.readFile(path) ?? path  // the file may change
        default: source = "RuntimeDefault"
        }
        let key = source + "\u{0}" + capabilities.joined(separator: ",")
        if let known = programs.withLock({ $0[key] }) { return known }
        let program = try profile.program(capabilities: capabilities)
        programs.withLock { $0[key] = program }
        return program
    }
}
