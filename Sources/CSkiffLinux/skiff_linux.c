#define _GNU_SOURCE
#include "skiff_linux.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

_Static_assert(SKIFF_CLONE_NEWNS == CLONE_NEWNS, "CLONE_NEWNS");
_Static_assert(SKIFF_CLONE_NEWCGROUP == CLONE_NEWCGROUP, "CLONE_NEWCGROUP");
_Static_assert(SKIFF_CLONE_NEWUTS == CLONE_NEWUTS, "CLONE_NEWUTS");
_Static_assert(SKIFF_CLONE_NEWIPC == CLONE_NEWIPC, "CLONE_NEWIPC");
_Static_assert(SKIFF_CLONE_NEWUSER == CLONE_NEWUSER, "CLONE_NEWUSER");
_Static_assert(SKIFF_CLONE_NEWPID == CLONE_NEWPID, "CLONE_NEWPID");
_Static_assert(SKIFF_CLONE_NEWNET == CLONE_NEWNET, "CLONE_NEWNET");

int skiff_unshare(int flags) { return unshare(flags); }
int skiff_setns(int fd, int nstype) { return setns(fd, nstype); }
int skiff_pivot_root(const char *new_root, const char *put_old) {
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

int skiff_set_pdeathsig(int sig) { return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0); }
int skiff_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0, 0, 0); }
int skiff_set_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0, 0, 0); }

int skiff_wifexited(int status) { return WIFEXITED(status); }
int skiff_wexitstatus(int status) { return WEXITSTATUS(status); }
int skiff_wifsignaled(int status) { return WIFSIGNALED(status); }
int skiff_wtermsig(int status) { return WTERMSIG(status); }
