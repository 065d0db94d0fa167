/* ptrace-probe: proves whether ptrace is allowed (seccomp, Yama, or a missing CAP_SYS_PTRACE
 * can forbid it). PTRACE_TRACEME is the harmless form: it only makes the parent our tracer.
 * Prints "ptrace: ok" or "ptrace: <strerror> (<ERRNAME>, <errno>)"; exits 0 either way. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>

int main(void) {
    if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0)
        printf("ptrace: ok\n");
    else
        printf("ptrace: %s (%s, %d)\n", strerror(errno), strerrorname_np(errno), errno);
    return 0;
}
