import SkiffAPI
import SkiffLinux

/// Pod- and container-level securityContext merged as Kubernetes merges them (the container's
/// field wins), resolved to what skiff-init applies.
enum SecurityContextResolver {
    static func resolve(pod: JSON, container: JSON) throws(ContainerStartError) -> SecuritySpec {
        let podContext = pod[path: ["spec", "securityContext"]] ?? [:]
        let context = container["securityContext"] ?? [:]
        func field(_ name: String) -> JSON? { context[name] ?? podContext[name] }
        var spec = SecuritySpec()
        spec.uid = UInt32(clamping: field("runAsUser")?.int ?? 0)
        spec.gid = UInt32(clamping: field("runAsGroup")?.int ?? 0)
        var groups = (podContext["supplementalGroups"]?.array ?? []).compactMap { $0.int.map { UInt32(clamping: $0) } }
        if let fsGroup = podContext["fsGroup"]?.int { groups.append(UInt32(clamping: fsGroup)) }
        spec.supplementaryGroups = groups
        if field("runAsNonRoot")?.bool == true && spec.uid == 0 {
            throw ContainerStartError(
                reason: "CreateContainerConfigError",
                message:
                    "container has runAsNonRoot and image will run as root (set securityContext.runAsUser to a non-zero uid)"
            )
        }
        spec.privileged = context["privileged"]?.bool == true
        let add = context[path: ["capabilities", "add"]]?.array?.compactMap(\.string) ?? []
        let drop = context[path: ["capabilities", "drop"]]?.array?.compactMap(\.string) ?? []
        if spec.privileged || !add.isEmpty || !drop.isEmpty {
            do {
                spec.capabilities = try Capabilities.resolve(add: add, drop: drop, privileged: spec.privileged)
            } catch {
                throw ContainerStartError(reason: "CreateContainerConfigError", message: error.call)
            }
        }
        spec.readOnlyRootFilesystem = context["readOnlyRootFilesystem"]?.bool == true
        spec.noNewPrivileges = !(context["allowPrivilegeEscalation"]?.bool ?? false) && !spec.privileged
        switch field("seccompProfile")?["type"]?.string {
        case nil, "RuntimeDefault": spec.seccomp = spec.privileged ? .unconfined : .runtimeDefault
        case "Unconfined": spec.seccomp = .unconfined
        case "Localhost":
            let profile = field("seccompProfile")?["localhostProfile"]?.string ?? ""
            guard !profile.isEmpty, !profile.split(separator: "/").contains("..") else {
                throw ContainerStartError(
                    reason: "CreateContainerConfigError",
                    message: "seccompProfile.localhostProfile must name a file in the agent's seccomp/ folder")
            }
            spec.seccomp = .localhost(profile)
        case let other:
            throw ContainerStartError(
                reason: "CreateContainerConfigError", message: "seccompProfile.type \(other ?? "") is not supported")
        }
        return spec
    }
}
