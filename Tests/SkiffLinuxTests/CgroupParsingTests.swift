import Glibc
import Testing

@testable import SkiffLinux

/// The development machine's mountinfo (cpu and cpuacct mounted separately).
let hybridMountInfo = """
    31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
    32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
    33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
    35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
    39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
    40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
    41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
    """

/// Ubuntu 20.04 style hybrid: systemd co-mounts cpu and cpuacct, optional fields present.
let hybridCoMountedMountInfo = """
    25 24 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
    26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
    27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
    31 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,cpu,cpuacct
    32 25 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,memory
    35 25 0:32 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:19 - cgroup cgroup rw,pids
    """

/// Debian 12 / any systemd ≥ 247 default: pure cgroup v2.
let unifiedMountInfo = """
    22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p1 rw,errors=remount-ro
    24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
    26 24 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
    """

/// CentOS 7 style: v1 only.
let v1OnlyMountInfo = """
    24 18 0:20 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755
    25 24 0:21 / /sys/fs/cgroup/systemd rw,nosuid shared:9 - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd
    28 24 0:24 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,cpu,cpuacct
    29 24 0:25 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,memory
    30 24 0:26 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,pids
    """

@Suite struct MountInfoParsing {
    @Test func hybridAsOnThisMachine() throws {
        let layout = try CgroupLayout.parse(mountinfo: hybridMountInfo)
        #expect(
            layout
                == .hybrid(
                    unified: "/sys/fs/cgroup/unified",
                    v1: ["memory": "/sys/fs/cgroup/memory", "cpu": "/sys/fs/cgroup/cpu", "pids": "/sys/fs/cgroup/pids"])
        )
        #expect(
            layout.hierarchies == [
                "/sys/fs/cgroup/unified", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/pids",
            ])
        #expect(
            layout.description
                == "cgroup mode: hybrid (v2 at /sys/fs/cgroup/unified for grouping, kill and events; "
                + "v1 memory, cpu, pids for limits at /sys/fs/cgroup/memory, /sys/fs/cgroup/cpu, /sys/fs/cgroup/pids)")
    }

    @Test func hybridWithCoMountedCPU() throws {
        let layout = try CgroupLayout.parse(mountinfo: hybridCoMountedMountInfo, root: "/tmp/fake")
        guard case .hybrid(let unified, let v1) = layout else { Issue.record("not hybrid: \(layout)"); return }
        #expect(unified == "/tmp/fake/sys/fs/cgroup/unified")
        #expect(v1["cpu"] == "/tmp/fake/sys/fs/cgroup/cpu,cpuacct")
        #expect(v1.keys.sorted() == ["cpu", "memory", "pids"])  // cpuacct, name=systemd are not kept
    }

    @Test func pureV2() throws {
        let layout = try CgroupLayout.parse(mountinfo: unifiedMountInfo)
        #expect(layout == .unified(root: "/sys/fs/cgroup"))
        #expect(layout.hierarchies == ["/sys/fs/cgroup"])
        #expect(
            layout.description == "cgroup mode: unified (v2 at /sys/fs/cgroup for grouping, kill, events and limits)")
    }

    @Test func v1OnlyIsRefused() {
        #expect {
            try CgroupLayout.parse(mountinfo: v1OnlyMountInfo)
        } throws: { error in
            let text = "\(error)"
            return text.contains("Skiff needs cgroup v2 (cgroup.kill, cgroup.events); this host has only cgroup v1")
                && text.contains("memory at /sys/fs/cgroup/memory")
                && text.contains("systemd.unified_cgroup_hierarchy=1")
        }
    }

    @Test func hybridMissingPidsIsRefused() {
        let text = hybridMountInfo.split(separator: "\n").filter { !$0.contains("pids") }.joined(separator: "\n")
        #expect {
            try CgroupLayout.parse(mountinfo: text)
        } throws: { error in
            "\(error)".contains("but no v1 pids")
        }
    }

    @Test func noCgroupsAtAll() {
        #expect(throws: LinuxError.self) { try CgroupLayout.parse(mountinfo: "22 1 259:1 / / rw - ext4 /dev/x rw") }
    }

    @Test func escapedMountPointAndOddLines() {
        let text = "garbage\n41 31 0:38 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw\n"
        let entries = MountInfo.parse(text)
        #expect(
            entries == [
                MountEntry(
                    root: "/", mountPoint: "/mnt/my cgroups", fsType: "cgroup2", superOptions: ["rw"],
                    source: "cgroup2",
                    mountOptions: "rw")
            ])
        #expect(MountInfo.unescape("a\\134b\\011") == "a\\b\t")
    }

    @Test func kernelVersionGate() {
        #expect(MountInfo.kernelHasCgroupKill(release: "6.18.44"))
        #expect(MountInfo.kernelHasCgroupKill(release: "5.14.0-362.el9.x86_64"))
        #expect(!MountInfo.kernelHasCgroupKill(release: "5.10.0-28-amd64"))
        #expect(!MountInfo.kernelHasCgroupKill(release: "4.19.0"))
        #expect(throws: LinuxError.self) {
            try CgroupLayout.detect(mountinfo: hybridMountInfo, kernelRelease: "5.10.0-28-amd64")
        }
    }
}

@Suite struct LimitMath {
    @Test func sharesFromMilliCPU() {
        #expect(CPUWeight.shares(milliCPU: 500) == 512)
        #expect(CPUWeight.shares(milliCPU: 1000) == 1024)
        #expect(CPUWeight.shares(milliCPU: 0) == 2)
        #expect(CPUWeight.shares(milliCPU: 1) == 2)
        #expect(CPUWeight.shares(milliCPU: 1_000_000) == 262_144)
    }

    @Test func sharesToWeightKubernetesFormula() {
        #expect(CPUWeight.weight(shares: 2) == 1)
        #expect(CPUWeight.weight(shares: 512) == 20)
        #expect(CPUWeight.weight(shares: 1024) == 39)
        #expect(CPUWeight.weight(shares: 262_144) == 10_000)
        #expect(CPUWeight.request(milliCPU: 500).v2Weight == 20)
        #expect(CPUWeight.request(milliCPU: 500).v1Shares == 512)
        #expect(CPUWeight.weight(100).v1Shares == 2 + (99 * 262_142) / 9999)
    }

    @Test func cpuMaxFormatting() {
        #expect(CPUMax(milliCPU: 500).description == "50000 100000")
        #expect(CPUMax(milliCPU: 2500).description == "250000 100000")
        #expect(CPUMax(milliCPU: 5).description == "1000 100000")  // rounded up to the 1 ms minimum
        #expect(CPUMax.unlimited.description == "max 100000")
        #expect(CPUMax(cpuMax: "max 100000\n") == .unlimited)
        #expect(CPUMax(cpuMax: "50000 100000\n") == CPUMax(quota: 50000))
        #expect(CPUMax(cpuMax: "bogus") == nil)
        #expect(CPUMax(milliCPU: .max).quota == UInt64.max / 1000)  // saturates, no trap
    }

    @Test func podLevelMemorySum() {
        let a = Limits(memoryMax: 64 << 20), b = Limits(memoryMax: 32 << 20), none = Limits()
        #expect(Limits.pod(containers: [a, b], pidsMax: 100) == Limits(memoryMax: 96 << 20, pidsMax: 100))
        #expect(Limits.pod(containers: [a, none], pidsMax: nil) == Limits())
    }

    @Test func keyedCounts() {
        let events = "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n"
        #expect(CgroupFiles.parseKeyedCounts(events)["oom_kill"] == 1)
        #expect(CgroupFiles.parseKeyedCounts("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n")["oom_kill"] == 3)
        #expect(CgroupFiles.parseKeyedCounts("populated 1\nfrozen 0\n")["populated"] == 1)
    }

    @Test func namesAndParents() throws {
        let layout = CgroupLayout.unified(root: "/sys/fs/cgroup")
        #expect(throws: LinuxError.self) { try Cgroups(layout: layout, parent: "skiff") }
        #expect(throws: LinuxError.self) { try Cgroups(layout: layout, parent: "/skiff/../etc") }
        #expect(throws: LinuxError.self) { try Cgroups(layout: layout, parent: "/") }
        let cgroups = try Cgroups(layout: layout)
        #expect(try cgroups.container("app", pod: "0c1d-42").path == "/skiff/pod-0c1d-42/app")
        #expect(throws: LinuxError.self) { try cgroups.container("memory.max", pod: "x") }
        #expect(throws: LinuxError.self) { try cgroups.pod("a/b") }
    }
}
