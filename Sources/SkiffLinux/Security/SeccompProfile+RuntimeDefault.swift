/// Kubernetes' `RuntimeDefault`: Docker's default profile (moby `profiles/seccomp/default.json`,
/// the one containerd also ships), an allowlist whose default answer is EPERM. Rules that need a
/// capability are kept conditional, so a container granted e.g. SYS_PTRACE also gets ptrace.
///
/// What it blocks for an ordinary container: new namespaces and mounts (unshare, setns, mount,
/// clone with CLONE_NEW* flags), kernel keyrings (keyctl, add_key), module loading, bpf,
/// perf_event_open, reboot, swapon, kexec, clock setting, userfaultfd, AF_VSOCK sockets, and
/// personality changes other than the harmless ones.
extension SeccompProfile {
    public static let runtimeDefault = SeccompProfile(
        defaultAction: .errno,
        defaultErrnoRet: 1,  // EPERM
        archMap: [
            ArchMapEntry("SCMP_ARCH_X86_64", ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]),
            ArchMapEntry("SCMP_ARCH_AARCH64", ["SCMP_ARCH_ARM"]),
            ArchMapEntry("SCMP_ARCH_MIPS64", ["SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32"]),
            ArchMapEntry("SCMP_ARCH_MIPS64N32", ["SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64"]),
            ArchMapEntry("SCMP_ARCH_MIPSEL64", ["SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32"]),
            ArchMapEntry("SCMP_ARCH_MIPSEL64N32", ["SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64"]),
            ArchMapEntry("SCMP_ARCH_S390X", ["SCMP_ARCH_S390"]),
            ArchMapEntry("SCMP_ARCH_RISCV64", []),
        ],
        syscalls: [Rule(everyContainer, .allow)] + restrictedArguments + perArchitecture + namespaces
            + capabilityGated
    )

    /// Allowed whatever the container's capabilities: the kernel itself checks the privileged
    /// uses of these (chown needs CAP_CHOWN, kill across users CAP_KILL, ...). Names of every
    /// ABI are listed; libseccomp keeps each where it exists (chown32 only for i386).
    static let everyContainer: [String] = [
        "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset", "chdir",
        "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres",
        "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
        "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
        "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
        "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat",
        "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
        "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown", "fchown32", "fchownat", "fcntl",
        "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr",
        "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64",
        "futex", "futex_time64", "futex_waitv", "futimesat", "getcpu", "getcwd", "getdents", "getdents64",
        "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32",
        "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom",
        "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list",
        "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday",
        "getuid", "getuid32", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
        "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents", "io_pgetevents",
        "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit", "io_uring_enter",
        "io_uring_register", "io_uring_setup", "ipc", "kill", "landlock_add_rule",
        "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link",
        "linkat", "listen", "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr",
        "lstat", "lstat64", "madvise", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir",
        "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect",
        "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
        "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv",
        "msgsnd", "msync", "munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep",
        "newfstatat", "_newselect", "open", "openat", "openat2", "pause", "pidfd_open",
        "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll",
        "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64", "process_mrelease",
        "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink",
        "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
        "remap_file_pages", "removexattr", "rename", "renameat", "renameat2", "restart_syscall", "rmdir",
        "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn",
        "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo",
        "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max",
        "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
        "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam",
        "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop",
        "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg",
        "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups",
        "setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32", "setresgid",
        "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
        "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
        "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack",
        "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat",
        "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
        "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun",
        "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
        "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill",
        "truncate", "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime",
        "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid",
        "write", "writev",
    ]

    /// Calls allowed only with certain arguments.
    static let restrictedArguments: [Rule] =
        [
            // Debuggers in containers: ptrace is safe since 4.8 (seccomp is re-checked after a
            // tracer changes a syscall), so no capability is needed from then on.
            Rule(["process_vm_readv", "process_vm_writev", "ptrace"], .allow, includes: Filter(minKernel: "4.8")),
            // Every socket family but AF_VSOCK (40), which reaches the host's hypervisor.
            Rule(["socket"], .allow, args: [Arg(index: 0, value: 40, op: .notEqual)]),
        ]
        // personality: PER_LINUX (0), PER_LINUX32 (0x0008), each with UNAME26 (0x20000), and
        // 0xffffffff, which only queries. Flags such as ADDR_NO_RANDOMIZE or READ_IMPLIES_EXEC
        // would weaken the container's own exploit mitigations.
        + [0x0, 0x0008, 0x20000, 0x20008, 0xffff_ffff].map { (persona: UInt64) in
            Rule(["personality"], .allow, args: [Arg(index: 0, value: persona, op: .equal)])
        }

    /// Calls that exist, or are safe, only on some architectures.
    static let perArchitecture: [Rule] = [
        Rule(["sync_file_range2", "swapcontext"], .allow, includes: Filter(arches: ["ppc64le"])),
        Rule(
            ["arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls"],
            .allow, includes: Filter(arches: ["arm", "arm64"])),
        Rule(["arch_prctl"], .allow, includes: Filter(arches: ["amd64", "x32"])),
        Rule(["modify_ldt"], .allow, includes: Filter(arches: ["amd64", "x32", "x86"])),
        Rule(
            ["s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"], .allow,
            includes: Filter(arches: ["s390", "s390x"])),
        Rule(["riscv_flush_icache"], .allow, includes: Filter(arches: ["riscv64"])),
    ]

    /// CLONE_NEWNS | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWCGROUP.
    static let newNamespaceFlags: UInt64 = 0x7E02_0000

    /// Namespaces and mounts: everything with CAP_SYS_ADMIN; without it, clone only when no
    /// CLONE_NEW* flag is set (fork and threads), and clone3 answers ENOSYS rather than EPERM,
    /// because its flags live in memory the filter cannot read, and ENOSYS makes glibc (2.34+)
    /// fall back to clone, which the filter can check.
    static let namespaces: [Rule] = [
        Rule(
            [
                "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
                "lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open",
                "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns", "syslog", "umount",
                "umount2", "unshare",
            ], .allow, includes: Filter(caps: ["CAP_SYS_ADMIN"])),
        Rule(
            ["clone"], .allow, args: [Arg(index: 0, value: newNamespaceFlags, valueTwo: 0, op: .maskedEqual)],
            excludes: Filter(caps: ["CAP_SYS_ADMIN"], arches: ["s390", "s390x"])),
        // s390 passes the clone flags second.
        Rule(
            ["clone"], .allow, args: [Arg(index: 1, value: newNamespaceFlags, valueTwo: 0, op: .maskedEqual)],
            includes: Filter(arches: ["s390", "s390x"]), excludes: Filter(caps: ["CAP_SYS_ADMIN"])),
        Rule(["clone3"], .errno, errnoRet: 38, excludes: Filter(caps: ["CAP_SYS_ADMIN"])),  // ENOSYS
    ]

    /// Calls a capability unlocks, beyond what the kernel checks itself.
    static let capabilityGated: [Rule] = [
        ("DAC_READ_SEARCH", ["open_by_handle_at"]),
        ("SYS_BOOT", ["reboot"]),
        ("SYS_CHROOT", ["chroot"]),
        ("SYS_MODULE", ["delete_module", "init_module", "finit_module"]),
        ("SYS_PACCT", ["acct"]),
        ("SYS_PTRACE", ["kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"]),
        ("SYS_RAWIO", ["iopl", "ioperm"]),
        ("SYS_TIME", ["settimeofday", "stime", "clock_settime", "clock_settime64"]),
        ("SYS_TTY_CONFIG", ["vhangup"]),
        ("SYS_NICE", ["get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"]),
        ("SYSLOG", ["syslog"]),
        ("BPF", ["bpf"]),
        ("PERFMON", ["perf_event_open"]),
    ].map { cap, names in Rule(names, .allow, includes: Filter(caps: ["CAP_" + cap])) }
}
