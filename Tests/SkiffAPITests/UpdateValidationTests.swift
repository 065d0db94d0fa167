import SkiffAPI
import Testing

@Suite("Validation: updates and immutable fields")
struct UpdateValidationTests {
    static func defaulted(_ kind: String, _ object: JSON) -> JSON {
        var copy = object
        Defaulting.apply(kind: kind, to: &copy)
        return copy
    }

    @Test("unchanged objects of every kind pass validateUpdate")
    func unchanged() {
        for (kind, object) in Fixtures.all {
            let current = Self.defaulted(kind, object)
            #expect(Validation.validateUpdate(kind: kind, old: current, new: current) == [], "\(kind)")
        }
    }

    @Test("a pod may change images, shorten its deadline and add tolerations")
    func podAllowed() {
        let old = Self.defaulted("Pod", Fixtures.pod.with(["spec", "activeDeadlineSeconds"], 600))
        let image = old.editingFirst(["spec", "containers"]) { $0["image"] = "nginx:1.26" }
        #expect(Validation.validateUpdate(kind: "Pod", old: old, new: image) == [])
        #expect(
            Validation.validateUpdate(kind: "Pod", old: old, new: old.with(["spec", "activeDeadlineSeconds"], 300))
                == [])
        var tolerations = old[path: ["spec", "tolerations"]]?.array ?? []
        tolerations.append(["key": "spot", "operator": "Exists", "effect": "NoSchedule"])
        #expect(
            Validation.validateUpdate(
                kind: "Pod", old: old, new: old.with(["spec", "tolerations"], .array(tolerations))) == [])
        let labels = old.with(["metadata", "labels", "version"], "2")
        #expect(Validation.validateUpdate(kind: "Pod", old: old, new: labels) == [])
    }

    @Test("other pod spec changes are forbidden with Kubernetes' message")
    func podForbidden() {
        let old = Self.defaulted("Pod", Fixtures.pod.with(["spec", "activeDeadlineSeconds"], 600))
        let ports = old.editingFirst(["spec", "containers"]) {
            $0["ports"] = [["containerPort": 81, "protocol": "TCP"]]
        }
        let causes = Validation.validateUpdate(kind: "Pod", old: old, new: ports)
        #expect(causes.count == 1)
        #expect(causes.first?.field == "spec")
        #expect(causes.first?.reason == "FieldValueForbidden")
        #expect(
            causes.first?.message.hasPrefix(
                "Forbidden: pod updates may not change fields other than `spec.containers[*].image`") == true)
        #expect(causes.first?.message.contains("spec.containers[0].ports[0]") == true)

        #expect(
            Validation.validateUpdate(kind: "Pod", old: old, new: old.with(["spec", "activeDeadlineSeconds"], 900))
                == [.invalid("spec.activeDeadlineSeconds", 900, "must be less than or equal to previous value")])
        #expect(
            Validation.validateUpdate(kind: "Pod", old: old, new: old.with(["spec", "activeDeadlineSeconds"], nil))
                == [
                    .invalid(
                        "spec.activeDeadlineSeconds", .null, "must not update from a positive integer to nil value")
                ])
        #expect(
            Validation.validateUpdate(kind: "Pod", old: old, new: old.with(["spec", "tolerations"], []))
                == [
                    .forbidden(
                        "spec.tolerations", "existing toleration can not be modified except its tolerationSeconds")
                ])
        #expect(
            Validation.validateUpdate(kind: "Pod", old: old, new: old.with(["spec", "nodeName"], "node-2")).map(\.field)
                == ["spec"])
        #expect(
            Validation.validateUpdate(kind: "Pod", old: old, new: old.with(["metadata", "name"], "web-1")) == [
                .invalid("metadata.name", "web-1", "field is immutable")
            ])
    }

    @Test("workload selectors are immutable, replicas are not")
    func selectors() {
        let old = Self.defaulted("Deployment", Fixtures.deployment)
        #expect(Validation.validateUpdate(kind: "Deployment", old: old, new: old.with(["spec", "replicas"], 10)) == [])
        let moved = old.with(["spec", "selector", "matchLabels", "track"], "stable").with(
            ["spec", "template", "metadata", "labels", "track"], "stable")
        let causes = Validation.validateUpdate(kind: "Deployment", old: old, new: moved)
        #expect(causes.map(\.field) == ["spec.selector"])
        #expect(causes.first?.message.hasSuffix("field is immutable") == true)
        // An empty list equals an absent one, as Kubernetes' semantic equality has it.
        let plain = old.with(["spec", "selector"], ["matchLabels": ["app": "web"]])
        #expect(
            Validation.validateUpdate(
                kind: "Deployment", old: plain, new: plain.with(["spec", "selector", "matchExpressions"], [])) == [])

        let ds = Self.defaulted("DaemonSet", Fixtures.daemonSet)
        #expect(
            Validation.validateUpdate(
                kind: "DaemonSet", old: ds, new: ds.with(["spec", "selector", "matchLabels"], ["app": "x"])
            ).map(\.field).contains("spec.selector"))
    }

    @Test("StatefulSet spec is fixed except replicas, template and strategy")
    func statefulSet() {
        let old = Self.defaulted("StatefulSet", Fixtures.statefulSet)
        #expect(Validation.validateUpdate(kind: "StatefulSet", old: old, new: old.with(["spec", "replicas"], 5)) == [])
        let renamed = old.with(["spec", "serviceName"], "db-headless")
        #expect(Validation.validateUpdate(kind: "StatefulSet", old: old, new: renamed).map(\.field) == ["spec"])
    }

    @Test("Job template and selector are immutable unless suspended and never started")
    func jobs() {
        // As the server leaves a Job after create: a generated selector matching the template.
        let old = Self.defaulted("Job", Fixtures.job)
            .with(["spec", "selector"], ["matchLabels": ["batch.kubernetes.io/controller-uid": "u1"]])
            .with(["spec", "template", "metadata"], ["labels": ["batch.kubernetes.io/controller-uid": "u1"]])
        let image = old.editingFirst(["spec", "template", "spec", "containers"]) { $0["image"] = "perl:5.36" }
        #expect(Validation.validateUpdate(kind: "Job", old: old, new: image).map(\.field) == ["spec.template"])
        #expect(
            Validation.validateUpdate(kind: "Job", old: old, new: old.with(["spec", "completions"], 3)).map(\.field)
                == ["spec.completions"])
        #expect(Validation.validateUpdate(kind: "Job", old: old, new: old.with(["spec", "backoffLimit"], 1)) == [])
        let nodeSelector = old.with(["spec", "template", "spec", "nodeSelector"], ["zone": "a"])
        #expect(Validation.validateUpdate(kind: "Job", old: old, new: nodeSelector).map(\.field) == ["spec.template"])
        let suspended = old.with(["spec", "suspend"], true)
        #expect(
            Validation.validateUpdate(kind: "Job", old: suspended, new: nodeSelector.with(["spec", "suspend"], true))
                == [])
    }

    @Test("Service cluster IP is immutable once set; omitting it is fine")
    func services() {
        let old = Self.defaulted("Service", Fixtures.service).with(["spec", "clusterIP"], "10.96.0.10")
        #expect(
            Validation.validateUpdate(kind: "Service", old: old, new: old.with(["spec", "clusterIP"], "10.96.0.11"))
                == [.invalid("spec.clusterIP", "10.96.0.11", "field is immutable")])
        #expect(Validation.validateUpdate(kind: "Service", old: old, new: old.with(["spec", "clusterIP"], nil)) == [])
        #expect(
            Validation.validateUpdate(kind: "Service", old: old, new: old.with(["spec", "selector"], ["app": "v2"]))
                == [])
    }

    @Test("immutable ConfigMaps and Secrets refuse data changes")
    func immutableData() {
        let config = Fixtures.configMap.with(["immutable"], true)
        #expect(
            Validation.validateUpdate(kind: "ConfigMap", old: config, new: config.with(["data", "LOG_LEVEL"], "debug"))
                == [.forbidden("data", "field is immutable when `immutable` is set")])
        #expect(
            Validation.validateUpdate(kind: "ConfigMap", old: config, new: config.with(["immutable"], false)) == [
                .forbidden("immutable", "field is immutable when `immutable` is set")
            ])
        #expect(
            Validation.validateUpdate(
                kind: "ConfigMap", old: config, new: config.with(["metadata", "labels"], ["a": "b"])) == [])
        #expect(
            Validation.validateUpdate(
                kind: "ConfigMap", old: Fixtures.configMap,
                new: Fixtures.configMap.with(["data", "LOG_LEVEL"], "debug")) == [])

        let secret = Self.defaulted("Secret", Fixtures.secret).with(["immutable"], true)
        #expect(
            Validation.validateUpdate(
                kind: "Secret", old: secret, new: secret.with(["stringData", "username"], "root")) == [
                    .forbidden("data", "field is immutable when `immutable` is set")
                ])
        #expect(
            Validation.validateUpdate(
                kind: "Secret", old: secret, new: secret.with(["type"], "kubernetes.io/basic-auth")) == [
                    .invalid("type", "kubernetes.io/basic-auth", "field is immutable")
                ])
    }

    @Test("claims keep their spec; bound claims may grow")
    func claims() {
        let claim = Self.defaulted(
            "PersistentVolumeClaim", Fixtures.others.first { $0.0 == "PersistentVolumeClaim" }?.1 ?? .null)
        #expect(
            Validation.validateUpdate(
                kind: "PersistentVolumeClaim", old: claim, new: claim.with(["spec", "storageClassName"], "fast")
            ).map(\.field) == ["spec"])
        #expect(
            Validation.validateUpdate(
                kind: "PersistentVolumeClaim", old: claim, new: claim.with(["spec", "volumeName"], "pv-1")) == [])
        let bound = claim.with(["status", "phase"], "Bound")
        #expect(
            Validation.validateUpdate(
                kind: "PersistentVolumeClaim", old: bound,
                new: bound.with(["spec", "resources", "requests", "storage"], "20Gi")) == [])
        #expect(
            Validation.validateUpdate(
                kind: "PersistentVolumeClaim", old: bound,
                new: bound.with(["spec", "resources", "requests", "storage"], "5Gi"))
                == [.forbidden("spec.resources.requests.storage", "field can not be less than previous value")])
    }
}
