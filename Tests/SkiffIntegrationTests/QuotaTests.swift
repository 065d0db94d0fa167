import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// ResourceQuota and LimitRange in a real master: defaults filled in, bounds and quotas
/// refused with Kubernetes' words (through real kubectl too), usage reported, and the last
/// unit of a quota never taken twice by concurrent creates.
@Suite("quotas and limit ranges in the master")
struct QuotaTests {
    static func pod(_ name: String, memoryLimit: String? = nil) -> JSON {
        var pod = podManifest(name, unscheduled: true)
        if let memoryLimit {
            pod[path: ["spec", "containers"]] = [
                ["name": "main", "image": "busybox", "resources": ["limits": ["memory": .string(memoryLimit)]]]
            ]
        }
        return pod
    }

    static func refusal(_ body: () async throws -> Void) async -> SkiffError? {
        do {
            try await body()
            return nil
        } catch let error as SkiffError {
            return error
        } catch {
            return nil
        }
    }

    @Test("a LimitRange fills in defaults and refuses what is over max; a quota refuses the pod over it")
    func limitsAndQuota() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let limits: JSON = [
                "apiVersion": "v1", "kind": "LimitRange", "metadata": ["name": "defaults"],
                "spec": [
                    "limits": [
                        [
                            "type": "Container", "default": ["cpu": "200m", "memory": "128Mi"],
                            "defaultRequest": ["cpu": "100m", "memory": "64Mi"], "max": ["memory": "512Mi"],
                        ]
                    ]
                ],
            ]
            _ = try await client.create(Resources.limitRanges, namespace: "default", object: limits)
            let quota: JSON = [
                "apiVersion": "v1", "kind": "ResourceQuota", "metadata": ["name": "compute"],
                "spec": ["hard": ["pods": "2", "requests.cpu": "1", "limits.memory": "1Gi"]],
            ]
            _ = try await client.create(Resources.resourceQuotas, namespace: "default", object: quota)

            let first = try await client.create(Resources.pods, namespace: "default", object: Self.pod("one"))
            let resources = first[path: ["spec", "containers"]]?.array?.first?["resources"]
            #expect(
                resources?[path: ["limits", "cpu"]] == "200m" && resources?[path: ["limits", "memory"]] == "128Mi")
            #expect(
                resources?[path: ["requests", "cpu"]] == "100m" && resources?[path: ["requests", "memory"]] == "64Mi")

            let big = await Self.refusal {
                _ = try await client.create(
                    Resources.pods, namespace: "default", object: Self.pod("big", memoryLimit: "1Gi"))
            }
            #expect(big?.code == .forbidden)
            #expect(
                big?.message
                    == "pods \"big\" is forbidden: maximum memory usage per Container is 512Mi, but limit is 1Gi")

            _ = try await client.create(Resources.pods, namespace: "default", object: Self.pod("two"))
            let third = await Self.refusal {
                _ = try await client.create(Resources.pods, namespace: "default", object: Self.pod("three"))
            }
            #expect(
                third?.message
                    == "pods \"three\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2"
            )
            // What kubectl users see.
            let kubectl = try await runProgram(
                "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
                ["--kubeconfig", master.kubeconfigPath, "run", "four", "--image=busybox"])
            #expect(kubectl.status != 0)
            #expect(
                kubectl.output.contains(
                    "Error from server (Forbidden): pods \"four\" is forbidden: exceeded quota: compute"),
                "\(kubectl.output)")

            try await eventually("status.used counts the two pods") {
                let used = try await client.get(Resources.resourceQuotas, namespace: "default", name: "compute")[
                    path: ["status", "used"]]
                return used?["pods"] == "2" && used?["requests.cpu"] == "200m" && used?["limits.memory"] == "256Mi"
            }
            // A pod that goes frees its share.
            try await client.delete(Resources.pods, namespace: "default", name: "one")
            _ = try await client.create(Resources.pods, namespace: "default", object: Self.pod("three"))
        }
    }

    @Test("without defaults, a pod that does not state what a quota counts is refused, naming it")
    func mustSpecify() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let quota: JSON = [
                "apiVersion": "v1", "kind": "ResourceQuota", "metadata": ["name": "cpu"],
                "spec": ["hard": ["requests.cpu": "1", "limits.memory": "1Gi"]],
            ]
            _ = try await client.create(Resources.resourceQuotas, namespace: "default", object: quota)
            let bare = await Self.refusal {
                _ = try await client.create(Resources.pods, namespace: "default", object: Self.pod("bare"))
            }
            #expect(
                bare?.message
                    == "pods \"bare\" is forbidden: failed quota: cpu: must specify limits.memory for: main; requests.cpu for: main"
            )
        }
    }

    @Test("scoped quotas count only the pods they match: BestEffort, Terminating, a priority class")
    func scopes() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            func quota(_ name: String, _ hard: JSON, _ scope: [String: JSON]) -> JSON {
                var spec: [String: JSON] = ["hard": hard]
                spec.merge(scope) { $1 }
                return [
                    "apiVersion": "v1", "kind": "ResourceQuota", "metadata": ["name": .string(name)],
                    "spec": .object(spec),
                ]
            }
            for object in [
                quota("best-effort", ["pods": "1"], ["scopes": ["BestEffort"]]),
                quota("batch", ["pods": "1"], ["scopes": ["Terminating"]]),
                quota(
                    "gold", ["pods": "1"],
                    [
                        "scopeSelector": [
                            "matchExpressions": [["scopeName": "PriorityClass", "operator": "In", "values": ["gold"]]]
                        ]
                    ]),
            ] {
                _ = try await client.create(Resources.resourceQuotas, namespace: "default", object: object)
            }
            func create(_ pod: JSON) async -> String? {
                await Self.refusal { _ = try await client.create(Resources.pods, namespace: "default", object: pod) }?
                    .message
            }
            // A server-side dry run is admitted and reserves nothing: the real create still fits.
            for _ in 0..<2 {
                let dry = try await runProgram(
                    "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
                    ["--kubeconfig", master.kubeconfigPath, "run", "dry", "--image=busybox", "--dry-run=server"])
                #expect(dry.status == 0, "\(dry.output)")
            }
            #expect(await create(Self.pod("free-1")) == nil)  // best-effort: 1 of 1
            #expect(
                await create(Self.pod("free-2"))
                    == "pods \"free-2\" is forbidden: exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1"
            )
            // Not best effort, not terminating, no class: no scoped quota counts it.
            #expect(await create(Self.pod("limited-1", memoryLimit: "64Mi")) == nil)
            #expect(await create(Self.pod("limited-2", memoryLimit: "64Mi")) == nil)
            var job = Self.pod("job-1", memoryLimit: "64Mi")
            job[path: ["spec", "activeDeadlineSeconds"]] = 60
            #expect(await create(job) == nil)
            job[path: ["metadata", "name"]] = "job-2"
            #expect(await create(job)?.contains("exceeded quota: batch") == true)
            var gold = Self.pod("gold-1", memoryLimit: "64Mi")
            gold[path: ["spec", "priorityClassName"]] = "gold"
            #expect(await create(gold) == nil)
            gold[path: ["metadata", "name"]] = "gold-2"
            #expect(await create(gold)?.contains("exceeded quota: gold") == true)
            // A scope that cannot limit a resource is refused with Kubernetes' message.
            let wrong = await Self.refusal {
                _ = try await client.create(
                    Resources.resourceQuotas, namespace: "default",
                    object: quota("wrong", ["services": "1"], ["scopes": ["BestEffort", "NotBestEffort"]]))
            }
            #expect(wrong?.message.contains("spec.scopes: Invalid value") == true, "\(wrong?.message ?? "")")
            #expect(wrong?.message.contains("unsupported scope applied to resource") == true)
            #expect(wrong?.message.contains("conflicting scopes") == true)
        }
    }

    @Test("concurrent creates never take more than the quota allows")
    func concurrentCreates() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let quota: JSON = [
                "apiVersion": "v1", "kind": "ResourceQuota", "metadata": ["name": "three"],
                "spec": ["hard": ["count/configmaps": "3"]],
            ]
            _ = try await client.create(Resources.resourceQuotas, namespace: "default", object: quota)
            // Every namespace starts with kube-root-ca.crt, which counts too.
            let existing = try await client.list(Resources.configMaps, namespace: "default").items.count
            let created = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        let map: JSON = [
                            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string("m\(index)")],
                        ]
                        return (try? await client.create(Resources.configMaps, namespace: "default", object: map))
                            != nil
                    }
                }
                var count = 0
                for await ok in group where ok { count += 1 }
                return count
            }
            #expect(created == 3 - existing, "\(created) created beside \(existing)")
        }
    }
}
