import CSkiffLinux
import Glibc

/// Credentials and confinement, applied last before execve (LINUX-NOTES §8: capabilities →
/// no_new_privs → seccomp last).
enum ContainerSecurity {
    static func apply(_ security: SecuritySpec) throws(LinuxError) {
        if !security.supplementaryGroups.isEmpty || security.gid != 0 || security.uid != 0 {
            var groups = security.supplementaryGroups.map { gid_t($0) }
            try check("setgroups") { setgroups(groups.count, &groups) }
            try check("setresgid(\(security.gid))") { skiff_setresgid(security.gid) }
            try check("setresuid(\(security.uid))") { skiff_setresuid(security.uid) }
        }
        if security.noNewPrivileges && !security.privileged {
            try check("prctl(NO_NEW_PRIVS)") { skiff_set_no_new_privs() }
        }
    }
}
