import Glibc

/// Small file helpers for cgroupfs. cgroupfs parses each write() as one value, so a value is
/// written with a single write call and never split; reads are short (a few KiB at most).
enum CgroupFiles {
    static func read(_ path: String) throws(LinuxError) -> String {
        let fd = try check("open(\(path))") { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        return try read(fd: fd, path: path)
    }

    /// Reads an open file from its start again: a kernfs file re-arms poll(POLLPRI) on each read.
    static func read(fd: Int32, path: String) throws(LinuxError) -> String {
        if lseek(fd, 0, SEEK_SET) == -1 { throw LinuxError("lseek(\(path))") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw LinuxError("read(\(path))")
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// nil when the file does not exist (a controller not enabled, an older kernel, a v1 host).
    static func readIfPresent(_ path: String) throws(LinuxError) -> String? {
        do { return try read(path) } catch  where error.errno == ENOENT { return nil }
    }

    /// O_TRUNC is harmless on cgroupfs and makes the same code correct on the fake tree of the
    /// unit tests, where these are regular files.
    static func write(_ path: String, _ value: String) throws(LinuxError) {
        let fd = try check("open(\(path))") { open(path, O_WRONLY | O_TRUNC | O_CLOEXEC) }
        defer { close(fd) }
        var bytes = Array(value.utf8)
        while true {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n == bytes.count { return }
            if n < 0 && errno == EINTR { continue }
            if n >= 0 { errno = EIO }  // a short write means the kernel did not take the value
            throw LinuxError("write(\(path) = \(value))")
        }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// mkdir that accepts an existing directory, so creation can be repeated after a crash.
    static func makeDirectory(_ path: String) throws(LinuxError) {
        if mkdir(path, 0o755) == -1 && errno != EEXIST { throw LinuxError("mkdir(\(path))") }
    }

    /// Names of the subdirectories (child cgroups) of `path`; empty when `path` does not exist.
    static func subdirectories(_ path: String) throws(LinuxError) -> [String] {
        guard let dir = opendir(path) else {
            if errno == ENOENT { return [] }
            throw LinuxError("opendir(\(path))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Space- or newline-separated `key value` pairs (cgroup.events, memory.events,
    /// memory.oom_control, pids.events) → dictionary. Non-numeric values are skipped.
    static func parseKeyedCounts(_ text: String) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = UInt64(parts[1]) { result[String(parts[0])] = value }
        }
        return result
    }

    static func sleep(milliseconds: Int) {
        var request = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}
