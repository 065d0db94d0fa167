import CSkiffLinux
import Glibc

/// `skiff-init run`: one container in fresh namespaces, in the foreground, to completion.
/// The pod path (PodSupervisor) starts containers the same way but joins a sandbox's
/// namespaces instead of making its own net, ipc and uts.
public enum ContainerRunner {
    public static let namespaces = SKIFF_CLONE_NEWPID | SKIFF_CLONE_NEWUTS | SKIFF_CLONE_NEWIPC | SKIFF_CLONE_NEWNET

    /// Runs `spec` to completion and returns the container's exit code (128 + signal if killed).
    public static func run(_ spec: ContainerSpec) throws(LinuxError) -> Int32 {
        try Syscalls.prepareStateDirectory(spec)
        let report = try Syscalls.pipe()
        let pid = try Syscalls.clone3(Int32(namespaces), cgroupDirectory: spec.cgroup.v2Directory)
        if pid == 0 {
            Glibc.close(report.read)
            ContainerProcess.run(spec, .init(reportFD: report.write))
        }
        Glibc.close(report.write)
        let failure = ContainerProcess.awaitExec(report.read)
        Glibc.close(report.read)
        let status = try Syscalls.wait(pid)
        if let failure { throw failure }
        return status
    }
}
