#define _GNU_SOURCE
#include "skiff_linux.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

// glibc 2.36 wraps open_tree, mount_setattr and move_mount; <sys/mount.h> has their flags and
// struct mount_attr (including <linux/mount.h> as well would redefine them).
int skiff_idmapped_bind(const char *source, int target_fd, int userns_fd, int read_only) {
    int tree = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tree < 0) return -1;
    struct mount_attr attr = {0};
    attr.attr_set = MOUNT_ATTR_IDMAP | (read_only ? MOUNT_ATTR_RDONLY : 0);
    attr.userns_fd = (unsigned long long)userns_fd;
    if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0 ||
        move_mount(tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0) {
        int saved = errno;
        close(tree);
        errno = saved;
        return -1;
    }
    close(tree);
    return 0;
}
