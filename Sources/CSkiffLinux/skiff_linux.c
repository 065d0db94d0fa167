#define _GNU_SOURCE
#include "skiff_linux.h"

#include <fcntl.h>
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

_Static_assert(SKIFF_O_PATH == O_PATH, "O_PATH");

int skiff_unshare(int flags) { return unshare(flags); }
int skiff_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
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

#include <errno.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

int skiff_clone3(int flags, int cgroup_fd) {
    struct clone_args args;
    memset(&args, 0, sizeof(args));
    args.flags = (unsigned long long)(unsigned int)flags;
    args.exit_signal = SIGCHLD;
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = (unsigned long long)cgroup_fd;
    }
    return (int)syscall(SYS_clone3, &args, sizeof(args));
}

static void supervised_signals(sigset_t *set) {
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
}

int skiff_signalfd_open(void) {
    sigset_t set;
    supervised_signals(&set);
    if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) return -1;
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int skiff_signalfd_read(int fd) {
    struct signalfd_siginfo info;
    ssize_t n = read(fd, &info, sizeof(info));
    if (n != (ssize_t)sizeof(info)) return 0;
    return (int)info.ssi_signo;
}

void skiff_reset_signals(void) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        signal(sig, SIG_DFL);
    }
}

int skiff_cloexec_from(int first) {
    return (int)syscall(SYS_close_range, (unsigned int)first, ~0U, CLOSE_RANGE_CLOEXEC);
}

int skiff_close_from(int first) { return (int)syscall(SYS_close_range, (unsigned int)first, ~0U, 0); }

void skiff_reap_forever(void) {
    sigset_t child;
    sigemptyset(&child);
    sigaddset(&child, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child, NULL);  // a blocked SIGCHLD stays pending even at SIG_DFL
    for (;;) {
        while (waitpid(-1, NULL, WNOHANG) > 0) {
        }
        sigwaitinfo(&child, NULL);
    }
}

int skiff_link_up(const char *name) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd == -1) return -1;
    struct ifreq req;
    memset(&req, 0, sizeof(req));
    strncpy(req.ifr_name, name, IFNAMSIZ - 1);
    int rc = ioctl(fd, SIOCGIFFLAGS, &req);
    if (rc == 0) {
        req.ifr_flags |= IFF_UP;
        rc = ioctl(fd, SIOCSIFFLAGS, &req);
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

#include <fcntl.h>
#include <linux/openat2.h>

int skiff_open_in_root(int dirfd, const char *path, int flags) {
    struct open_how how;
    memset(&how, 0, sizeof(how));
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

#include <spawn.h>

/// posix_spawn in a new session with the file actions given (destroyed here).
int skiff_spawn_session(const char *path, char *const argv[], char *const envp[], posix_spawn_file_actions_t *actions,
                        int *pid) {
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    pid_t child = 0;
    int rc = posix_spawn(&child, path, actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(actions);
    posix_spawnattr_destroy(&attr);
    if (rc == 0) *pid = child;
    return rc;
}

int skiff_spawn(const char *path, char *const argv[], char *const envp[], const char *log_path, int pass_fd, int *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0640);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (pass_fd >= 0) posix_spawn_file_actions_adddup2(&actions, pass_fd, 3);
    posix_spawn_file_actions_addclosefrom_np(&actions, pass_fd >= 0 ? 4 : 3);
    return skiff_spawn_session(path, argv, envp, &actions, pid);
}

#include <linux/magic.h>
#include <sys/vfs.h>

int skiff_is_nsfs(const char *path) {
    struct statfs info;
    return statfs(path, &info) == 0 && info.f_type == NSFS_MAGIC;
}

int skiff_is_tmpfs(const char *path) {
    struct statfs info;
    return statfs(path, &info) == 0 && info.f_type == TMPFS_MAGIC;
}
