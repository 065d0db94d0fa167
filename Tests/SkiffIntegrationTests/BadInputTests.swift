import Foundation
import SkiffAPI
import SkiffClient
import Testing

/// Every class of bad input gets the Kubernetes status code and a message that names the
/// problem — and nothing is written.
@Suite("bad input")
struct BadInputTests {
    /// Sends raw bytes, returning the status and the decoded Status body.
    func raw(
        _ client: APIClient, _ method: String, _ path: String, body: [UInt8], type: String = "application/json"
    ) async throws -> (Int, JSON) {
        let request = client.makeRawRequest(method, path, body: body, contentType: type)
        let (status, bytes) = try await client.executeRaw(request)
        return (status, (try? JSON.parse(bytes)) ?? .null)
    }

    @Test("malformed JSON is a 400 that names line and column")
    func malformedJSON() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let (status, body) = try await raw(
                client, "POST", "/api/v1/namespaces/default/pods", body: Array("{\"metadata\": {\n  \"name\": x}}".utf8)
            )
            #expect(status == 400)
            #expect(body["reason"] == "BadRequest")
            #expect(body["message"]?.string?.contains("line 2, column") == true)
        }
    }

    @Test("a body over 3 MiB is 413")
    func tooLarge() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let big = "{\"data\":{\"k\":\"" + String(repeating: "x", count: 3 * 1024 * 1024 + 10) + "\"}}"
            let (status, body) = try await raw(
                client, "POST", "/api/v1/namespaces/default/configmaps", body: Array(big.utf8))
            #expect(status == 413)
            #expect(body["reason"] == "RequestEntityTooLarge")
        }
    }

    @Test("an unknown resource or path is a 404 Status")
    func unknownResource() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            for path in ["/api/v1/namespaces/default/widgets", "/apis/nosuch/v1/things", "/nothing"] {
                let (status, body) = try await raw(client, "GET", path, body: [])
                #expect(status == 404, "\(path)")
                #expect(body["kind"] == "Status")
                #expect(body["message"] == "the server could not find the requested resource")
            }
        }
    }

    @Test("an invalid pod is 422 Invalid with one cause per field, and is not stored")
    func invalidPod() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let pods = Resources.named("pods")
            let bad: JSON = [
                "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "Bad_Name"],
                "spec": ["containers": [["name": "c"]], "restartPolicy": "Sometimes"],
            ]
            do {
                _ = try await client.create(pods, namespace: "default", object: bad)
                Issue.record("invalid pod accepted")
            } catch let error as SkiffError {
                #expect(error.code == .invalid)
                let fields = Set(error.causes.map(\.field))
                #expect(fields.contains("metadata.name"))
                #expect(fields.contains("spec.containers[0].image"))
                #expect(fields.contains("spec.restartPolicy"))
                #expect(error.message.hasPrefix("Pod \"Bad_Name\" is invalid"))
            }
            #expect(try await client.list(pods, namespace: "default").items.isEmpty)
        }
    }

    @Test("bad quantities, selectors and kinds each name what is wrong")
    func badValues() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let pods = Resources.named("pods")
            var pod = podManifest("q")
            pod[path: ["spec", "containers"]] = [
                ["name": "c", "image": "busybox", "resources": ["limits": ["memory": "64Moo"]]]
            ]
            do {
                _ = try await client.create(pods, namespace: "default", object: pod)
                Issue.record("bad quantity accepted")
            } catch let error as SkiffError {
                #expect(error.code == .invalid)
                #expect(
                    error.causes.contains {
                        $0.field == "spec.containers[0].resources.limits[memory]" || $0.field.contains("limits")
                    })
            }
            do {
                _ = try await client.list(pods, namespace: "default", labelSelector: "env in (a")
                Issue.record("bad selector accepted")
            } catch let error as SkiffError {
                #expect(error.code == .badRequest)
            }
            do {
                _ = try await client.list(pods, namespace: "default", fieldSelector: "spec.bogus=x")
                Issue.record("bad field selector accepted")
            } catch let error as SkiffError {
                #expect(error.code == .badRequest)
                #expect(error.message.contains("spec.bogus"))
            }
            var service = podManifest("s")
            service["kind"] = "Service"
            do {
                _ = try await client.create(pods, namespace: "default", object: service)
                Issue.record("a Service body was accepted as a pod")
            } catch let error as SkiffError {
                #expect(error.code == .badRequest)
                #expect(error.message.contains("Service"))
            }
        }
    }

    @Test("a missing namespace, a duplicate name, a name/URL mismatch and a stale patch are refused")
    func conflicts() async throws {
        try await withMaster { master in
            let client = try master.socketClient()
            let pods = Resources.named("pods")
            do {
                _ = try await client.create(pods, namespace: "nowhere", object: podManifest("p"))
                Issue.record("created in a missing namespace")
            } catch let error as SkiffError {
                #expect(error.code == .notFound)
                #expect(error.message == "namespaces \"nowhere\" not found")
            }
            _ = try await client.create(pods, namespace: "default", object: podManifest("p"))
            do {
                _ = try await client.create(pods, namespace: "default", object: podManifest("p"))
                Issue.record("duplicate accepted")
            } catch let error as SkiffError {
                #expect(error.code == .alreadyExists)
                #expect(error.message == "pods \"p\" already exists")
            }
            do {
                try await client.send("PUT", "/api/v1/namespaces/default/pods/other", body: podManifest("p"))
                Issue.record("name mismatch accepted")
            } catch let error as SkiffError {
                #expect(error.code == .badRequest)
            }
            do {
                _ = try await client.patch(
                    pods, namespace: "default", name: "p",
                    patch: ["metadata": ["resourceVersion": "1", "labels": ["a": "b"]]])
                Issue.record("stale patch accepted")
            } catch let error as SkiffError {
                #expect(error.code == .conflict)
            }
            do {
                try await client.send(
                    "PATCH", "/api/v1/namespaces/default/pods/p", body: ["x": 1], contentType: "text/plain")
                Issue.record("unknown patch type accepted")
            } catch let error as SkiffError {
                #expect(error.code == .unsupportedMediaType)
            }
        }
    }
}
