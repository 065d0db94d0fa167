/* unshare-probe: proves whether the container can create a user namespace, the usual first
 * step of privilege-escalation exploits; a default seccomp profile (or a missing CAP_SYS_ADMIN,
 * or being chrooted) makes unshare(CLONE_NEWUSER) fail.
 * Prints "unshare: ok" or "unshare: <strerror> (<ERRNAME>, <errno>)"; exits 0 either way. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    if (unshare(CLONE_NEWUSER) == 0)
        printf("unshare: ok\n");
    else
        printf("unshare: %s (%s, %d)\n", strerror(errno), strerrorname_np(errno), errno);
    return 0;
}
