import Foundation
import SkiffAPI
import SkiffLinux

/// `cgroup.json` in the agent's data directory: the cgroup parent the agent resolved (for
/// `--cgroup-parent delegated`, the unit cgroup systemd gave it), so that `skiffd stop-pods`
/// and `skiff cluster down`, run later from a shell whose own cgroup says nothing, remove the
/// pods' cgroups where they really are.
struct CgroupRecord: Equatable {
    var parent: String
    var delegated: Bool

    static func path(_ dataDirectory: String) -> String { dataDirectory + "/cgroup.json" }

    func save(to dataDirectory: String) throws {
        let json: JSON = .object(["parent": .string(parent), "delegated": .bool(delegated)])
        try Syscalls.writeFileAtomically(Self.path(dataDirectory), json.serializedString() + "\n")
    }

    static func load(from dataDirectory: String) -> CgroupRecord? {
        guard let data = FileManager.default.contents(atPath: path(dataDirectory)),
            let json = try? JSON.parse(data), let parent = json["parent"]?.string
        else { return nil }
        return CgroupRecord(parent: parent, delegated: json["delegated"]?.bool ?? false)
    }
}
