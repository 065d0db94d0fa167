import Foundation
import Testing

@testable import SkiffAPI

/// Hand-built bodies for what kubectl's generators never send: inline structs, timestamps,
/// packed lists, unknown fields and the error paths.
@Suite("KubernetesProtobuf.decode")
struct ProtobufDecoderTests {
    @Test("a pod with inline volume sources, probe handlers, quantities and IntOrString strings")
    func podShapes() throws {
        let body = ProtoWriter.body("v1", "Pod") { pod in
            pod.message(1) { $0.string(1, "p") }
            pod.message(2) { spec in
                spec.message(1) { volume in  // Volume{name, volumeSource (inline)}
                    volume.string(1, "scratch")
                    volume.message(2) { $0.message(2) { $0.string(1, "") } }  // emptyDir{medium: ""}
                }
                spec.message(1) { volume in
                    volume.string(1, "config")
                    volume.message(2) { $0.message(19) { $0.message(1) { $0.string(1, "cm") } } }
                }
                spec.message(2) { c in
                    c.string(1, "app")
                    c.message(8) {
                        $0.message(1) {
                            $0.string(1, "cpu"); $0.message(2) { $0.string(1, "500m") }
                        }
                    }
                    c.message(10) { probe in  // Probe{handler (inline) {httpGet{path, port}}, periodSeconds}
                        probe.message(1) { handler in
                            handler.message(2) { get in  // httpGet{path, port: IntOrString{type 1, strVal}}
                                get.string(1, "/healthz")
                                get.message(2) {
                                    $0.int(1, 1); $0.string(3, "http")
                                }
                            }
                        }
                        probe.int(4, 5)
                    }
                }
                spec.message(14) { sc in  // supplementalGroups, once packed and once per key
                    sc.bytes(4, [1, 2])
                    sc.int(4, 3)
                }
            }
        }
        let pod = try KubernetesProtobuf.decode(body)
        let volumes = try #require(pod[path: ["spec", "volumes"]]?.array)
        #expect(volumes == [["name": "scratch", "emptyDir": [:]], ["name": "config", "configMap": ["name": "cm"]]])
        let container = try #require(pod[path: ["spec", "containers"]]?.array?.first)
        #expect(container[path: ["resources", "limits"]] == ["cpu": "500m"])
        #expect(container["livenessProbe"] == ["httpGet": ["path": "/healthz", "port": "http"], "periodSeconds": 5])
        #expect(pod[path: ["spec", "securityContext", "supplementalGroups"]] == [1, 2, 3])
    }

    @Test("timestamps: Time in whole seconds, MicroTime with microseconds, zero Time dropped")
    func timestamps() throws {
        let event = try KubernetesProtobuf.decode(
            ProtoWriter.body("v1", "Event") { e in
                e.message(1) { m in
                    m.string(1, "e")
                    m.message(8) {
                        $0.int(1, 0); $0.int(2, 0)
                    }  // creationTimestamp: Go's zero time
                }
                e.message(6) {
                    $0.int(1, 1_714_557_600); $0.int(2, 999_000_000)
                }
                e.message(10) {
                    $0.int(1, 1_709_251_199); $0.int(2, 123_456_789)
                }
                e.int(8, -1)  // count: a negative int32 is sign-extended to ten bytes
            })
        #expect(event["firstTimestamp"] == "2024-05-01T10:00:00Z")
        #expect(event["eventTime"] == "2024-02-29T23:59:59.123456Z")
        #expect(event["metadata"] == ["name": "e"])
        #expect(event["count"] == -1)
    }

    @Test("DeleteOptions decode under any group version; zeros, false and lists are kept")
    func deleteOptions() throws {
        for apiVersion in ["meta.k8s.io/v1", "v1", "apps/v1"] {
            let options = try KubernetesProtobuf.decode(
                ProtoWriter.body(apiVersion, "DeleteOptions") {
                    $0.int(1, 0)
                    $0.int(3, 0)
                    $0.string(4, "Foreground")
                    $0.string(5, "All")
                })
            #expect(
                options == [
                    "apiVersion": .string(apiVersion), "kind": "DeleteOptions", "gracePeriodSeconds": 0,
                    "orphanDependents": false, "propagationPolicy": "Foreground", "dryRun": ["All"],
                ])
        }
    }

    @Test("zero scalars: omitempty non-pointer fields dropped, pointer and non-omitempty ones kept")
    func zeroScalars() throws {
        let body = ProtoWriter.body("apps/v1", "Deployment") { d in
            d.message(1) {
                $0.string(1, "d"); $0.int(7, 0); $0.string(3, "")
            }  // generation 0, namespace ""
            d.message(2) { spec in
                spec.int(1, 0)  // replicas *int32: 0 was set on purpose
                spec.int(5, 0)  // minReadySeconds int32 omitempty
                spec.int(7, 0)  // paused bool omitempty
                spec.int(9, 0)  // progressDeadlineSeconds *int32
                spec.message(3) { template in
                    template.message(2) { pod in
                        pod.int(11, 0)  // hostNetwork bool omitempty
                        pod.message(2) { c in
                            c.string(1, "")  // name string without omitempty: JSON writes "" too
                            c.string(2, "")  // image string omitempty
                            c.message(6) {
                                $0.int(2, 0); $0.int(3, 0)
                            }  // hostPort omitempty, containerPort not
                        }
                    }
                }
            }
        }
        let d = try KubernetesProtobuf.decode(body)
        #expect(d["metadata"] == ["name": "d"])
        #expect(
            d["spec"] == [
                "replicas": 0, "progressDeadlineSeconds": 0,
                "template": ["spec": ["containers": [["name": "", "ports": [["containerPort": 0]]]]]],
            ])
        let pvc = try KubernetesProtobuf.decode(
            ProtoWriter.body("v1", "PersistentVolumeClaim") { pvc in
                pvc.message(2) { $0.string(5, "") }  // storageClassName *string: "" means "no class"
            })
        #expect(pvc["spec"] == ["storageClassName": ""])
    }

    @Test("map values and list elements keep empty strings; later fields override earlier ones")
    func emptiesInsideCollections() throws {
        let cm = try KubernetesProtobuf.decode(
            ProtoWriter.body("v1", "ConfigMap") { cm in
                cm.message(1) {
                    $0.string(1, "old"); $0.string(1, "c"); $0.string(14, "")
                }
                cm.entry(2, "empty", "")
                cm.message(2) { $0.string(1, "novalue") }
            })
        #expect(cm["data"] == ["empty": "", "novalue": ""])
        #expect(cm["metadata"] == ["name": "c", "finalizers": [""]])
    }

    @Test("unknown field numbers of every wire type are skipped")
    func unknownFields() throws {
        let ns = try KubernetesProtobuf.decode(
            ProtoWriter.body("v1", "Namespace") { ns in
                ns.int(900, 7)
                ns.fixed(901, 1, width: 8)
                ns.fixed(902, 1, width: 4)
                ns.string(903, "future")
                ns.message(1) {
                    $0.string(1, "x"); $0.int(999, 1)
                }
            })
        #expect(ns == ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "x"]])
    }

    @Test("an envelope may carry JSON instead of protobuf")
    func jsonInsideEnvelope() throws {
        var envelope = ProtoWriter()
        envelope.message(1) {
            $0.string(1, "v1"); $0.string(2, "ConfigMap")
        }
        envelope.string(2, #"{"metadata":{"name":"j"}}"#)
        envelope.string(4, "application/json")
        let cm = try KubernetesProtobuf.decode(KubernetesProtobuf.magic + envelope.bytes)
        #expect(cm == ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "j"]])
    }

    @Test(
        "errors name what was wrong",
        arguments: [
            (Array("{\"kind\":\"Pod\"}".utf8), SkiffError.Code.unsupportedMediaType, "magic"),
            ([], .unsupportedMediaType, "magic"),
            (ProtoWriter.body("v1", "Widget") { _ in }, .unsupportedMediaType, "v1 Widget"),
            (ProtoWriter.body("policy/v1", "PodDisruptionBudget") { _ in }, .unsupportedMediaType, "policy/v1"),
            (ProtoWriter.body("", "") { _ in }, .badRequest, "apiVersion and kind"),
            (ProtoWriter.body("v1", "Pod", contentType: "application/yaml") { _ in }, .unsupportedMediaType, "yaml"),
            (ProtoWriter.body("v1", "Pod") { $0.int(1, 5) }, .badRequest, "k8s.io.api.core.v1.Pod.metadata"),
            (ProtoWriter.body("v1", "Pod") { $0.key(50, 3) }, .badRequest, "group"),
            (KubernetesProtobuf.magic + [0x0A, 0x04, 0x0A, 0x02, 0x76, 0x31], .badRequest, "kind"),
            (
                KubernetesProtobuf.magic + [0x0A, 0x07, 0x0A, 0x02, 0x76, 0x31, 0x12, 0x01, 0x50], .badRequest,
                "no raw object"
            ),
            (ProtoWriter.body("v1", "Namespace") { $0.bytes = [0x0A, 0x05, 0x0A] }, .badRequest, "exceeds"),
            (ProtoWriter.body("v1", "Namespace") { $0.bytes = [0xF8, 0x07, 0xFF] }, .badRequest, "truncated varint"),
            (ProtoWriter.body("v1", "Namespace") { $0.bytes = [0x00] }, .badRequest, "field number 0"),
            (
                KubernetesProtobuf.magic + [0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02],
                .badRequest,
                "varint too long"
            ),
        ])
    func errors(body: [UInt8], code: SkiffError.Code, mentions: String) {
        #expect {
            _ = try KubernetesProtobuf.decode(body)
        } throws: { error in
            guard let error = error as? SkiffError else { return false }
            return error.code == code && error.message.contains(mentions)
        }
    }

    @Test("truncating a real body anywhere inside the object is a 400, never a crash")
    func truncation() throws {
        let body = try KubectlBodiesTests.body("deployment")
        // The envelope ends with two empty strings (contentEncoding, contentType); cutting those
        // off leaves a valid body, so only cuts before them must fail.
        for length in 0..<(body.count - 4) {
            #expect(throws: SkiffError.self, "cut at \(length)") {
                _ = try KubernetesProtobuf.decode(Array(body[..<length]))
            }
        }
    }

    @Test("random bytes and mutated real bodies decode or throw SkiffError, never crash")
    func fuzz() throws {
        var rng = SplitMix64(seed: 0x5EED)
        let seeds = try KubectlBodies.all.keys.sorted().map(KubectlBodiesTests.body)
        var decoded = 0
        for round in 0..<3000 {
            var body: [UInt8]
            if round % 3 == 0 {
                let count = Int.random(in: 0...200, using: &rng)
                body = KubernetesProtobuf.magic + (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                body = seeds[round % seeds.count]
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    body[Int.random(in: 4..<body.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            do {
                _ = try KubernetesProtobuf.decode(body)
                decoded += 1
            } catch {
                #expect([.badRequest, .unsupportedMediaType].contains(error.code), "\(error)")
            }
        }
        #expect(decoded > 0, "some mutations only touch string contents and still decode")
    }
}

/// A seeded generator so a fuzz failure reproduces.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
