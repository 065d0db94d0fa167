#define _GNU_SOURCE
#include "skiff_security.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

_Static_assert(SKIFF_SEC_PR_SET_PDEATHSIG == PR_SET_PDEATHSIG, "PR_SET_PDEATHSIG");
_Static_assert(SKIFF_SEC_PR_SET_KEEPCAPS == PR_SET_KEEPCAPS, "PR_SET_KEEPCAPS");
_Static_assert(SKIFF_SEC_PR_SET_NO_NEW_PRIVS == PR_SET_NO_NEW_PRIVS, "PR_SET_NO_NEW_PRIVS");
_Static_assert((int)SKIFF_SEC_CMP_NE == (int)SCMP_CMP_NE, "SCMP_CMP_NE");
_Static_assert((int)SKIFF_SEC_CMP_LT == (int)SCMP_CMP_LT, "SCMP_CMP_LT");
_Static_assert((int)SKIFF_SEC_CMP_LE == (int)SCMP_CMP_LE, "SCMP_CMP_LE");
_Static_assert((int)SKIFF_SEC_CMP_EQ == (int)SCMP_CMP_EQ, "SCMP_CMP_EQ");
_Static_assert((int)SKIFF_SEC_CMP_GE == (int)SCMP_CMP_GE, "SCMP_CMP_GE");
_Static_assert((int)SKIFF_SEC_CMP_GT == (int)SCMP_CMP_GT, "SCMP_CMP_GT");
_Static_assert((int)SKIFF_SEC_CMP_MASKED_EQ == (int)SCMP_CMP_MASKED_EQ, "SCMP_CMP_MASKED_EQ");

uint32_t skiff_sec_action(int kind, uint32_t data) {
    switch (kind) {
    case SKIFF_SEC_ACT_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
    case SKIFF_SEC_ACT_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
    case SKIFF_SEC_ACT_TRAP: return SCMP_ACT_TRAP;
    case SKIFF_SEC_ACT_ERRNO: return SCMP_ACT_ERRNO(data);
    case SKIFF_SEC_ACT_TRACE: return SCMP_ACT_TRACE(data);
    case SKIFF_SEC_ACT_LOG: return SCMP_ACT_LOG;
    default: return SCMP_ACT_ALLOW;
    }
}

int32_t skiff_sec_syscall_number(const char *name) { return seccomp_syscall_resolve_name(name); }
uint32_t skiff_sec_arch_token(const char *name) { return seccomp_arch_resolve_name(name); }
uint32_t skiff_sec_arch_native(void) { return seccomp_arch_native(); }

// Writes the BPF program to a memfd and counts its instructions: libseccomp 2.5 can only export
// to a file descriptor. With `program_fd`, the memfd is handed over (at offset 0), not closed.
static int export_program(scmp_filter_ctx ctx, long *instructions, int *program_fd) {
    int fd = memfd_create("skiff-seccomp-bpf", MFD_CLOEXEC);
    if (fd < 0) return -errno;
    int rc = seccomp_export_bpf(ctx, fd);
    struct stat st;
    if (rc == 0 && fstat(fd, &st) != 0) rc = -errno;
    if (rc == 0 && instructions) *instructions = (long)(st.st_size / (off_t)sizeof(struct sock_filter));
    if (rc == 0 && program_fd && lseek(fd, 0, SEEK_SET) == 0) {
        *program_fd = fd;
        return 0;
    }
    close(fd);
    return rc;
}

int skiff_sec_load_program(const void *filter, size_t instructions) {
    if (instructions == 0 || instructions > BPF_MAXINSNS) return -EINVAL;
    struct sock_fprog program = {.len = (unsigned short)instructions, .filter = (struct sock_filter *)filter};
    return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) == 0 ? 0 : -errno;
}

int skiff_sec_build_filter(
    uint32_t default_action, const uint32_t *arches, size_t arch_count,
    const struct skiff_sec_rule *rules, size_t rule_count,
    const struct skiff_sec_arg *args, size_t arg_count,
    int mode, long *instructions, size_t *failed_rule, int *program_fd) {
    if (failed_rule) *failed_rule = SIZE_MAX;
    if (program_fd) *program_fd = -1;
    scmp_filter_ctx ctx = seccomp_init(default_action);
    if (ctx == NULL) return -EINVAL;  // the only documented cause besides ENOMEM: a bad action
    // libseccomp sets no_new_privs on load by default; the runtime decides that itself
    // (allowPrivilegeEscalation), as runc does.
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    // Without this, libseccomp 2.5 reports every kernel refusal as -ECANCELED; we want the
    // kernel's errno (EACCES when neither no_new_privs nor CAP_SYS_ADMIN).
    if (rc == 0) rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
    for (size_t i = 0; rc == 0 && i < arch_count; i++) {
        rc = seccomp_arch_add(ctx, arches[i]);
        if (rc == -EEXIST) rc = 0;  // the native arch is always there
    }
    for (size_t i = 0; rc == 0 && i < rule_count; i++) {
        const struct skiff_sec_rule *r = &rules[i];
        struct scmp_arg_cmp cmp[6];
        if (r->arg_count > 6 || (size_t)r->first_arg + r->arg_count > arg_count) {
            rc = -EINVAL;
        } else {
            for (uint32_t a = 0; a < r->arg_count; a++) {
                const struct skiff_sec_arg *arg = &args[r->first_arg + a];
                cmp[a].arg = arg->index;
                cmp[a].op = (enum scmp_compare)arg->op;
                cmp[a].datum_a = arg->value;
                cmp[a].datum_b = arg->value_two;
            }
            // Not the _exact variant: libseccomp may rewrite a rule per ABI (e.g. socket() via
            // socketcall on i386), as runc relies on.
            rc = seccomp_rule_add_array(ctx, r->action, r->syscall, r->arg_count, cmp);
        }
        if (rc != 0 && failed_rule) *failed_rule = i;
    }
    if (rc == 0 && (mode & (SKIFF_SEC_BUILD_MEASURE | SKIFF_SEC_BUILD_EXPORT))) {
        rc = export_program(ctx, instructions, (mode & SKIFF_SEC_BUILD_EXPORT) ? program_fd : NULL);
    }
    if (rc == 0 && (mode & SKIFF_SEC_BUILD_LOAD)) rc = seccomp_load(ctx);
    seccomp_release(ctx);
    return rc;
}

int skiff_sec_setresuid(uint32_t uid) { return setresuid(uid, uid, uid); }
int skiff_sec_setresgid(uint32_t gid) { return setresgid(gid, gid, gid); }

long skiff_sec_raw_clone3_probe(void) {
    struct clone_args args;
    memset(&args, 0, sizeof(args));
    args.exit_signal = 0xff;  // above _NSIG: the kernel answers EINVAL before creating anything
    long rc = syscall(SYS_clone3, &args, sizeof(args));
    return rc == -1 ? -errno : rc;
}

long skiff_sec_raw_syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5) {
    long rc = syscall(number, a0, a1, a2, a3, a4, a5);
    return rc == -1 ? -errno : rc;
}
