import Foundation
import SkiffAPI
import SkiffClient
import Testing

@Suite("server-owned fields, subresources and collections")
struct ServerOwnedFieldsTests {
    let pods = Resources.named("pods")

    @Test("status changes only through /status; spec changes bump generation, status changes do not")
    func statusSubresource() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            // A suspended CronJob: a kind with a status subresource that no controller writes to
            // (a Deployment's status would be the controller's, racing the test).
            let cronJobs = Resources.named("cronjobs")
            _ = try await client.create(
                cronJobs, namespace: "default",
                object: [
                    "apiVersion": "batch/v1", "kind": "CronJob", "metadata": ["name": "d"],
                    "spec": [
                        "schedule": "*/5 * * * *", "suspend": true,
                        "jobTemplate": [
                            "spec": [
                                "template": [
                                    "spec": [
                                        "restartPolicy": "Never", "containers": [["name": "c", "image": "busybox"]],
                                    ]
                                ]
                            ]
                        ],
                    ],
                ])
            var object = try await client.get(cronJobs, namespace: "default", name: "d")
            #expect(object[path: ["metadata", "generation"]] == .int(1))
            object[path: ["status", "lastScheduleTime"]] = "2026-01-01T00:00:00Z"
            object[path: ["spec", "schedule"]] = "*/7 * * * *"
            let updated = try await client.update(cronJobs, namespace: "default", object: object)
            #expect(updated[path: ["status", "lastScheduleTime"]] == nil)  // ignored on the main resource
            #expect(updated[path: ["metadata", "generation"]] == .int(2))

            var status = updated
            status[path: ["status", "lastScheduleTime"]] = "2026-01-02T00:00:00Z"
            status[path: ["spec", "schedule"]] = "*/9 * * * *"  // ignored on /status
            let afterStatus = try await client.update(
                cronJobs, namespace: "default", object: status, subresource: "status")
            #expect(afterStatus[path: ["status", "lastScheduleTime"]] == "2026-01-02T00:00:00Z")
            #expect(afterStatus[path: ["spec", "schedule"]] == "*/7 * * * *")
            #expect(afterStatus[path: ["metadata", "generation"]] == .int(2))
        }
    }

    @Test("client-set uid, creationTimestamp and resourceVersion are replaced; generateName makes a unique name")
    func createOwnsFields() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            var pod = podManifest("")
            pod[path: ["metadata", "name"]] = nil
            pod[path: ["metadata", "generateName"]] = "web-"
            pod[path: ["metadata", "uid"]] = "chosen-by-client"
            pod[path: ["metadata", "creationTimestamp"]] = nil
            pod["status"] = ["phase": "Running"]
            let a = try await client.create(pods, namespace: "default", object: pod)
            let b = try await client.create(pods, namespace: "default", object: pod)
            let nameA = try #require(a[path: ["metadata", "name"]]?.string)
            #expect(nameA.hasPrefix("web-") && nameA.count == 9)
            #expect(nameA != b[path: ["metadata", "name"]]?.string)
            #expect(a[path: ["metadata", "uid"]]?.string != "chosen-by-client")
            #expect(a[path: ["status", "phase"]] == "Pending")
            #expect(RFC3339.parse(a[path: ["metadata", "creationTimestamp"]]?.string ?? "") != nil)
        }
    }

    @Test("deletecollection removes exactly the objects the selector matches")
    func deleteCollection() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            for (name, env) in [("a", "x"), ("b", "x"), ("c", "y")] {
                _ = try await client.create(pods, namespace: "default", object: podManifest(name, labels: ["env": env]))
            }
            try await client.send("DELETE", "/api/v1/namespaces/default/pods", query: [("labelSelector", "env=x")])
            let left = try await client.list(pods, namespace: "default").items.compactMap {
                $0[path: ["metadata", "name"]]?.string
            }
            #expect(left == ["c"])
        }
    }

    @Test("a Table lists the Kubernetes columns, and each row carries the object's metadata")
    func tableRows() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            _ = try await client.create(pods, namespace: "default", object: podManifest("t", labels: ["app": "t"]))
            let table = try await client.send(
                "GET", "/api/v1/pods", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
            ).json
            #expect(table["kind"] == "Table")
            let columns = (table["columnDefinitions"]?.array ?? []).compactMap { $0["name"]?.string }
            #expect(Array(columns.prefix(5)) == ["Name", "Ready", "Status", "Restarts", "Age"])
            let row = try #require(table["rows"]?.array?.first)
            #expect(row["cells"]?.array?.first == "t")
            #expect(row[path: ["object", "kind"]] == "PartialObjectMetadata")
            #expect(row[path: ["object", "metadata", "namespace"]] == "default")
            #expect(row[path: ["object", "metadata", "labels", "app"]] == "t")
        }
    }
}
