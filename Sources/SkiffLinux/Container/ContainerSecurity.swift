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
    /// `helper`: a pidfd of the parent whose death must end this process (`exitIfGone`), checked
    /// once the death signal is armed for the last time and before seccomp could refuse poll.
    static func apply(_ security: SecuritySpec, profile: SeccompFilter?, helper: Int32? = nil) throws(LinuxError) {
        let capabilities = security.effectiveCapabilities
        let noNewPrivileges = security.noNewPrivileges && !security.privileged
        resetInheritedLimits()
        if let profile, !noNewPrivileges { try profile.load(capabilities: capabilities) }
        try Capabilities.apply(
            capabilities, uid: security.uid, gid: security.gid, supplementaryGroups: security.supplementaryGroups)
        // A change of effective id clears the parent-death signal (LINUX-NOTES §8.4): arm it again.
        _ = skiff_set_pdeathsig(SIGKILL)
        if let helper { ContainerExec.exitIfGone(helper) }
        if noNewPrivileges {
            try check("prctl(NO_NEW_PRIVS)") { skiff_set_no_new_privs() }
            if let profile { try profile.load(capabilities: capabilities) }
        }
    }

    /// What a container must not inherit from the agent's systemd unit: its OOM score
    /// (`OOMScoreAdjust=-999` protects the agent, and would make every container the host's last
    /// OOM victim) and its open-file limit (1048576): containers get 0 and 1024:524288, as
    /// containerd 2 gives them. Raising the score and lowering limits need no privilege.
    static func resetInheritedLimits() {
        let fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = write(fd, "0", 1)
            close(fd)
        }
        var files = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &files) == 0 else { return }
        files.rlim_max = min(files.rlim_max, 524_288)
        files.rlim_cur = min(files.rlim_max, 1024)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &files)
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
