import Foundation
import Testing

@testable import SkiffAPI

/// Bodies real kubectl 1.33 `create` generators POSTed (Fixtures/KubectlBodies.swift, captured
/// by tools/capture_kubectl.py), decoded to the JSON the rest of the server validates.
@Suite("Protobuf bodies captured from kubectl 1.33")
struct KubectlBodiesTests {
    static func body(_ name: String) throws -> [UInt8] {
        let fixture = try #require(KubectlBodies.all[name], "no fixture \(name)")
        return [UInt8](try #require(Data(base64Encoded: fixture.base64)))
    }

    static func decode(_ name: String) throws -> JSON { try KubernetesProtobuf.decode(try body(name)) }

    @Test(
        "every captured body is protobuf and decodes with the kind its URL names",
        arguments: [
            ("configmap", "v1", "ConfigMap"), ("cronjob", "batch/v1", "CronJob"),
            ("deployment", "apps/v1", "Deployment"), ("job", "batch/v1", "Job"), ("namespace", "v1", "Namespace"),
            ("priorityclass", "scheduling.k8s.io/v1", "PriorityClass"),
            ("quota", "v1", "ResourceQuota"), ("secret", "v1", "Secret"), ("service", "v1", "Service"),
            ("serviceaccount", "v1", "ServiceAccount"),
        ])
    func decodesWithTypeMeta(name: String, apiVersion: String, kind: String) throws {
        #expect(KubectlBodies.all[name]?.contentType == KubernetesProtobuf.mediaType)
        let object = try Self.decode(name)
        #expect(object["apiVersion"] == .string(apiVersion))
        #expect(object["kind"] == .string(kind))
        #expect(object[path: ["metadata", "name"]]?.string?.isEmpty == false)
        // Go's zero creationTimestamp must not come out as 1970 (or at all).
        #expect(object[path: ["metadata", "creationTimestamp"]] == nil)
        // What the server stores must survive its own JSON round trip.
        #expect(try JSON.parse(object.serialized()) == object)
        Self.expectNoEmptyFields(object, path: name)
    }

    /// Go writes every non-pointer field; Kubernetes JSON omits the empty ones, and so must we.
    static func expectNoEmptyFields(_ value: JSON, path: String) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                #expect(!ProtobufMessageDecoder.isEmpty(member), "empty value at \(path).\(key)")
                expectNoEmptyFields(member, path: "\(path).\(key)")
            }
        case .array(let items):
            for (n, item) in items.enumerated() { expectNoEmptyFields(item, path: "\(path)[\(n)]") }
        default: break
        }
    }

    /// `body` with what Go's JSON encoder writes but the decoder leaves out by design removed:
    /// `null` (a zero `metav1.Time`, a nil slice) and `{}` (an empty non-pointer struct such as
    /// `status` or `resources`, which Go's JSON cannot omit). Both mean "absent" to the server.
    static func withoutNullsAndEmptyObjects(_ value: JSON) -> JSON {
        switch value {
        case .object(let members):
            var kept: [String: JSON] = [:]
            for (key, member) in members {
                let member = withoutNullsAndEmptyObjects(member)
                if member != .null, member != .emptyObject { kept[key] = member }
            }
            return .object(kept)
        case .array(let items): return .array(items.map(withoutNullsAndEmptyObjects))
        default: return value
        }
    }

    @Test(
        "each decoded body equals the JSON kubectl 1.30 sends for the same command",
        arguments: [
            "configmap", "cronjob", "deployment", "job", "namespace", "priorityclass", "quota", "secret", "service",
            "serviceaccount",
        ])
    func matchesKubectl130JSON(name: String) throws {
        let fixture = try #require(KubectlJSONBodies.all[name], "no JSON fixture \(name)")
        #expect(fixture.contentType == "application/json")
        #expect(fixture.path == KubectlBodies.all[name]?.path, "both kubectls POST to the same URL")
        let json = Self.withoutNullsAndEmptyObjects(try JSON.parse(fixture.json))
        #expect(try Self.decode(name) == json)
    }

    @Test("the captured JSON and protobuf fixtures cover the same commands")
    func fixturesPaired() {
        #expect(Set(KubectlJSONBodies.all.keys) == Set(KubectlBodies.all.keys))
        #expect(KubectlBodies.all.count == 10)
    }

    @Test("create service: Go's zero nodePort, healthCheckNodePort and publishNotReadyAddresses are omitempty")
    func serviceZeros() throws {
        let svc = try Self.decode("service")
        let spec = try #require(svc["spec"]?.object)
        #expect(spec["healthCheckNodePort"] == nil && spec["publishNotReadyAddresses"] == nil)
        #expect(svc[path: ["spec", "ports"]]?.array?.first?["nodePort"] == nil)
    }

    @Test("create deployment/cronjob: omitempty zeros of non-pointer fields are left out")
    func workloadZeros() throws {
        let d = try Self.decode("deployment")
        #expect(d[path: ["spec", "minReadySeconds"]] == nil && d[path: ["spec", "paused"]] == nil)
        #expect(d[path: ["spec", "template", "metadata", "generation"]] == nil)
        let pod = try #require(d[path: ["spec", "template", "spec"]]?.object)
        for key in ["hostIPC", "hostNetwork", "hostPID"] { #expect(pod[key] == nil, "\(key)") }
        let container = try #require(pod["containers"]?.array?.first?.object)
        for key in ["stdin", "stdinOnce", "tty"] { #expect(container[key] == nil, "\(key)") }
        #expect(container["ports"] == [["containerPort": 8080]], "no hostPort: 0")
        let cj = try Self.decode("cronjob")
        #expect(cj[path: ["spec", "jobTemplate", "metadata"]] == ["name": "cj"], "no generation: 0")
    }

    @Test("create deployment web --image=busybox --replicas=2 --port=8080")
    func deployment() throws {
        let d = try Self.decode("deployment")
        #expect(d[path: ["metadata", "name"]] == "web")
        #expect(d[path: ["metadata", "labels", "app"]] == "web")
        #expect(d[path: ["spec", "replicas"]] == 2)
        #expect(d[path: ["spec", "selector", "matchLabels"]] == ["app": "web"])
        #expect(d[path: ["spec", "template", "metadata", "labels", "app"]] == "web")
        let container = try #require(d[path: ["spec", "template", "spec", "containers"]]?.array?.first)
        #expect(container["name"] == "busybox")
        #expect(container["image"] == "busybox")
        #expect(container["ports"]?.array?.first?["containerPort"] == 8080)
        #expect(container["resources"] == nil, "an empty ResourceRequirements is dropped")
    }

    @Test("create namespace x")
    func namespace() throws {
        let ns = try Self.decode("namespace")
        #expect(ns["metadata"] == ["name": "x"], "generation: 0 is omitempty")
        #expect(ns["spec"] == nil && ns["status"] == nil)
    }

    @Test("create configmap c --from-literal=a=b")
    func configMap() throws {
        let cm = try Self.decode("configmap")
        #expect(cm[path: ["metadata", "name"]] == "c")
        #expect(cm["data"] == ["a": "b"])
        #expect(cm["binaryData"] == nil)
    }

    @Test("create secret generic s --from-literal=k=v: bytes are base64 as in Kubernetes JSON")
    func secret() throws {
        let secret = try Self.decode("secret")
        #expect(secret["data"] == ["k": .string(Data("v".utf8).base64EncodedString())])
        #expect(secret["data"] == ["k": "dg=="])
    }

    @Test("create service clusterip svc --tcp=80:8080")
    func service() throws {
        let svc = try Self.decode("service")
        #expect(svc[path: ["spec", "type"]] == "ClusterIP")
        #expect(svc[path: ["spec", "selector"]] == ["app": "svc"])
        let port = try #require(svc[path: ["spec", "ports"]]?.array?.first)
        #expect(port["port"] == 80)
        #expect(port["targetPort"] == 8080, "IntOrString with type 0 is a JSON number")
        #expect(port["protocol"] == "TCP")
        #expect(port["name"] == "80-8080")
    }

    @Test("create job j --image=busybox -- echo hi")
    func job() throws {
        let job = try Self.decode("job")
        let pod = try #require(job[path: ["spec", "template", "spec"]])
        #expect(pod["restartPolicy"] == "Never")
        #expect(pod["containers"]?.array?.first?["command"] == ["echo", "hi"])
        #expect(pod["containers"]?.array?.first?["image"] == "busybox")
    }

    @Test("create cronjob cj --image=busybox --schedule='*/1 * * * *'")
    func cronJob() throws {
        let cj = try Self.decode("cronjob")
        #expect(cj[path: ["spec", "schedule"]] == "*/1 * * * *")
        let pod = try #require(cj[path: ["spec", "jobTemplate", "spec", "template", "spec"]])
        #expect(pod["restartPolicy"] == "OnFailure")
        #expect(pod["containers"]?.array?.first?["image"] == "busybox")
    }

    @Test("create serviceaccount sa")
    func serviceAccount() throws {
        #expect(try Self.decode("serviceaccount")[path: ["metadata", "name"]] == "sa")
    }

    @Test("create quota q --hard=pods=2: Quantity map values are strings")
    func quota() throws {
        #expect(try Self.decode("quota")[path: ["spec", "hard"]] == ["pods": "2"])
    }

    @Test("create priorityclass pc --value=1000")
    func priorityClass() throws {
        let pc = try Self.decode("priorityclass")
        #expect(pc["value"] == 1000)
        #expect(pc["globalDefault"] == nil, "a non-pointer omitempty bool: false is left out")
        #expect(pc["preemptionPolicy"] == "PreemptLowerPriority")
    }
}
