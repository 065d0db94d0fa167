import CSkiffSecurity
import Glibc

/// The architecture this program runs as, under the names profiles use for it.
struct NativeArch: Sendable {
    /// libseccomp's name, e.g. `x86_64` (profiles write `SCMP_ARCH_X86_64`).
    let seccompName: String
    /// Docker's name in `includes.arches`, e.g. `amd64` (Go's GOARCH spelling).
    let dockerName: String
    /// Tokens of the ABIs this kernel runs: the native one and its compat ABIs.
    let tokens: [UInt32]

    /// The other ABIs a 64-bit kernel runs, by libseccomp name (i386 and x32 programs on an
    /// x86_64 kernel, arm on arm64, ...). A filter must cover them or a container could get
    /// around it by making the same call through another ABI.
    static let compatible: [String: [String]] = [
        "x86_64": ["x86", "x32"], "aarch64": ["arm"], "s390x": ["s390"], "ppc64": ["ppc"],
        "mips64": ["mips", "mips64n32"], "mips64n32": ["mips", "mips64"],
        "mipsel64": ["mipsel", "mipsel64n32"], "mipsel64n32": ["mipsel", "mipsel64"],
        "parisc64": ["parisc"],
    ]

    static let known = [
        "x86_64", "x86", "x32", "aarch64", "arm", "s390x", "s390", "ppc64le", "ppc64", "ppc", "riscv64",
        "mips64", "mips64n32", "mips", "mipsel64", "mipsel64n32", "mipsel", "parisc64", "parisc",
    ]

    static let current: NativeArch = {
        let token = skiff_sec_arch_native()
        let name = known.first { skiff_sec_arch_token($0) == token } ?? "unknown"
        let docker = ["x86_64": "amd64", "aarch64": "arm64"][name] ?? name
        let compat = (compatible[name] ?? []).map { skiff_sec_arch_token($0) }.filter { $0 != 0 }
        return NativeArch(seccompName: name, dockerName: docker, tokens: [token] + compat)
    }()

    /// `SCMP_ARCH_X86_64` → `x86_64`; a bare libseccomp name is kept.
    static func seccompName(_ profileName: String) -> String {
        var name = profileName
        if name.hasPrefix("SCMP_ARCH_") { name.removeFirst("SCMP_ARCH_".count) }
        return name.lowercased()
    }

    /// Whether an `arches` list of a rule names this architecture (either spelling).
    func matches(_ arches: [String]) -> Bool {
        arches.contains(dockerName) || arches.contains(seccompName)
    }

    func runs(_ token: UInt32) -> Bool { tokens.contains(token) }
}

/// A kernel version `major.minor[.patch]`, compared numerically (4.10 > 4.9).
struct KernelVersion: Comparable, Sendable {
    var major: Int
    var minor: Int
    var patch: Int

    /// Parses "4.8", "5.10.2" or a release such as "6.18.44-fc-v657" (the suffix is ignored).
    init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        func number(_ part: Substring) -> Int? { Int(part.prefix { $0.isASCII && $0.isNumber }) }
        guard parts.count >= 2, let major = Int(parts[0]), let minor = number(parts[1]) else { return nil }
        self.major = major
        self.minor = minor
        self.patch = parts.count > 2 ? number(parts[2]) ?? 0 : 0
    }

    /// The running kernel's version from uname(2); nil if it cannot be read.
    static let running: KernelVersion? = {
        var names = utsname()
        guard uname(&names) == 0 else { return nil }
        let release = withUnsafeBytes(of: &names.release) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return KernelVersion(release)
    }()

    static func < (a: KernelVersion, b: KernelVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }
}
