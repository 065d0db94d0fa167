#define _GNU_SOURCE
#include "skiff_linux.h"

// What `kubectl exec` needs beyond container start: a pidfd to join a running container's
// namespaces in one setns call, a terminal (ioctl is variadic, so Swift cannot call it), and
// a spawn that hands the helper several pipes at fixed descriptor numbers.

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

int skiff_spawn_session(const char *path, char *const argv[], char *const envp[], posix_spawn_file_actions_t *actions,
                        int *pid);  // skiff_linux.c

int skiff_pidfd_open(int pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int skiff_pidfd_send_signal(int pidfd, int sig) { return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0); }

int skiff_pty_open(void) {
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) return -1;
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) != 0) {
        int saved = errno;
        close(master);
        errno = saved;
        return -1;
    }
    return master;
}

int skiff_pty_peer(int master) { return ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY); }

int skiff_set_controlling_tty(int fd) { return ioctl(fd, TIOCSCTTY, 0); }

int skiff_set_window_size(int fd, unsigned short rows, unsigned short columns) {
    struct winsize size = {.ws_row = rows, .ws_col = columns};
    return ioctl(fd, TIOCSWINSZ, &size);
}

int skiff_spawn_with_fds(const char *path, char *const argv[], char *const envp[], const int fds[], int count,
                         int *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 onto 0..count-1 in order is safe: the caller's fds are CLOEXEC pipes numbered well
    // above `count` in a process that has its stdio open, so no source is overwritten first.
    for (int i = 0; i < count; i++) {
        if (fds[i] >= 0) posix_spawn_file_actions_adddup2(&actions, fds[i], i);
        else posix_spawn_file_actions_addopen(&actions, i, "/dev/null", O_RDWR, 0);
    }
    posix_spawn_file_actions_addclosefrom_np(&actions, count);
    return skiff_spawn_session(path, argv, envp, &actions, pid);
}

int skiff_get_window_size(int fd, unsigned short *rows, unsigned short *columns) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return -1;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}

// Passing a descriptor over a Unix socket (SCM_RIGHTS): a container's terminal master from the
// container (opened in its own devpts) to its supervisor, and a container's stdin from the
// supervisor to the agent. The CMSG_* macros have no Swift import.

int skiff_socketpair_cloexec(int fds[2]) { return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds); }

long skiff_send_with_fd(int sock, const void *data, size_t length, int fd) {
    struct iovec io = {.iov_base = (void *)data, .iov_len = length};
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    struct msghdr message = {.msg_iov = &io, .msg_iovlen = 1};
    if (fd >= 0) {
        message.msg_control = control.buffer;
        message.msg_controllen = sizeof(control.buffer);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &fd, sizeof(int));
    }
    long sent;
    do {
        sent = sendmsg(sock, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent;
}

long skiff_recv_with_fd(int sock, void *data, size_t length, int *fd) {
    *fd = -1;
    struct iovec io = {.iov_base = data, .iov_len = length};
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr message = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = control.buffer,
                             .msg_controllen = sizeof(control.buffer)};
    long received;
    do {
        received = recvmsg(sock, &message, MSG_CMSG_CLOEXEC);
    } while (received < 0 && errno == EINTR);
    if (received < 0) return received;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) memcpy(fd, CMSG_DATA(header), sizeof(int));
    }
    return received;
}
