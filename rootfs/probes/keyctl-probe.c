/* keyctl-probe: proves whether the kernel keyring is reachable from the container.
 * It asks for a new anonymous session keyring (keyctl KEYCTL_JOIN_SESSION_KEYRING), the call
 * Docker's default seccomp profile blocks so that containers cannot read or fill the host's
 * keyrings. Prints "keyctl: ok" or "keyctl: <strerror> (<ERRNAME>, <errno>)"; exits 0 either way. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_JOIN_SESSION_KEYRING 1

int main(void) {
    long r = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, (char *)0);
    if (r >= 0)
        printf("keyctl: ok\n");
    else
        printf("keyctl: %s (%s, %d)\n", strerror(errno), strerrorname_np(errno), errno);
    return 0;
}
