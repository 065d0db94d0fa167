import SkiffAPI
import Testing

@Suite("Validation: pods and core kinds")
struct ValidationTests {
    @Test("realistic objects of every kind validate cleanly, before and after defaulting")
    func validObjects() {
        for (kind, object) in Fixtures.all {
            #expect(Validation.validate(kind: kind, object: object) == [], "\(kind)")
            var defaulted = object
            Defaulting.apply(kind: kind, to: &defaulted)
            #expect(Validation.validate(kind: kind, object: defaulted) == [], "\(kind) defaulted")
        }
    }

    @Test("a missing image gives Kubernetes' 422 message")
    func missingImage() {
        let pod = Fixtures.pod.with(["metadata", "name"], "bad").editingFirst(["spec", "containers"]) {
            $0["image"] = nil
        }
        let causes = Validation.validate(kind: "Pod", object: pod)
        #expect(causes == [.required("spec.containers[0].image")])
        let error = SkiffError.invalid(kind: "Pod", name: "bad", causes: causes)
        #expect(error.message == "Pod \"bad\" is invalid: spec.containers[0].image: Required value")
        #expect(error.code.httpStatus == 422)
    }

    @Test("containers are required and non-empty")
    func containersRequired() {
        for value: JSON? in [nil, [], .null] {
            let causes = Validation.validate(kind: "Pod", object: Fixtures.pod.with(["spec", "containers"], value))
            #expect(causes.contains(.required("spec.containers")))
        }
        let wrongType = Validation.validate(kind: "Pod", object: Fixtures.pod.with(["spec", "containers"], "nginx"))
        #expect(wrongType.map(\.reason).contains("FieldValueTypeInvalid"))
        #expect(wrongType.first?.field == "spec.containers")
    }

    @Test("container names: required, DNS label, unique across init and app containers")
    func containerNames() {
        let unnamed = Fixtures.pod.editingFirst(["spec", "containers"]) { $0["name"] = nil }
        #expect(
            causes(Validation.validate(kind: "Pod", object: unnamed), at: "spec.containers[0].name") == [
                .required("spec.containers[0].name")
            ])

        let badName = Fixtures.pod.editingFirst(["spec", "containers"]) { $0["name"] = "Web_1" }
        let bad = causes(Validation.validate(kind: "Pod", object: badName), at: "spec.containers[0].name")
        #expect(bad.count == 1)
        #expect(bad.first?.message.hasPrefix("Invalid value: \"Web_1\": a lowercase RFC 1123 label") == true)

        let duplicate = Fixtures.pod.with(["spec", "initContainers"], [["name": "nginx", "image": "busybox"]])
        #expect(
            causes(Validation.validate(kind: "Pod", object: duplicate), at: "spec.containers[0].name")
                == [.duplicate("spec.containers[0].name", "nginx")])
    }

    @Test("container ports: number range, required, protocol")
    func ports() {
        func check(_ port: JSON) -> [SkiffError.Cause] {
            Validation.validate(
                kind: "Pod", object: Fixtures.pod.editingFirst(["spec", "containers"]) { $0["ports"] = [port] })
        }
        #expect(
            check(["containerPort": 70000]) == [
                .invalid("spec.containers[0].ports[0].containerPort", 70000, "must be between 1 and 65535, inclusive")
            ])
        #expect(check(["containerPort": 0]) == [.required("spec.containers[0].ports[0].containerPort")])
        #expect(
            check(["containerPort": 80, "protocol": "HTTP"]) == [
                .notSupported("spec.containers[0].ports[0].protocol", "HTTP", ["SCTP", "TCP", "UDP"])
            ])
        #expect(check(["containerPort": 80, "protocol": "UDP", "hostPort": 8080]) == [])
        let badName = check(["containerPort": 80, "name": "HTTP"])
        #expect(badName.count == 2)
        #expect(badName.allSatisfy { $0.field == "spec.containers[0].ports[0].name" })
        #expect(check(["containerPort": "80"]).map(\.reason) == ["FieldValueTypeInvalid", "FieldValueRequired"])
    }

    @Test("resources: quantities parse and requests stay within limits")
    func resources() {
        func check(_ resources: JSON) -> [SkiffError.Cause] {
            Validation.validate(
                kind: "Pod", object: Fixtures.pod.editingFirst(["spec", "containers"]) { $0["resources"] = resources })
        }
        #expect(
            check(["limits": ["cpu": "one"]]) == [
                .invalid("spec.containers[0].resources.limits[cpu]", "one", Quantity.formatMessage)
            ])
        #expect(
            check(["requests": ["cpu": "2"], "limits": ["cpu": "1"]])
                == [
                    .invalid(
                        "spec.containers[0].resources.requests", "2", "must be less than or equal to cpu limit of 1")
                ])
        #expect(
            check(["requests": ["memory": "-1Mi"]]) == [
                .invalid("spec.containers[0].resources.requests[memory]", "-1Mi", "must be greater than or equal to 0")
            ])
        #expect(
            check(["limits": ["gpu": "1"]]) == [
                .invalid(
                    "spec.containers[0].resources.limits[gpu]", "gpu", "must be a standard resource for containers")
            ])
        #expect(
            check(["requests": ["nvidia.com/gpu": 1], "limits": ["nvidia.com/gpu": 2]])
                == [
                    .invalid("spec.containers[0].resources.requests", "1", "must be equal to nvidia.com/gpu limit of 2")
                ])
        #expect(
            check([
                "requests": ["cpu": 0.5, "memory": "1Gi"],
                "limits": ["cpu": 1, "memory": "1Gi", "hugepages-2Mi": "2Mi"],
            ]) == [])
    }

    @Test("restartPolicy, dnsPolicy and imagePullPolicy values")
    func enums() {
        #expect(
            Validation.validate(kind: "Pod", object: Fixtures.pod.with(["spec", "restartPolicy"], "Sometimes"))
                == [.notSupported("spec.restartPolicy", "Sometimes", ["Always", "OnFailure", "Never"])])
        #expect(
            Validation.validate(kind: "Pod", object: Fixtures.pod.with(["spec", "restartPolicy"], "OnFailure")) == [])
        #expect(
            Validation.validate(kind: "Pod", object: Fixtures.pod.with(["spec", "dnsPolicy"], "Google")).map(\.field)
                == ["spec.dnsPolicy"])
        let pull = Fixtures.pod.editingFirst(["spec", "containers"]) { $0["imagePullPolicy"] = "Sometimes" }
        #expect(
            Validation.validate(kind: "Pod", object: pull) == [
                .notSupported("spec.containers[0].imagePullPolicy", "Sometimes", ["Always", "IfNotPresent", "Never"])
            ])
    }

    @Test("env names and valueFrom sources")
    func env() {
        func check(_ env: JSON) -> [SkiffError.Cause] {
            Validation.validate(
                kind: "Pod", object: Fixtures.pod.editingFirst(["spec", "containers"]) { $0["env"] = [env] })
        }
        #expect(check(["name": "A=B"]).map(\.field) == ["spec.containers[0].env[0].name"])
        #expect(check(["value": "x"]).first == .required("spec.containers[0].env[0].name"))
        #expect(check(["name": "X", "valueFrom": [:]]).map(\.field) == ["spec.containers[0].env[0].valueFrom"])
        #expect(
            check(["name": "X", "valueFrom": ["fieldRef": ["fieldPath": "spec.secret"]]]).map(\.reason) == [
                "FieldValueNotSupported"
            ])
        #expect(check(["name": "X", "valueFrom": ["fieldRef": ["fieldPath": "metadata.labels['app']"]]]) == [])
        #expect(
            check(["name": "X", "valueFrom": ["configMapKeyRef": ["name": "c"]]]) == [
                .required("spec.containers[0].env[0].valueFrom.configMapKeyRef.key")
            ])
    }

    @Test("volumes: unique names, exactly one source, mounts refer to a volume")
    func volumes() {
        let duplicate = Fixtures.pod.with(
            ["spec", "volumes"],
            [
                ["name": "config", "emptyDir": [:]], ["name": "config", "emptyDir": [:]],
                ["name": "cache", "emptyDir": [:]],
            ])
        #expect(Validation.validate(kind: "Pod", object: duplicate) == [.duplicate("spec.volumes[1].name", "config")])

        let twoSources = Fixtures.pod.with(
            ["spec", "volumes"],
            [["name": "config", "emptyDir": [:], "configMap": ["name": "x"]], ["name": "cache", "emptyDir": [:]]])
        let twoCauses = Validation.validate(kind: "Pod", object: twoSources)
        #expect(twoCauses.first == .forbidden("spec.volumes[0].configMap", "may not specify more than 1 volume type"))
        // The broken volume is not mountable, as in Kubernetes.
        #expect(
            twoCauses.contains {
                $0.field == "spec.containers[0].volumeMounts[0].name" && $0.reason == "FieldValueNotFound"
            })

        let noSource = Fixtures.pod.with(
            ["spec", "volumes"], [["name": "config"], ["name": "cache", "emptyDir": [:]]])
        #expect(
            Validation.validate(kind: "Pod", object: noSource).first
                == .required("spec.volumes[0]", "Required value: must specify a volume type"))

        let missing = Fixtures.pod.editingFirst(["spec", "containers"]) {
            $0["volumeMounts"] = [["name": "nope", "mountPath": "/x"]]
        }
        let missingCauses = Validation.validate(kind: "Pod", object: missing)
        #expect(missingCauses.map(\.field) == ["spec.containers[0].volumeMounts[0].name"])
        #expect(missingCauses.first?.message == "Not found: \"nope\"")

        let badSource = Fixtures.pod.with(
            ["spec", "volumes"],
            [["name": "config", "secret": ["defaultMode": 1000]], ["name": "cache", "emptyDir": [:]]])
        #expect(
            Validation.validate(kind: "Pod", object: badSource).map(\.field).prefix(2)
                == ["spec.volumes[0].secret.secretName", "spec.volumes[0].secret.defaultMode"])
    }

    @Test("tolerations and probes")
    func tolerationsAndProbes() {
        let toleration = Fixtures.pod.with(["spec", "tolerations"], [["key": "a", "operator": "Maybe"]])
        #expect(
            Validation.validate(kind: "Pod", object: toleration) == [
                .notSupported("spec.tolerations[0].operator", "Maybe", ["Equal", "Exists"])
            ])
        let seconds = Fixtures.pod.with(
            ["spec", "tolerations"],
            [["key": "a", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 5]])
        #expect(Validation.validate(kind: "Pod", object: seconds).map(\.field) == ["spec.tolerations[0].effect"])
        let probe = Fixtures.pod.editingFirst(["spec", "containers"]) { $0["livenessProbe"] = ["periodSeconds": 5] }
        #expect(
            Validation.validate(kind: "Pod", object: probe) == [
                .required("spec.containers[0].livenessProbe", "Required value: must specify a handler type")
            ])
    }

    @Test("Services: ports, names, types, cluster IPs")
    func services() {
        func check(_ edit: (inout JSON) -> Void) -> [SkiffError.Cause] {
            var service = Fixtures.service
            edit(&service)
            return Validation.validate(kind: "Service", object: service)
        }
        #expect(check { $0[path: ["spec", "ports"]] = nil } == [.required("spec.ports")])
        #expect(
            check {
                $0[path: ["spec", "ports"]] = nil; $0[path: ["spec", "clusterIP"]] = "None"
            } == [])
        #expect(check { $0["spec"] = ["type": "ExternalName", "externalName": "db.example.com."] } == [])
        #expect(check { $0["spec"] = ["type": "ExternalName"] } == [.required("spec.externalName")])
        #expect(
            check { $0[path: ["spec", "type"]] = "Internal" } == [
                .notSupported("spec.type", "Internal", ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"])
            ])
        #expect(
            check { $0[path: ["spec", "ports"]] = [["port": 0]] } == [
                .invalid("spec.ports[0].port", 0, "must be between 1 and 65535, inclusive")
            ])
        #expect(
            check { $0[path: ["spec", "ports"]] = [["name": "a", "port": 80], ["name": "a", "port": 81]] } == [
                .duplicate("spec.ports[1].name", "a")
            ])
        #expect(
            check { $0[path: ["spec", "ports"]] = [["port": 80], ["name": "b", "port": 81]] } == [
                .required("spec.ports[0].name")
            ])
        #expect(
            check { $0[path: ["spec", "ports"]] = [["port": 80, "nodePort": 30080]] } == [
                .forbidden("spec.ports[0].nodePort", "may not be used when `type` is 'ClusterIP'")
            ])
        #expect(
            check { $0[path: ["spec", "clusterIP"]] = "10.0.0.300" } == [
                .invalid(
                    "spec.clusterIPs[0]", "10.0.0.300", "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
            ])
        #expect(check { $0[path: ["metadata", "name"]] = "1web" }.map(\.field) == ["metadata.name"])
        #expect(
            check { $0[path: ["spec", "ports"]] = [["port": 80, "targetPort": "8080"]] }.map(\.field) == [
                "spec.ports[0].targetPort"
            ])
    }

    @Test("ConfigMaps and Secrets: keys, size, base64, typed secrets")
    func configData() {
        let badKey = Fixtures.configMap.with(["data", "bad key"], "x")
        #expect(Validation.validate(kind: "ConfigMap", object: badKey).map(\.field) == ["data[bad key]"])
        let huge = Fixtures.configMap.with(["data", "big"], .string(String(repeating: "x", count: 1024 * 1024 + 1)))
        #expect(
            Validation.validate(kind: "ConfigMap", object: huge) == [
                SkiffError.Cause(
                    reason: "FieldValueTooLong", message: "Too long: must have at most 1048576 bytes", field: "")
            ])
        let badBinary = Fixtures.configMap.with(["binaryData", "logo.png"], "not base64!")
        #expect(Validation.validate(kind: "ConfigMap", object: badBinary).map(\.field) == ["binaryData[logo.png]"])

        let badData = Fixtures.secret.with(["data", "password"], "s3cr3t!")
        let secretCauses = Validation.validate(kind: "Secret", object: badData)
        #expect(secretCauses.map(\.field) == ["data[password]"])
        #expect(secretCauses.first?.message.contains("s3cr3t") == false)  // secret values stay out of messages
        #expect(secretCauses.first?.message.contains("illegal base64 data at input byte 6") == true)

        let tls = Fixtures.secret.with(["type"], "kubernetes.io/tls")
        #expect(
            Validation.validate(kind: "Secret", object: tls) == [
                .required("data[tls.crt]"), .required("data[tls.key]"),
            ])
        let docker = Fixtures.secret.with(["type"], "kubernetes.io/dockerconfigjson").with(
            ["stringData", ".dockerconfigjson"], "{not json")
        #expect(Validation.validate(kind: "Secret", object: docker).map(\.field) == ["data[.dockerconfigjson]"])
    }

    @Test("Namespaces, Nodes, Endpoints, Events, Leases, quotas and limits")
    func coreKinds() {
        func check(_ kind: String, _ edit: (inout JSON) -> Void) -> [SkiffError.Cause] {
            var object = Fixtures.others.first { $0.0 == kind }?.1 ?? .null
            edit(&object)
            return Validation.validate(kind: kind, object: object)
        }
        #expect(
            check("Namespace") { $0[path: ["metadata", "name"]] = "team.a" } == [
                .invalid("metadata.name", "team.a", "must not contain dots")
            ])
        #expect(
            check("Namespace") { $0[path: ["spec", "finalizers"]] = ["custom"] }.map(\.field) == ["spec.finalizers[0]"])
        #expect(
            check("Node") { $0[path: ["spec", "taints"]] = [["key": "gpu"]] } == [.required("spec.taints[0].effect")])
        #expect(
            check("Endpoints") { $0["subsets"] = [["addresses": [["ip": "10.1.2"]]]] }.map(\.field) == [
                "subsets[0].addresses[0].ip"
            ])
        #expect(
            check("Event") { $0[path: ["involvedObject", "namespace"]] = "other" } == [
                .invalid("involvedObject.namespace", "other", "does not match event.namespace")
            ])
        #expect(
            check("Lease") { $0[path: ["spec", "leaseDurationSeconds"]] = 0 } == [
                .invalid("spec.leaseDurationSeconds", 0, "must be greater than 0")
            ])
        #expect(
            check("ResourceQuota") { $0[path: ["spec", "hard", "cpu"]] = "lots" } == [
                .invalid("spec.hard[cpu]", "lots", Quantity.formatMessage)
            ])
        #expect(
            check("LimitRange") {
                $0["spec"] = ["limits": [["type": "Container", "min": ["cpu": "2"], "max": ["cpu": "1"]]]]
            }
                == [.invalid("spec.limits[0].min[cpu]", "2", "min value 2 is greater than max value 1")])
        #expect(
            check("LimitRange") { $0["spec"] = ["limits": [["type": "Node"]]] }.map(\.field) == ["spec.limits[0].type"])
        #expect(
            check("PersistentVolumeClaim") { $0["spec"] = [:] } == [
                .required("spec.accessModes", "Required value: at least 1 access mode is required"),
                .required("spec.resources[storage]"),
            ])
        #expect(
            check("PersistentVolumeClaim") { $0[path: ["spec", "accessModes"]] = ["ReadWriteSometimes"] }.map(\.reason)
                == ["FieldValueNotSupported"])
        #expect(
            check("PersistentVolume") { $0[path: ["spec", "hostPath"]] = nil } == [
                .required("spec", "Required value: must specify a volume type")
            ])
        #expect(
            check("Node") { $0[path: ["metadata", "namespace"]] = "default" } == [
                .forbidden("metadata.namespace", "not allowed on this type")
            ])
    }

    @Test("hostile shapes never crash and are reported")
    func hostileInput() {
        let shapes: [JSON] = [
            .null, "text", 5, [1, 2],
            ["metadata": "x", "spec": [1, 2], "data": 5, "subsets": "x"],
            [
                "metadata": [
                    "name": ["a"], "labels": [1], "annotations": 5, "finalizers": "x", "ownerReferences": [5],
                ],
                "spec": [
                    "containers": [
                        1, "a", .null, [:],
                        [
                            "name": 5, "image": [], "ports": "x", "env": [["valueFrom": 3]],
                            "resources": ["limits": ["cpu": ["x": 1]]],
                        ],
                    ],
                    "volumes": [["name": "v", "secret": "x"]], "template": 5, "selector": "x", "ports": [["port": "x"]],
                    "replicas": "3",
                    "schedule": 5, "jobTemplate": ["spec": ["template": ["spec": ["containers": "x"]]]],
                    "strategy": ["rollingUpdate": ["maxSurge": true]],
                    "updateStrategy": "x", "taints": [5], "limits": [["max": "x"]], "hard": ["cpu": .null],
                    "capacity": "x", "accessModes": "x",
                ],
            ],
        ]
        for kind in Validation.kinds.sorted() {
            for shape in shapes {
                #expect(!Validation.validate(kind: kind, object: shape).isEmpty, "\(kind) \(shape.serializedString())")
                var defaulted = shape
                Defaulting.apply(kind: kind, to: &defaulted)
                _ = Validation.validateUpdate(kind: kind, old: shape, new: defaulted)
            }
        }
        #expect(Validation.validate(kind: "Widget", object: "anything") == [])
    }
}
