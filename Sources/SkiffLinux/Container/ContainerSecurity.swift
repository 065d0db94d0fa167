import CSkiffLinux
import Glibc

/// Credentials and confinement, applied last before execve. The order is the one runc uses,
/// forced by the kernel: a seccomp filter can be loaded only with no_new_privs set or while
/// CAP_SYS_ADMIN is still held. So with no_new_privs (the default here): capabilities and ids
/// → no_new_privs → seccomp last (LINUX-NOTES §8); and when privilege escalation is allowed
/// (no no_new_privs): seccomp first, while still root, then capabilities and ids.
enum ContainerSecurity {
    /// `profile` comes from `seccompProfile`, called before pivot_root (a Localhost profile is
    /// a host file).
    static func apply(_ security: SecuritySpec, profile: SeccompFilter?) throws(LinuxError) {
        let capabilities = security.effectiveCapabilities
        let noNewPrivileges = security.noNewPrivileges && !security.privileged
        if let profile, !noNewPrivileges { try profile.load(capabilities: capabilities) }
        try Capabilities.apply(
            capabilities, uid: security.uid, gid: security.gid, supplementaryGroups: security.supplementaryGroups)
        // A change of effective id clears the parent-death signal (LINUX-NOTES §8.4): arm it again.
        _ = skiff_set_pdeathsig(SIGKILL)
        if noNewPrivileges {
            try check("prctl(NO_NEW_PRIVS)") { skiff_set_no_new_privs() }
            if let profile { try profile.load(capabilities: capabilities) }
        }
    }

    /// The filter to install: the program the agent compiled ahead, else the profile itself
    /// (RuntimeDefault is Docker's profile; Localhost a Docker/OCI JSON file on the host).
    static func seccompProfile(_ security: SecuritySpec) throws(LinuxError) -> SeccompFilter? {
        if let program = security.seccompProgram, security.seccomp != .unconfined { return .program(program) }
        return try SeccompProfile.resolve(security).map(SeccompFilter.profile)
    }
}

/// A seccomp filter ready to install: a profile still to compile, or its compiled program.
enum SeccompFilter {
    case profile(SeccompProfile)
    case program([UInt8])

    func load(capabilities: [String]) throws(LinuxError) {
        switch self {
        case .profile(let profile): try profile.load(capabilities: capabilities)
        case .program(let program): try SeccompProfile.load(program: program)
        }
    }
}
