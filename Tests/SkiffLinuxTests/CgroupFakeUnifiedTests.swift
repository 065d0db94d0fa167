import Glibc
import Testing

@testable import SkiffLinux

/// The pure-v2 code path against a directory tree that mimics /sys/fs/cgroup. This only proves
/// which files get which text; the kernel's answers (EBUSY, EINVAL, "no internal processes") need
/// a real pure-v2 host, where the integration suite runs unchanged.
///
/// The fake plays the kernel by pre-creating the interface files a real mkdir would create.
/// Writes use no O_CREAT, so a write to a file the test did not expect fails with ENOENT.
final class FakeV2Tree {
    let base: String
    let layout: CgroupLayout
    var root: String { layout.unifiedRoot }

    init(rootControllers: String = "cpuset cpu io memory hugetlb pids rdma misc", swap: Bool = true) throws {
        var template = Array("/tmp/skiff-fake-cg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw LinuxError("mkdtemp") }
        base = String(cString: made)
        layout = .unified(root: base + "/sys/fs/cgroup")
        self.swap = swap
        for dir in ["/sys", "/sys/fs", "/sys/fs/cgroup"] { mkdir(base + dir, 0o755) }
        writeFakeFile(root + "/cgroup.controllers", rootControllers + "\n")
        writeFakeFile(root + "/cgroup.subtree_control", "")
    }

    let swap: Bool

    /// What the kernel shows in a new child cgroup whose parent enabled cpu io memory pids.
    func makeCgroup(_ path: String) {
        let dir = root + path
        var prefix = root
        for component in path.split(separator: "/") {  // mkdir -p
            prefix += "/" + component
            mkdir(prefix, 0o755)
        }
        writeFakeFile(dir + "/cgroup.controllers", "cpu io memory pids\n")
        writeFakeFile(dir + "/cgroup.subtree_control", "")
        writeFakeFile(dir + "/cgroup.kill", "")
        writeFakeFile(dir + "/cgroup.procs", "")
        writeFakeFile(dir + "/cgroup.events", "populated 0\nfrozen 0\n")
        writeFakeFile(dir + "/memory.max", "max\n")
        if swap { writeFakeFile(dir + "/memory.swap.max", "max\n") }
        writeFakeFile(dir + "/memory.current", "0\n")
        writeFakeFile(dir + "/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n")
        writeFakeFile(dir + "/cpu.max", "max 100000\n")
        writeFakeFile(dir + "/cpu.weight", "100\n")
        writeFakeFile(dir + "/pids.max", "max\n")
        writeFakeFile(dir + "/pids.current", "0\n")
    }

    func contents(_ path: String) -> String { (try? CgroupFiles.read(root + path)) ?? "<missing>" }

    deinit { removeFakeTree(base) }
}

@Suite struct FakeUnifiedHost {
    @Test func rootControllersAreASeparateExplicitStep() throws {
        let fake = try FakeV2Tree()
        let cgroups = try Cgroups(layout: fake.layout)
        #expect {
            try cgroups.ensureParent()
        } throws: { error in
            "\(error)".contains("call enableRootControllers() first")
        }
        #expect(try CgroupFiles.subdirectories(fake.root).isEmpty)  // refused before creating anything
        #expect(try cgroups.enableRootControllers() == ["memory", "cpu", "pids", "io"])
        #expect(fake.contents("/cgroup.subtree_control") == "+memory +cpu +pids +io")
        // The kernel lists enabled controllers without '+'; a second call then writes nothing.
        writeFakeFile(fake.root + "/cgroup.subtree_control", "cpu io memory pids\n")
        #expect(try cgroups.enableRootControllers() == [])
    }

    @Test func detectFindsTheFakeRoot() throws {
        let fake = try FakeV2Tree()
        #expect(
            try CgroupLayout.detect(mountinfo: unifiedMountInfo, root: fake.base, kernelRelease: "6.1.0") == fake.layout
        )
    }

    @Test func noIoWhenTheHostHasNone() throws {
        let fake = try FakeV2Tree(rootControllers: "cpu memory pids")
        #expect(try Cgroups(layout: fake.layout).enableRootControllers() == ["memory", "cpu", "pids"])
    }

    @Test func detectRefusesAV2RootWithoutPids() throws {
        let fake = try FakeV2Tree(rootControllers: "cpu memory")
        #expect {
            try CgroupLayout.detect(mountinfo: unifiedMountInfo, root: fake.base, kernelRelease: "6.1.0")
        } throws: { error in
            "\(error)".contains("does not offer pids")
        }
    }

    @Test func podContainerLimitsAndReadBack() throws {
        let fake = try FakeV2Tree()
        writeFakeFile(fake.root + "/cgroup.subtree_control", "cpu io memory pids\n")
        let cgroups = try Cgroups(layout: fake.layout, parent: "/skiff/test-fake")
        fake.makeCgroup("/skiff")
        fake.makeCgroup("/skiff/test-fake")
        try cgroups.ensureParent()
        #expect(fake.contents("/skiff/cgroup.subtree_control") == "+memory +cpu +pids +io")
        #expect(fake.contents("/skiff/test-fake/cgroup.subtree_control") == "+memory +cpu +pids +io")

        fake.makeCgroup("/skiff/test-fake/pod-u1")
        fake.makeCgroup("/skiff/test-fake/pod-u1/app")
        let pod = try cgroups.createPod("u1")
        let app = try cgroups.createContainer("app", pod: "u1")
        #expect(fake.contents("/skiff/test-fake/pod-u1/cgroup.subtree_control") == "+memory +cpu +pids +io")
        #expect(fake.contents("/skiff/test-fake/pod-u1/app/cgroup.subtree_control") == "")  // leaf

        try app.apply(Limits(memoryMax: 64 << 20, cpuMax: CPUMax(milliCPU: 500), cpuWeight: .request(milliCPU: 500)))
        try pod.apply(Limits(pidsMax: 20))
        #expect(fake.contents("/skiff/test-fake/pod-u1/app/memory.max") == "67108864")
        #expect(fake.contents("/skiff/test-fake/pod-u1/app/memory.swap.max") == "0")
        #expect(fake.contents("/skiff/test-fake/pod-u1/app/cpu.max") == "50000 100000")
        #expect(fake.contents("/skiff/test-fake/pod-u1/app/cpu.weight") == "20")
        #expect(fake.contents("/skiff/test-fake/pod-u1/app/pids.max") == "max\n")  // untouched
        #expect(fake.contents("/skiff/test-fake/pod-u1/pids.max") == "20")
        #expect(fake.contents("/skiff/test-fake/pod-u1/memory.max") == "max\n")

        let back = try app.readBack()
        let dir = fake.root + "/skiff/test-fake/pod-u1/app"
        #expect(back.memoryMax == CgroupReading(file: dir + "/memory.max", value: 64 << 20))
        #expect(back.memorySwapMax?.value == 0)
        #expect(back.cpuQuota == CgroupReading(file: dir + "/cpu.max", value: 50000))
        #expect(back.cpuPeriod?.value == 100_000)
        #expect(back.cpuWeight?.value == 20)
        #expect(back.cpuShares == nil)
        #expect(back.pidsMax == CgroupReading(file: dir + "/pids.max", value: nil))
        #expect(try pod.readBack().pidsMax?.value == 20)

        try app.place(pid: 4242)
        #expect(fake.contents("/skiff/test-fake/pod-u1/app/cgroup.procs") == "4242")
        try app.place(pid: 4243, alreadyInUnified: true)  // CLONE_INTO_CGROUP: nothing left to write
        #expect(fake.contents("/skiff/test-fake/pod-u1/app/cgroup.procs") == "4242")
        #expect(try pod.pids() == [4242])

        writeFakeFile(dir + "/memory.events", "low 0\nhigh 0\nmax 9\noom 1\noom_kill 2\noom_group_kill 0\n")
        #expect(try app.oomKillCount() == 2)
        #expect(try !app.isPopulated())
        writeFakeFile(dir + "/cgroup.events", "populated 1\nfrozen 0\n")
        #expect(try app.isPopulated())
        #expect(try cgroups.listPods() == ["u1"])

        let fd = try app.openDirectory()
        #expect(fd >= 0)
        close(fd)
    }

    @Test func noSwapFileNoSwapWrite() throws {
        let fake = try FakeV2Tree(swap: false)
        let cgroups = try Cgroups(layout: fake.layout, parent: "/skiff")
        fake.makeCgroup("/skiff/pod-u2")
        fake.makeCgroup("/skiff/pod-u2/app")
        try cgroups.createContainer("app", pod: "u2").apply(Limits(memoryMax: 1 << 30))
        #expect(fake.contents("/skiff/pod-u2/app/memory.max") == "1073741824")
        #expect(!CgroupFiles.exists(fake.root + "/skiff/pod-u2/app/memory.swap.max"))
        #expect(try cgroups.container("app", pod: "u2").readBack().memorySwapMax == nil)
    }
}
