/* mount-probe: proves whether the container may mount filesystems (needs CAP_SYS_ADMIN and a
 * seccomp profile that allows mount). Mounts a 1 MiB tmpfs on /mnt and, if that worked,
 * unmounts it again at once. Run it only inside a mount namespace of its own.
 * Prints "mount: ok" or "mount: <strerror> (<ERRNAME>, <errno>)"; exits 0 either way. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

int main(void) {
    if (mount("tmpfs", "/mnt", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") == 0) {
        printf("mount: ok\n");
        umount2("/mnt", MNT_DETACH);
    } else {
        printf("mount: %s (%s, %d)\n", strerror(errno), strerrorname_np(errno), errno);
    }
    return 0;
}
