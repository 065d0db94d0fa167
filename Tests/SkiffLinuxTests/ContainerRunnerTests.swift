import Foundation
import SkiffLinux
import Testing

@Suite("skiff-init runs one container", .serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct ContainerRunnerTests {
    @Test("the process is PID 1 of its own pid namespace, with the pod's hostname and the image as root")
    func isolation() throws {
        // `; echo end` keeps sh from exec'ing ps in its place, so both show.
        let (status, output) = try runContainer([
            "/bin/sh", "-c", "echo pid=$$; hostname; ls /; ps -o pid,comm; echo end",
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("pid=1"))
        #expect(output.contains("pod-a"))
        let entries = Set(output.split(separator: "\n").map(String.init))
        #expect(entries.isSuperset(of: ["bin", "etc", "proc", "dev", "sys"]))
        #expect(!entries.contains("work") && !entries.contains("opt"))  // the host's root is not visible
        // ps sees the shell and itself only: two processes besides the header.
        let psLines = output.split(separator: "\n").filter { $0.contains("sh") || $0.contains("ps") }
        #expect(psLines.count == 2, "\(output)")
    }

    @Test("the container has its own network (only lo) and cannot see host mounts")
    func network() throws {
        let (status, output) = try runContainer([
            "/bin/sh", "-c", "cat /proc/net/dev | tail -n +3 | cut -d: -f1; cat /proc/mounts",
        ])
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("lo"))
        #expect(!output.contains("eth0"))
        // Every mount point is the container's own: nothing of the host's mount table shows.
        let mountPoints = output.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            return fields.count >= 3 && line.contains(" 0 0") ? String(fields[1]) : nil
        }
        #expect(!mountPoints.isEmpty)
        #expect(
            mountPoints.allSatisfy {
                ["/", "/proc", "/sys", "/dev"].contains($0) || $0.hasPrefix("/dev/") || $0.hasPrefix("/proc/")
            },
            "\(mountPoints)")
        // Masked and read-only /proc paths are mounts of their own.
        #expect(mountPoints.contains("/proc/keys") && mountPoints.contains("/proc/sys"), "\(mountPoints)")
        #expect(output.contains("overlay / overlay"))
    }

    @Test("the exit code is relayed, and a command that does not exist is 127 with a message")
    func exitCodes() throws {
        let (status, _) = try runContainer(["/bin/sh", "-c", "exit 3"])
        #expect(status == 3)
        let (missing, output) = try runContainer(["no-such-command"])
        #expect(missing == 125)
        #expect(output.contains("execve(no-such-command)"))
    }

    @Test("writes land in the container's own layer; the image is unchanged")
    func copyOnWrite() throws {
        let marker = "/etc/skiff-written-\(UUID().uuidString.prefix(6))"
        let (status, output) = try runContainer([
            "/bin/sh", "-c", "echo x > \(marker) && cat \(marker) && rm /bin/ls && echo removed",
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("removed"))
        #expect(!FileManager.default.fileExists(atPath: Checkout.busybox + marker))
        // /bin/ls is an absolute symlink inside the image: look at the link itself, not its target.
        #expect(
            (try? FileManager.default.destinationOfSymbolicLink(atPath: Checkout.busybox + "/bin/ls")) == "/bin/busybox"
        )
    }

    @Test("environment variables and PATH lookup work; the container's mounts are gone after it exits")
    func environmentAndCleanup() throws {
        let (status, output) = try runContainer(["sh", "-c", "echo $GREETING"], env: ["GREETING=hello-skiff"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("hello-skiff"))
        // Whole, unlike String(contentsOfFile:), which stops at 4 KiB of a /proc file.
        let mounts = try #require(Syscalls.readFile("/proc/self/mountinfo"))
        #expect(!mounts.contains("skiff-ct-"))
    }
}
