import Foundation
import Logging
import SkiffAPI
import SkiffClient
import SkiffLinux

/// The agent's Node object and its heartbeat: registered (or updated) at start with what the
/// host has, then a Lease in `kube-node-lease` renewed every 10 s, as kubelet does.
struct NodeRegistration {
    let configuration: AgentConfiguration
    let client: APIClient
    let logger: Logger
    let cgroupMode: String
    let internalIP: String
    let podCIDR: String

    static let agentVersion = "v1.33.0+skiff"

    func register() async throws {
        let info = Resources.nodes
        let node = nodeObject()
        let created: Bool
        do throws(SkiffError) {
            _ = try await client.create(info, namespace: nil, object: node)
            created = true
        } catch {
            guard error.code == .alreadyExists else { throw error }
            created = false
        }
        if !created {
            // A node that was registered before keeps its spec (podCIDR, taints); status is ours.
            _ = try await client.patch(
                info, namespace: nil, name: configuration.nodeName,
                patch: ["metadata": ["annotations": node[path: ["metadata", "annotations"]] ?? [:]]])
        }
        _ = try await client.patch(
            info, namespace: nil, name: configuration.nodeName, patch: ["status": node["status"] ?? [:]],
            subresource: "status")
        logger.info("node registered", metadata: ["node": "\(configuration.nodeName)", "cgroups": "\(cgroupMode)"])
    }

    func nodeObject() -> JSON {
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        let memoryKi = ProcessInfo.processInfo.physicalMemory / 1024
        let capacity: JSON = [
            "cpu": .string(String(cpus)), "memory": .string("\(memoryKi)Ki"),
            "pods": .string(String(configuration.maxPods)),
        ]
        let now = RFC3339.format(Date())
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSON {
            [
                "type": .string(type), "status": .string(status), "reason": .string(reason),
                "message": .string(message), "lastHeartbeatTime": .string(now), "lastTransitionTime": .string(now),
            ]
        }
        var uname = utsname()
        Foundation.uname(&uname)
        let kernel = withUnsafeBytes(of: &uname.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return [
            "apiVersion": "v1", "kind": "Node",
            "metadata": [
                "name": .string(configuration.nodeName),
                "labels": [
                    "kubernetes.io/hostname": .string(configuration.nodeName), "kubernetes.io/os": "linux",
                    "kubernetes.io/arch": "amd64",
                ],
                "annotations": [
                    "skiff.dev/agent-socket": .string(configuration.socketPath),
                    "skiff.dev/node-netns": .string(configuration.nodeNetns),
                ],
            ],
            "spec": ["podCIDR": .string(podCIDR), "podCIDRs": [.string(podCIDR)]],
            "status": [
                "capacity": capacity, "allocatable": capacity,
                "addresses": [
                    ["type": "InternalIP", "address": .string(internalIP)],
                    ["type": "Hostname", "address": .string(configuration.nodeName)],
                ],
                "conditions": [
                    condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "agent has sufficient memory"),
                    condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "agent has no disk pressure"),
                    condition("PIDPressure", "False", "KubeletHasSufficientPID", "agent has sufficient PID available"),
                    condition("Ready", "True", "KubeletReady", "skiffd agent is posting ready status"),
                ],
                "nodeInfo": [
                    "kernelVersion": .string(kernel), "osImage": .string(Self.osImage()),
                    "operatingSystem": "linux", "architecture": "amd64",
                    "containerRuntimeVersion": .string("skiff://\(Self.agentVersion) (cgroups: \(cgroupMode))"),
                    "kubeletVersion": .string(Self.agentVersion), "kubeProxyVersion": .string(Self.agentVersion),
                    "machineID": "", "systemUUID": "", "bootID": "",
                ],
                "daemonEndpoints": ["kubeletEndpoint": ["Port": 0]],
            ],
        ]
    }

    static func osImage() -> String {
        let text = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            return line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return "Linux"
    }

    /// Back after the master marked this node Ready=Unknown (it had not heard from it): post
    /// the node's conditions again, as kubelet does when its status differs from what it last
    /// posted.
    func reportReadyAgain() async {
        guard let node = try? await client.get(Resources.nodes, namespace: nil, name: configuration.nodeName) else {
            return
        }
        let ready = (node[path: ["status", "conditions"]]?.array ?? []).first { $0["type"]?.string == "Ready" }
        guard ready?["status"]?.string != "True" else { return }
        logger.notice("node was marked not ready; reporting Ready again")
        _ = try? await client.patch(
            Resources.nodes, namespace: nil, name: configuration.nodeName,
            patch: ["status": ["conditions": nodeObject()[path: ["status", "conditions"]] ?? []]], subresource: "status"
        )
    }

    /// Renews the node's Lease every 10 s until cancelled; creates it when missing.
    func renewLease() async {
        let info = Resources.leases
        while !Task.isCancelled {
            let now = Timestamp.rfc3339(Timestamp.now(), fractionDigits: 6)
            let lease: JSON = [
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": ["name": .string(configuration.nodeName), "namespace": "kube-node-lease"],
                "spec": [
                    "holderIdentity": .string(configuration.nodeName),
                    "leaseDurationSeconds": .int(Int64(configuration.leaseDuration)), "renewTime": .string(now),
                ],
            ]
            do {
                _ = try await client.patch(
                    info, namespace: "kube-node-lease", name: configuration.nodeName,
                    patch: ["spec": lease["spec"] ?? [:]])
            } catch  where error.code == .notFound {
                _ = try? await client.create(info, namespace: "kube-node-lease", object: lease)
            } catch {
                logger.warning("cannot renew lease", metadata: ["error": "\(error)"])
            }
            await reportReadyAgain()
            try? await Task.sleep(for: .seconds(10))
        }
    }
}
