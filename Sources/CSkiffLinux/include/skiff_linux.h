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

// GNU-only names Swift's Glibc module hides (checked against the headers in skiff_linux.c).
enum { SKIFF_O_PATH = 010000000 };

int skiff_unshare(int flags);
int skiff_pipe_cloexec(int fds[2]);
int skiff_setns(int fd, int nstype);
int skiff_pivot_root(const char *new_root, const char *put_old);

/// prctl(PR_SET_PDEATHSIG, sig): the child gets `sig` when its parent thread dies.
int skiff_set_pdeathsig(int sig);
/// prctl(PR_SET_CHILD_SUBREAPER, 1): orphans below us are reparented to us.
int skiff_set_child_subreaper(void);
/// prctl(PR_SET_NO_NEW_PRIVS, 1).
int skiff_set_no_new_privs(void);

/// clone3 with fork semantics (no new stack): `flags` are CLONE_NEW* bits; a `cgroup_fd` >= 0
/// (an fd of a cgroup v2 directory) adds CLONE_INTO_CGROUP, so the child starts in that cgroup
/// without a later move (a move costs 8-16 ms, LINUX-NOTES §4). The child gets SIGCHLD as with
/// fork. Returns the pid, 0 in the child, -1 with errno. Only call it from a single-threaded
/// process: like a raw fork it runs no atfork handlers.
int skiff_clone3(int flags, int cgroup_fd);

/// Blocks SIGCHLD, SIGTERM, SIGINT and SIGHUP and returns a signalfd (CLOEXEC, NONBLOCK)
/// that reports them; the supervisor's poll loop reads it.
int skiff_signalfd_open(void);
/// Reads one pending signal number from a signalfd; 0 when none is pending.
int skiff_signalfd_read(int fd);
/// In a child about to exec: every signal unblocked and back to its default action
/// (blocked and ignored signals survive execve).
void skiff_reset_signals(void);

/// close_range(first, ~0U, CLOSE_RANGE_CLOEXEC): every fd from `first` on closes at execve.
int skiff_cloexec_from(int first);
/// close_range(first, ~0U, 0): for a child that never execs (the sandbox process).
int skiff_close_from(int first);
/// Never returns: the sandbox as PID 1 of a pod's shared pid namespace, reaping every orphan
/// the namespace hands it (SIGCHLD blocked and waited for, so no wake-up is lost).
void skiff_reap_forever(void);
/// Mounts `source` on the directory or file open at `target_fd` (O_PATH will do) through an idmapped mount (open_tree(CLONE) + mount_setattr
/// (MOUNT_ATTR_IDMAP with the user namespace `userns_fd`, read-only if asked) + move_mount): files
/// owned by id N on disk appear as N inside that namespace. -1 with errno on failure.
int skiff_idmapped_bind(const char *source, int target_fd, int userns_fd, int read_only);
/// Brings the network interface `name` up in the caller's network namespace (ioctl SIOCSIFFLAGS).
int skiff_link_up(const char *name);

/// openat2(dirfd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): `path` is resolved as
/// if `dirfd` were `/`, so a symlink in an image cannot point a mount outside the container's root.
int skiff_open_in_root(int dirfd, const char *path, int flags);

/// posix_spawn for a multi-threaded caller (the agent never forks): the child gets stdin from
/// /dev/null, stdout and stderr appended to `log_path`, `pass_fd` (if >= 0) as fd 3, no other
/// fd (closefrom 4, so no descriptor another thread opened leaks in), and a new session.
/// Returns 0 and sets *pid, or an errno value.
int skiff_spawn(const char *path, char *const argv[], char *const envp[], const char *log_path, int pass_fd, int *pid);

int skiff_wifexited(int status);
int skiff_wexitstatus(int status);
int skiff_wifsignaled(int status);
int skiff_wtermsig(int status);

/// 1 when `path` is a namespace file (an nsfs mount such as /run/netns/NAME), else 0.
int skiff_is_nsfs(const char *path);
/// 1 when `path` is on a tmpfs.
int skiff_is_tmpfs(const char *path);

// rtnetlink (skiff_netlink.c). Each call acts in the network namespace `fd` was opened in and
// returns 0 (or an index) on success, -errno on failure.
#include <stdint.h>
#include <stddef.h>
/// A NETLINK_ROUTE socket in the caller's (thread's) network namespace, or -errno.
int skiff_nl_open(void);
/// The index of interface `name`, or -ENODEV.
int skiff_nl_link_index(int fd, const char *name);
int skiff_nl_bridge_add(int fd, const char *name);
/// A veth pair: `name` here, `peer` created straight in the namespace `peer_netns_fd` (if >= 0).
int skiff_nl_veth_add(int fd, const char *name, const char *peer, int peer_netns_fd);
/// Sets the link up, and enslaves it to the bridge `master_index` when that is > 0.
int skiff_nl_link_up(int fd, int index, int master_index);
int skiff_nl_link_del(int fd, int index);
/// Adds the IPv4 `address` (network byte order) with its prefix length to the link.
int skiff_nl_addr_add(int fd, int index, uint32_t address, int prefix);
/// Adds the IPv4 default route through `gateway` (network byte order) on the link.
int skiff_nl_route_default(int fd, uint32_t gateway, int index);

// exec into a running container (skiff_exec.c).
/// pidfd_open(pid, 0): a process handle that cannot be confused with a later process of that pid.
int skiff_pidfd_open(int pid);
int skiff_pidfd_send_signal(int pidfd, int sig);
/// Opens /dev/ptmx (the caller's mount namespace decides which devpts) and unlocks the peer.
int skiff_pty_open(void);
/// The terminal side of `master` (TIOCGPTPEER: no path lookup in a container's /dev).
int skiff_pty_peer(int master);
int skiff_set_controlling_tty(int fd);
int skiff_set_window_size(int fd, unsigned short rows, unsigned short columns);
int skiff_socketpair_cloexec(int fds[2]);
/// sendmsg of `data` with `fd` (if >= 0) attached as SCM_RIGHTS.
long skiff_send_with_fd(int sock, const void *data, size_t length, int fd);
/// recvmsg; `*fd` is a received descriptor (close-on-exec) or -1.
long skiff_recv_with_fd(int sock, void *data, size_t length, int *fd);
int skiff_get_window_size(int fd, unsigned short *rows, unsigned short *columns);
/// posix_spawn in a new session with `fds[i]` as descriptor i (-1 gives /dev/null) and no other
/// descriptor. Returns 0 and sets *pid, or an errno value.
int skiff_spawn_with_fds(const char *path, char *const argv[], char *const envp[], const int fds[], int count,
                         int *pid);
#endif
