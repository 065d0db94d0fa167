import Glibc
import Testing

@testable import SkiffLinux

/// Real cgroups on this machine, as root, under /skiff/test-<random> (see CgroupFixture).
/// Serialized: the tests spawn processes and time cgroup moves, and must not overlap.
/// Written for both layouts, so the same suite is the pure-v2 proof when run in a VM.
@Suite(.serialized, .enabled(if: Privileged.canRun, Privileged.reason))
struct HostCgroups {
    static let mebibyte: UInt64 = 1 << 20

    @Test func detectsThisHost() throws {
        let layout = try CgroupLayout.detect()
        print(layout.description)
        switch layout {
        case .hybrid(let unified, let v1):
            #expect(unified == "/sys/fs/cgroup/unified")
            #expect(v1["memory"] == "/sys/fs/cgroup/memory")
            #expect(v1["cpu"]?.hasPrefix("/sys/fs/cgroup/cpu") == true)
            #expect(v1["pids"] == "/sys/fs/cgroup/pids")
            #expect(CgroupFiles.exists(v1["memory"]! + "/memory.limit_in_bytes"))
            #expect(CgroupFiles.exists(v1["cpu"]! + "/cpu.shares"))
        case .unified(let root):
            #expect(root == "/sys/fs/cgroup")
        }
        #expect(CgroupFiles.exists(layout.unifiedRoot + "/cgroup.subtree_control"))
    }

    @Test func limitsPlaceKillRemove() throws {
        try CgroupFixture.run { fixture in
            let cgroups = fixture.cgroups
            let pod = try cgroups.createPod("p1")
            let app = try cgroups.createContainer("app", pod: "p1")
            try app.apply(
                Limits(memoryMax: 64 * Self.mebibyte, cpuMax: CPUMax(milliCPU: 500), cpuWeight: .request(milliCPU: 500))
            )
            try pod.apply(Limits(pidsMax: 20))

            let back = try app.readBack()
            for (name, reading) in back.entries { print("readBack \(name) = \(reading)") }
            #expect(back.memoryMax?.value == 64 * Self.mebibyte)
            #expect(back.cpuQuota?.value == 50000)
            #expect(back.cpuPeriod?.value == 100_000)
            if cgroups.layout.isUnified {
                #expect(back.cpuWeight?.value == 20)
            } else {
                #expect(back.cpuShares?.value == 512)
                #expect(back.memoryMax?.file == app.directory(for: "memory") + "/memory.limit_in_bytes")
            }
            #expect(back.pidsMax?.value == nil)  // container level: unlimited, the pod holds the limit
            #expect(try pod.readBack().pidsMax?.value == 20)
            #expect(try cgroups.listPods() == ["p1"])

            let pid = try fixture.spawn(["/bin/sleep", "30"])
            let start = microseconds()
            try app.place(pid: pid)
            print("place(pid:) of a fresh /bin/sleep: \(Int(microseconds() - start)) µs")
            #expect(try Self.cgroupLines(of: pid, layout: cgroups.layout).allSatisfy { $0.path == app.path })
            #expect(try Self.cgroupLines(of: pid, layout: cgroups.layout).count == cgroups.layout.hierarchies.count)
            #expect(try pod.pids() == [pid])
            #expect(try pod.isPopulated())

            let killStart = microseconds()
            try pod.kill()
            print("kill() of 1 process until populated 0: \(Int(microseconds() - killStart)) µs")
            #expect(Spawn.termSignal(fixture.reap(pid)) == SIGKILL)
            #expect(try !pod.isPopulated())

            try pod.remove()
            for directory in app.directories + pod.directories {
                #expect(!CgroupFiles.exists(directory), "\(directory) still exists")
            }
            #expect(try cgroups.listPods() == [])
        }
    }

    @Test func memoryHogIsOOMKilled() throws {
        try CgroupFixture.run { fixture in
            try fixture.cgroups.createPod("oom")
            let hog = try fixture.cgroups.createContainer("hog", pod: "oom")
            try hog.apply(Limits(memoryMax: 64 * Self.mebibyte))
            // tail keeps a line-less stream in memory: it holds all 256 MiB head sends, no more.
            let pipe = try Spawn.pipe()
            let tail = try fixture.spawn(["/usr/bin/tail"], stdin: pipe.read)
            try hog.place(pid: tail)
            let head = try fixture.spawn(["/usr/bin/head", "-c", "268435456", "/dev/zero"], stdout: pipe.write)
            close(pipe.read)
            close(pipe.write)
            let tailStatus = fixture.reap(tail)
            _ = fixture.reap(head)  // EPIPE or SIGPIPE once tail is gone
            #expect(Spawn.termSignal(tailStatus) == SIGKILL, "tail status \(tailStatus)")
            let kills = try hog.oomKillCount()
            print("oom_kill after reaping: \(kills); memory.max = \(String(describing: try hog.readBack().memoryMax))")
            #expect(kills >= 1)
            #expect(try fixture.cgroups.pod("oom").oomKillCount() >= 1)  // the pod count includes its containers
        }
    }

    @Test func pidsLimitStopsForks() throws {
        try CgroupFixture.run { fixture in
            let pod = try fixture.cgroups.createPod("pids")
            try pod.apply(Limits(pidsMax: 20))
            let bomb = try fixture.cgroups.createContainer("bomb", pod: "pids")
            // Bounded: at most 40 forks, each child a `sleep 30`; perl reports how far it got.
            let script = """
                $| = 1; <STDIN>; my ($n, $err) = (0, 0);
                for (1 .. 40) { my $p = fork(); if (!defined $p) { $err = $! + 0; last }
                  if ($p == 0) { exec("/bin/sleep", "30"); exit(127) } $n++ }
                print "$n $err\\n"; sleep(30);
                """
            let input = try Spawn.pipe(), output = try Spawn.pipe()
            let perl = try fixture.spawn(["/usr/bin/perl", "-e", script], stdin: input.read, stdout: output.write)
            close(input.read)
            close(output.write)
            defer { close(input.write); close(output.read) }
            try bomb.place(pid: perl)
            _ = "go\n".withCString { write(input.write, $0, 3) }
            let line = Spawn.readLine(output.read, timeoutMilliseconds: 10_000)
            #expect(line == "19 \(EAGAIN)", "perl said \(line ?? "nothing")")  // 1 perl + 19 sleeps = 20
            #expect(try pod.pids().count == 20)
            #expect(try pod.readBack().pidsCurrent?.value == 20)

            let start = microseconds()
            try pod.kill()
            let killed = microseconds()
            #expect(Spawn.termSignal(fixture.reap(perl)) == SIGKILL)
            try pod.remove()  // the 19 sleeps are reparented zombies of someone else: rmdir must not wait for them
            print("kill 20 processes: \(Int(killed - start)) µs, then remove: \(Int(microseconds() - killed)) µs")
            #expect(try pod.pids().isEmpty)
            #expect(!CgroupFiles.exists(pod.unifiedDirectory))
        }
    }

    @Test func busyMissingAndRaisedLimits() throws {
        try CgroupFixture.run { fixture in
            let cgroups = fixture.cgroups
            let ghost = try cgroups.pod("never-created")
            #expect(try !ghost.isPopulated())
            #expect(try ghost.pids() == [])
            try ghost.kill()  // nothing to kill is not an error
            try ghost.remove()

            let pod = try cgroups.createPod("busy")
            let app = try cgroups.createContainer("app", pod: "busy")
            try app.apply(Limits(memoryMax: 64 * Self.mebibyte))
            try app.apply(Limits(memoryMax: 128 * Self.mebibyte))  // v1: memsw has to go first
            #expect(try app.readBack().memoryMax?.value == 128 * Self.mebibyte)

            let fd = try app.openDirectory()
            var info = stat()
            #expect(fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR)
            close(fd)

            let pid = try fixture.spawn(["/bin/sleep", "30"])
            try app.place(pid: pid)
            #expect {
                try pod.remove(busyTimeoutMilliseconds: 30)
            } throws: { error in
                (error as? LinuxError)?.errno == EBUSY && "\(error)".contains("/pod-busy/app")
            }
            try pod.kill()
            _ = fixture.reap(pid)
            try pod.remove()
            #expect(!CgroupFiles.exists(pod.unifiedDirectory))
        }
    }

    @Test func fixtureCleansUpAfterAFailure() throws {
        struct Boom: Error {}
        var pid: pid_t = 0
        var parent: CgroupPath?
        #expect(throws: Boom.self) {
            try CgroupFixture.run { fixture in
                parent = fixture.cgroups.parent
                try fixture.cgroups.createPod("f")
                pid = try fixture.spawn(["/bin/sleep", "30"])
                try fixture.cgroups.createContainer("c", pod: "f").place(pid: pid)
                throw Boom()
            }
        }
        #expect(pid > 0 && Glibc.kill(pid, 0) == -1 && errno == ESRCH)  // killed and reaped
        for directory in parent?.directories ?? [] { #expect(!CgroupFiles.exists(directory)) }
    }

    /// Cost of moving a process: isolated moves wait for an RCU grace period, moves right after
    /// another do not (LINUX-NOTES §4). Prints the numbers; asserts only that moves work.
    @Test func placeCost() throws {
        try CgroupFixture.run { fixture in
            try fixture.cgroups.createPod("cost")
            let box = try fixture.cgroups.createContainer("c", pod: "cost")
            var isolated: [Int] = [], burst: [Int] = [], perHierarchy: [Int] = []
            for _ in 0..<4 {
                let pid = try fixture.spawn(["/bin/sleep", "30"])
                CgroupFiles.sleep(milliseconds: 150)
                let start = microseconds()
                try box.place(pid: pid)
                isolated.append(Int(microseconds() - start))
            }
            let pids = try (0..<5).map { _ in try fixture.spawn(["/bin/sleep", "30"]) }
            CgroupFiles.sleep(milliseconds: 150)
            for pid in pids {
                let start = microseconds()
                try box.place(pid: pid)
                burst.append(Int(microseconds() - start))
            }
            let last = try fixture.spawn(["/bin/sleep", "30"])
            CgroupFiles.sleep(milliseconds: 150)
            for directory in box.directories {
                let start = microseconds()
                try CgroupFiles.write(directory + "/cgroup.procs", String(last))
                perHierarchy.append(Int(microseconds() - start))
            }
            print("place() isolated (150 ms apart), µs: \(isolated)")
            print("place() back-to-back, µs: \(burst)")
            print("one isolated place() per hierarchy \(box.directories), µs: \(perHierarchy)")
            #expect(try box.pids().count == 10)
        }
    }

    /// /proc/PID/cgroup lines for the hierarchies Skiff uses: `0::path` and, on hybrid, the
    /// v1 lines whose controller list contains memory, cpu or pids.
    static func cgroupLines(of pid: pid_t, layout: CgroupLayout) throws -> [(hierarchy: String, path: String)] {
        let text = try CgroupFiles.read("/proc/\(pid)/cgroup")
        var result: [(String, String)] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ",").map(String.init)
            if fields[0] == "0" || !Set(controllers).isDisjoint(with: CgroupLayout.requiredControllers) {
                result.append((String(fields[1]), String(fields[2])))
            }
        }
        return result
    }
}
