// Why this exists: Swift's Glibc module does not export what container set-up needs.
// unshare/setns are behind _GNU_SOURCE (a module-wide macro Swift cannot set per target without
// unsafeFlags), pivot_root has no glibc wrapper, prctl is variadic and not in the module map,
// and the wait-status macros are function-like. The functions are defined in skiff_linux.c,
// which is compiled with _GNU_SOURCE; every one returns -1 with errno set on failure.
#ifndef SKIFF_LINUX_H
#define SKIFF_LINUX_H

// Namespace flags (values from <linux/sched.h>; checked against it in skiff_linux.c).
enum {
    SKIFF_CLONE_NEWNS = 0x00020000,
    SKIFF_CLONE_NEWCGROUP = 0x02000000,
    SKIFF_CLONE_NEWUTS = 0x04000000,
    SKIFF_CLONE_NEWIPC = 0x08000000,
    SKIFF_CLONE_NEWUSER = 0x10000000,
    SKIFF_CLONE_NEWPID = 0x20000000,
    SKIFF_CLONE_NEWNET = 0x40000000,
};

int skiff_unshare(int flags);
int skiff_setns(int fd, int nstype);
int skiff_pivot_root(const char *new_root, const char *put_old);

/// prctl(PR_SET_PDEATHSIG, sig): the child gets `sig` when its parent thread dies.
int skiff_set_pdeathsig(int sig);
/// prctl(PR_SET_CHILD_SUBREAPER, 1): orphans below us are reparented to us.
int skiff_set_child_subreaper(void);
/// prctl(PR_SET_NO_NEW_PRIVS, 1).
int skiff_set_no_new_privs(void);

int skiff_wifexited(int status);
int skiff_wexitstatus(int status);
int skiff_wifsignaled(int status);
int skiff_wtermsig(int status);

#endif
