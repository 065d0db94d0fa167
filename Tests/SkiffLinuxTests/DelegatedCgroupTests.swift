import Glibc
import Testing

@testable import SkiffLinux

/// `--cgroup-parent delegated`: where the pod tree goes under systemd, and what Skiff writes
/// there. The real proof (systemd placing and restarting the agent) is `make test-vm`.
@Suite struct DelegatedCgroupTests {
    static let unit = "/system.slice/skiff-agent.service"

    @Test func aLeafMeansPodsBesideTheAgentInTheUnit() throws {
        let choice = try DelegatedCgroup.resolve(
            layout: .unified(root: "/sys/fs/cgroup"), procSelfCgroup: "0::\(Self.unit)/agent\n")
        #expect(choice == DelegatedCgroup(parent: Self.unit, isDelegated: true, explanation: choice.explanation))
        #expect(choice.explanation.contains("beside it"))
    }

    @Test func theUnitRootMeansTheTreeAtTheHierarchyRoot() throws {
        // systemd 252 puts the agent there; it could not restart it once the unit had controllers on.
        let choice = try DelegatedCgroup.resolve(
            layout: .unified(root: "/sys/fs/cgroup"), procSelfCgroup: "0::\(Self.unit)\n")
        #expect(choice.parent == "/skiff")
        #expect(!choice.isDelegated)
        #expect(choice.explanation.contains("systemd older than 254"))
    }

    @Test func refusalsNameTheFix() {
        #expect {
            try DelegatedCgroup.resolve(
                layout: .hybrid(unified: "/sys/fs/cgroup/unified", v1: [:]), procSelfCgroup: "0::/x/agent\n")
        } throws: { "\($0)".contains("needs pure cgroup v2") && "\($0)".contains("--cgroup-parent /skiff") }
        #expect {
            try DelegatedCgroup.resolve(layout: .unified(root: "/sys/fs/cgroup"), procSelfCgroup: "0::/\n")
        } throws: { "\($0)".contains("Delegate=yes and DelegateSubgroup=agent") }
        #expect {
            try DelegatedCgroup.resolve(layout: .unified(root: "/sys/fs/cgroup"), procSelfCgroup: "1:name=x:/\n")
        } throws: { "\($0)".contains("not in a cgroup delegated to it") }
    }

    @Test func hybridProcSelfCgroupFindsTheV2Line() {
        let text = "12:memory:/user.slice\n1:name=systemd:/user.slice\n0::/user.slice/x.service/agent\n"
        #expect(DelegatedCgroup.ownPath(procSelfCgroup: text) == "/user.slice/x.service/agent")
    }

    /// Only the unit cgroup's own subtree_control is written: system.slice and the root are systemd's.
    @Test func aDelegatedParentIsGivenOnlyItsOwnControllers() throws {
        let fake = try FakeV2Tree(rootControllers: "cpu memory pids")
        fake.makeCgroup(Self.unit)
        let cgroups = try Cgroups(layout: fake.layout, parent: Self.unit, delegated: true)
        try cgroups.enableRootControllers()
        try cgroups.ensureParent()
        #expect(fake.contents("/cgroup.subtree_control") == "")
        #expect(fake.contents("/system.slice/cgroup.subtree_control") == "<missing>")
        #expect(fake.contents(Self.unit + "/cgroup.subtree_control") == "+memory +cpu +pids +io")
    }

    @Test func aDelegatedParentThatDoesNotExistIsRefused() throws {
        let fake = try FakeV2Tree()
        let cgroups = try Cgroups(layout: fake.layout, parent: Self.unit, delegated: true)
        #expect(throws: LinuxError.self) { try cgroups.ensureParent() }
        #expect(try CgroupFiles.subdirectories(fake.root).isEmpty)  // nothing made in systemd's tree
    }
}

/// sd_notify's datagram, received on a real socket, at a path and in the abstract namespace.
@Suite struct SystemdNotifyTests {
    @Test func readyReachesAPathSocket() throws {
        var template = Array("/tmp/skiff-notify-XXXXXX".utf8CString)
        let dir = String(cString: try #require(mkdtemp(&template)))
        defer {
            unlink(dir + "/notify")
            rmdir(dir)
        }
        let fd = try UnixSocket.bindDatagram(dir + "/notify")
        defer { close(fd) }
        #expect(SystemdNotify.send("READY=1\nSTATUS=serving\n", socket: dir + "/notify"))
        #expect(receive(fd) == "READY=1\nSTATUS=serving\n")
    }

    @Test func readyReachesAnAbstractSocket() throws {
        let name = "skiff-notify-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        let (made, length) = try UnixSocket.makeAddress("@" + name)
        var address = made
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(bound == 0)
        #expect(SystemdNotify.send("READY=1\n", socket: "@" + name))
        #expect(receive(fd) == "READY=1\n")
    }

    @Test func noSocketNoSend() {
        #expect(!SystemdNotify.send("READY=1\n", socket: ""))
        #expect(!SystemdNotify.send("READY=1\n", socket: "relative/path"))
        #expect(!SystemdNotify.send("READY=1\n", socket: "/nonexistent/skiff/notify"))
    }

    func receive(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        return count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self) : nil
    }
}
