import Foundation

/// Images are local root filesystems, one folder per `NAME:TAG` (rootfs/README.md). References
/// normalise as container runtimes do: registry `docker.io`, `library/` and the tag `latest`
/// are implied, so `busybox`, `busybox:latest` and `docker.io/library/busybox:latest` agree.
public struct ImageStore: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public static func normalize(_ reference: String) -> String {
        var name = reference
        if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }  // digests: local images have none
        for prefix in ["docker.io/library/", "docker.io/", "index.docker.io/library/", "library/"]
        where name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
            break
        }
        let lastComponent = name.split(separator: "/").last ?? Substring(name)
        if !lastComponent.contains(":") { name += ":latest" }
        return name
    }

    /// The image folder, or nil when it is not there (or not completely built).
    public func path(for reference: String) -> String? {
        let path = directory + "/" + Self.normalize(reference)
        guard FileManager.default.fileExists(atPath: path + "/.complete") else { return nil }
        return path
    }

    public func available() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter {
            !$0.hasPrefix(".") && FileManager.default.fileExists(atPath: directory + "/" + $0 + "/.complete")
        }
        .sorted()
    }

    public func missingMessage(_ reference: String) -> String {
        let list = available()
        return "image \"\(reference)\" is not in \(directory) (images are local; available: "
            + (list.isEmpty ? "none — run `make rootfs`" : list.joined(separator: ", ")) + ")"
    }
}
