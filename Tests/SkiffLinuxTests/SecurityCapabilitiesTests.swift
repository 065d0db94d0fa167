import CSkiffSecurity
import Glibc
import SkiffLinux
import Testing

@Suite("capability names and Kubernetes add/drop semantics")
struct CapabilityResolveTests {
    @Test("the default set is the OCI one: 14 capabilities, mask 0xa80425fb")
    func defaultSet() throws {
        #expect(Capabilities.defaultSet.count == 14)
        #expect(try Capabilities.mask(Capabilities.defaultSet) == 0xa804_25fb)
        let resolved = try Capabilities.resolve(add: [], drop: [], privileged: false)
        #expect(Set(resolved) == Set(Capabilities.defaultSet))
    }

    @Test("drop ALL then add NET_ADMIN leaves only NET_ADMIN")
    func dropAllAddOne() throws {
        #expect(try Capabilities.resolve(add: ["NET_ADMIN"], drop: ["ALL"], privileged: false) == ["NET_ADMIN"])
        #expect(try Capabilities.resolve(add: [], drop: ["all"], privileged: false) == [])
    }

    @Test("names are case-insensitive, with or without CAP_")
    func spellings() throws {
        let caps = try Capabilities.resolve(
            add: ["cap_sys_time", "Sys_Nice"], drop: ["cap_net_raw", "CAP_KILL"], privileged: false)
        #expect(caps.contains("SYS_TIME") && caps.contains("SYS_NICE"))
        #expect(!caps.contains("NET_RAW") && !caps.contains("KILL"))
        #expect(caps.count == 14)
        #expect(Capabilities.canonical("cap_net_raw") == "NET_RAW")
        #expect(Capabilities.canonical("NET_RAWR") == nil)
    }

    @Test("an unknown name throws an error naming it and the field")
    func unknownName() {
        #expect {
            try Capabilities.resolve(add: ["FOO"], drop: [], privileged: false)
        } throws: { error in
            "\(error)".contains("unknown capability \"FOO\" in securityContext.capabilities.add")
        }
        #expect {
            try Capabilities.resolve(add: [], drop: ["CAP_BAR"], privileged: false)
        } throws: { error in
            "\(error)".contains("\"CAP_BAR\" in securityContext.capabilities.drop")
        }
    }

    @Test("add ALL gives every capability the kernel knows; a named drop still applies; drop ALL wins")
    func all() throws {
        let kernelKnows =
            Int(
                String(decoding: try #require(readFile("/proc/sys/kernel/cap_last_cap")), as: UTF8.self)
                    .filter(\.isNumber))! + 1
        #expect(Capabilities.all.count == min(kernelKnows, 41))
        #expect(try Capabilities.resolve(add: ["ALL"], drop: [], privileged: false) == Capabilities.all)
        let noChown = try Capabilities.resolve(add: ["ALL"], drop: ["CHOWN"], privileged: false)
        #expect(noChown.count == Capabilities.all.count - 1 && !noChown.contains("CHOWN"))
        #expect(try Capabilities.resolve(add: ["ALL"], drop: ["ALL"], privileged: false) == [])
        #expect(try Capabilities.resolve(add: [], drop: ["ALL"], privileged: true) == Capabilities.all)
    }

    @Test("masks and names convert both ways, ordered by bit")
    func masks() throws {
        #expect(Capabilities.names(in: 0xa804_25fb).count == 14)
        #expect(Capabilities.names(in: 1 << 21) == ["SYS_ADMIN"])
        #expect(try Capabilities.mask(["CHECKPOINT_RESTORE"]) == 1 << 40)
    }
}

func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 256)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    return n >= 0 ? Array(buffer[0..<n]) : nil
}

@Suite("capabilities applied for real", .enabled(if: Privileged.canRun, Privileged.reason))
struct CapabilityApplyTests {
    static let defaults = Capabilities.defaultSet.joined(separator: ",")

    @Test("root with the default set: CapEff = CapPrm = CapBnd = 0xa80425fb, no ambient")
    func rootDefault() {
        let r = probe(["apply=\(Self.defaults)|0|0|", "status"])
        #expect(r.status == 0, "\(r)")
        #expect(r["CapEff"] == 0xa804_25fb && r["CapPrm"] == 0xa804_25fb && r["CapBnd"] == 0xa804_25fb, "\(r)")
        #expect(r["CapInh"] == 0xa804_25fb && r["CapAmb"] == 0, "\(r)")
    }

    @Test("uid 1000 keeps the caps until execve, then runs with none effective, like Docker")
    func nonRoot() {
        let r = probe(["apply=\(Self.defaults)|1000|1001|2000,2001", "status", "exec=/bin/grep|^Cap|/proc/self/status"])
        #expect(r.value("ids") == "1000,1000,1001,1001" && r.value("groups") == "2000,2001", "\(r)")
        #expect(r["CapEff"] == 0xa804_25fb && r["CapPrm"] == 0xa804_25fb, "before execve: \(r)")
        let after = statusCapabilities(r.output)
        #expect(r.status == 0, "\(r)")
        #expect(after["CapEff"] == 0 && after["CapPrm"] == 0 && after["CapAmb"] == 0, "\(r)")
        #expect(after["CapBnd"] == 0xa804_25fb && after["CapInh"] == 0xa804_25fb, "\(r)")
    }

    @Test("root keeps the granted set across execve")
    func rootExec() {
        let r = probe(["apply=CHOWN,NET_BIND_SERVICE|0|0|", "exec=/bin/grep|^Cap|/proc/self/status"])
        let after = statusCapabilities(r.output)
        #expect(r.status == 0, "\(r)")
        #expect(after["CapEff"] == 0x401 && after["CapPrm"] == 0x401 && after["CapBnd"] == 0x401, "\(r)")
    }

    @Test("privileged gets every capability this runtime holds; the rest are reported, not fatal")
    func privileged() throws {
        let all = try Capabilities.resolve(add: [], drop: [], privileged: true)
        let bounding = Capabilities.current().bounding
        let r = probe(["apply=\(all.joined(separator: ","))|0|0|", "status"])
        #expect(r.status == 0, "\(r)")
        let expected = try Capabilities.mask(all) & bounding
        #expect(r["CapEff"] == Int(expected) && r["CapBnd"] == Int(expected), "\(r)")
        let missing = Capabilities.names(in: try Capabilities.mask(all) & ~bounding)
        #expect(r.value("skipped") == missing.joined(separator: ","), "\(r)")
    }

    @Test("an unknown name given to apply throws before anything changes")
    func unknown() {
        let r = probe(["apply=CHOWN,NOPE|0|0|", "status"])
        #expect(r.status == 2 && r.output.contains("unknown capability \"NOPE\""), "\(r)")
    }
}
