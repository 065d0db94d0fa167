import ArgumentParser
import Foundation
import SkiffAPI
import SkiffClient

/// `skiff inspect pod NAME`: each container's isolation as the kernel reports it, through the
/// API server's node proxy to the pod's agent (`nodes/NODE/proxy/inspect/NS/POD`, which
/// `kubectl get --raw` reaches too).
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract:
            "Show a pod's namespaces, cgroup limits, seccomp, capabilities, id maps and mounts, read from the kernel.")

    @OptionGroup var cluster: ClusterOptions
    @Argument(help: "What to inspect: pod.") var kind: String
    @Argument(help: "The pod's name (NAME or pod/NAME).") var name: String
    @Option(name: [.short, .customLong("output")], help: "text (default) or json.") var output = "text"

    func validate() throws {
        guard ["pod", "pods", "po"].contains(kind) else {
            throw ValidationError("skiff inspect shows pods: use skiff inspect pod NAME (got \(kind))")
        }
        guard ["text", "json"].contains(output) else {
            throw ValidationError("--output must be text or json (got \(output))")
        }
    }

    func run() async throws {
        try await runReportingErrors {
            let client = try cluster.client()
            let podName = name.hasPrefix("pod/") ? String(name.dropFirst(4)) : name
            let namespace = cluster.effectiveNamespace
            let pod = try await client.get(Resources.pods, namespace: namespace, name: podName)
            guard let node = pod[path: ["spec", "nodeName"]]?.string, !node.isEmpty else {
                throw CLIError("pod \(podName) is not scheduled to a node yet: there is nothing to inspect")
            }
            let response = try await client.send("GET", "/api/v1/nodes/\(node)/proxy/inspect/\(namespace)/\(podName)")
            let report = try JSON.parse(response.body)
            if output == "json" {
                print(PrettyJSON.render(report))
            } else {
                print(Self.text(report), terminator: "")
            }
        }
    }

    static func text(_ report: JSON) -> String {
        let pod = report["pod"] ?? [:]
        var out =
            "Pod \(pod["namespace"]?.string ?? "")/\(pod["name"]?.string ?? "") on node \(pod["node"]?.string ?? "")"
        if let pid = report[path: ["sandbox", "pid"]]?.int { out += " (sandbox pid \(pid))" }
        out += "\n"
        let containers = report["containers"]?.array ?? []
        if containers.isEmpty { out += "No running containers.\n" }
        for c in containers {
            out += "\nContainer \(c["name"]?.string ?? "") (run \(c["run"]?.int ?? 0), pid \(c["pid"]?.int ?? 0))\n"
            var rows = [["NAMESPACE", "ID", "HOST", "SHARED WITH"]]
            for ns in c["namespaces"]?.array ?? [] {
                let shared = (ns["sharedWith"]?.array ?? []).compactMap(\.string)
                rows.append([
                    ns["type"]?.string ?? "", ns["id"]?.string ?? "",
                    ns["isHost"]?.bool == true ? "same as host" : ns["host"]?.string ?? "",
                    shared.isEmpty ? "-" : shared.joined(separator: ","),
                ])
            }
            out += TableText.align(rows).map { "  " + $0 + "\n" }.joined()
            out += "  cgroup:       \(c[path: ["cgroup", "path"]]?.string ?? "-")\n"
            for (key, value) in (c[path: ["cgroup", "limits"]]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
                out += "    \(key) = \(value.string ?? "")\n"
            }
            let seccomp = c["seccomp"] ?? [:]
            out +=
                "  seccomp:      \(seccomp["mode"]?.string ?? "") (\(seccomp["filters"]?.string ?? "0") filters), profile \(seccomp["profile"]?.string ?? "")\n"
            out += "  no_new_privs: \(c["noNewPrivs"]?.bool == true ? "yes" : "no")\n"
            for kind in ["effective", "bounding"] {
                let caps = c[path: ["capabilities", kind]] ?? [:]
                let names = (caps["names"]?.array ?? []).compactMap(\.string)
                out += "  caps \(kind): \(caps["mask"]?.string ?? "") [\(names.joined(separator: " "))]\n"
            }
            out += "  uid/gid:      \(c["uid"]?.string ?? "") / \(c["gid"]?.string ?? "")\n"
            out += "  uid_map:      \(c["uidMap"]?.string ?? "")\n  gid_map:      \(c["gidMap"]?.string ?? "")\n"
            if let rootfs = c["rootfs"] {
                out +=
                    "  rootfs:       overlay of \(rootfs["image"]?.string ?? ""), upper \(rootfs["upper"]?.string ?? "")"
                out += rootfs["readOnly"]?.bool == true ? " (read-only)\n" : "\n"
            }
            out += "  mounts:\n"
            for m in c["mounts"]?.array ?? [] {
                out +=
                    "    \(m["path"]?.string ?? "") \(m["type"]?.string ?? "") \(m["source"]?.string ?? "") \(m["options"]?.string ?? "")\n"
            }
        }
        return out
    }
}
