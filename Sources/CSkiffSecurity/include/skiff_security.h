// Why this exists: libseccomp's API is built from function-like macros (SCMP_ACT_ERRNO(x),
// SCMP_A0..) and variadic calls (seccomp_rule_add), which Swift cannot call, and one filter
// takes hundreds of calls. So Swift hands one C function plain arrays of rules and it builds,
// measures and loads the filter. libcap's API is plain C: <sys/capability.h> is included here so
// Swift calls cap_init/cap_set_proc/cap_drop_bound/cap_prctlw directly (cap_prctlw is libcap's
// non-variadic prctl). Every function returns a negative errno on failure unless said otherwise.
#ifndef SKIFF_SECURITY_H
#define SKIFF_SECURITY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/capability.h>

// prctl options used with cap_prctlw (values from <linux/prctl.h>; checked in skiff_security.c).
enum {
    SKIFF_SEC_PR_SET_PDEATHSIG = 1,
    SKIFF_SEC_PR_SET_KEEPCAPS = 8,
    SKIFF_SEC_PR_SET_NO_NEW_PRIVS = 38,
};

// Seccomp actions as the OCI profile names them; the action value is made in C because
// SCMP_ACT_ERRNO/TRACE are macros.
enum skiff_sec_action_kind {
    SKIFF_SEC_ACT_KILL_THREAD = 0,
    SKIFF_SEC_ACT_KILL_PROCESS = 1,
    SKIFF_SEC_ACT_TRAP = 2,
    SKIFF_SEC_ACT_ERRNO = 3,
    SKIFF_SEC_ACT_TRACE = 4,
    SKIFF_SEC_ACT_LOG = 5,
    SKIFF_SEC_ACT_ALLOW = 6,
};

// Argument comparisons: the values of libseccomp's enum scmp_compare (checked in the .c file).
enum skiff_sec_compare {
    SKIFF_SEC_CMP_NE = 1,
    SKIFF_SEC_CMP_LT = 2,
    SKIFF_SEC_CMP_LE = 3,
    SKIFF_SEC_CMP_EQ = 4,
    SKIFF_SEC_CMP_GE = 5,
    SKIFF_SEC_CMP_GT = 6,
    SKIFF_SEC_CMP_MASKED_EQ = 7,
};

/// One argument comparison. For MASKED_EQ, `value` is the mask and `value_two` the expected
/// result, as in the OCI spec.
struct skiff_sec_arg {
    uint32_t index;
    uint32_t op;
    uint64_t value;
    uint64_t value_two;
};

/// One rule: `syscall` (from skiff_sec_syscall_number) gets `action` when all of
/// args[first_arg ..< first_arg + arg_count] match.
struct skiff_sec_rule {
    int32_t syscall;
    uint32_t action;
    uint32_t first_arg;
    uint32_t arg_count;
};

/// The libseccomp action value for a kind; `data` is the errno (ERRNO) or message (TRACE).
uint32_t skiff_sec_action(int kind, uint32_t data);
/// The native-ABI syscall number libseccomp knows for `name` (negative pseudo-numbers for calls
/// that exist only on other ABIs, e.g. chown32); -1 (__NR_SCMP_ERROR) when it does not know it.
int32_t skiff_sec_syscall_number(const char *name);
/// libseccomp's token for an architecture name such as "x86_64", "x32", "aarch64"; 0 if unknown.
uint32_t skiff_sec_arch_token(const char *name);
/// The token of the architecture this program runs as.
uint32_t skiff_sec_arch_native(void);

enum {
    /// Load the filter into the calling thread (needs no_new_privs or CAP_SYS_ADMIN).
    SKIFF_SEC_BUILD_LOAD = 1,
    /// Export the BPF program and report its length in instructions.
    SKIFF_SEC_BUILD_MEASURE = 2,
    /// Export the BPF program: `*program_fd` is a memfd holding it (the caller reads and closes it).
    SKIFF_SEC_BUILD_EXPORT = 4,
};

/// Builds a filter with `default_action`, the extra `arches` (the native one is implicit) and the
/// rules, then measures and/or loads it (`mode`). no_new_privs is left as the caller set it.
/// Returns 0 or a negative errno; when a rule fails, `*failed_rule` is its index (else SIZE_MAX).
int skiff_sec_build_filter(
    uint32_t default_action, const uint32_t *arches, size_t arch_count,
    const struct skiff_sec_rule *rules, size_t rule_count,
    const struct skiff_sec_arg *args, size_t arg_count,
    int mode, long *instructions, size_t *failed_rule, int *program_fd);

/// Installs a BPF program exported by SKIFF_SEC_BUILD_EXPORT (`instructions` sock_filters) in
/// the calling thread: what seccomp_load does, without building the program again. Needs
/// no_new_privs or CAP_SYS_ADMIN. Returns 0 or a negative errno.
int skiff_sec_load_program(const void *filter, size_t instructions);

/// setresuid(uid, uid, uid) / setresgid(gid, gid, gid): glibc declares them only under
/// _GNU_SOURCE, which Swift's Glibc module does not set. Return -1 with errno, like glibc.
int skiff_sec_setresuid(uint32_t uid);
int skiff_sec_setresgid(uint32_t gid);

/// Raw clone3 with a zeroed struct clone_args except an invalid exit_signal: under a filter that
/// blocks clone3 it returns the filter's -errno (-ENOSYS for the runtime default), and if the
/// call gets through the kernel refuses it (-EINVAL) instead of creating a process.
long skiff_sec_raw_clone3_probe(void);
/// A raw syscall with up to six arguments; returns the result or -errno (for tests and probes).
long skiff_sec_raw_syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5);

#endif
