import SkiffAPI
import Testing

@Suite("Defaulting")
struct DefaultingTests {
    static func defaulted(_ kind: String, _ object: JSON) -> JSON {
        var copy = object
        Defaulting.apply(kind: kind, to: &copy)
        return copy
    }

    @Test("defaulting is idempotent for every kind")
    func idempotent() {
        let undefaulted: Set = [
            "ConfigMap", "Node", "Event", "ResourceQuota", "LimitRange", "ServiceAccount", "ControllerRevision",
            "Lease",
        ]
        for (kind, object) in Fixtures.all {
            let once = Self.defaulted(kind, object)
            #expect((once != object) == !undefaulted.contains(kind), "\(kind)")
            #expect(Self.defaulted(kind, once) == once, "\(kind)")
        }
    }

    @Test("Pod spec defaults, as a real cluster shows them")
    func podDefaults() {
        let pod = Self.defaulted("Pod", Fixtures.pod)
        let spec = pod["spec"] ?? .null
        #expect(spec["restartPolicy"] == "Always")
        #expect(spec["terminationGracePeriodSeconds"] == 30)
        #expect(spec["dnsPolicy"] == "ClusterFirst")
        #expect(spec["schedulerName"] == "default-scheduler")
        #expect(spec["securityContext"] == .emptyObject)
        #expect(spec["enableServiceLinks"] == true)
        #expect(spec["serviceAccountName"] == "default")
        #expect(spec["serviceAccount"] == "default")
        #expect(spec["priority"] == 0)
        #expect(spec["preemptionPolicy"] == "PreemptLowerPriority")
        let container = spec["containers"]?.array?.first ?? .null
        #expect(container["imagePullPolicy"] == "IfNotPresent")
        #expect(container["terminationMessagePath"] == "/dev/termination-log")
        #expect(container["terminationMessagePolicy"] == "File")
        #expect(container["ports"] == [["name": "http", "containerPort": 80, "protocol": "TCP"]])
        #expect(
            container[path: ["readinessProbe", "httpGet"]] == ["path": "/healthz", "port": "http", "scheme": "HTTP"])
        #expect(container["readinessProbe"]?["periodSeconds"] == 5)  // set by the user, kept
        #expect(container["livenessProbe"]?["timeoutSeconds"] == 1)
        #expect(container["livenessProbe"]?["failureThreshold"] == 3)
        #expect(container[path: ["env"]]?.array?[1][path: ["valueFrom", "fieldRef", "apiVersion"]] == "v1")
        // Quantities are stored in canonical text, as Kubernetes' typed round trip leaves them.
        #expect(
            container["resources"] == [
                "requests": ["cpu": "100m", "memory": "64Mi"], "limits": ["cpu": "1", "memory": "128Mi"],
            ])
        #expect(
            spec["volumes"] == [
                ["name": "config", "configMap": ["name": "nginx-conf", "defaultMode": 420]],
                ["name": "cache", "emptyDir": [:]],
            ])
    }

    @Test(
        "imagePullPolicy follows the image tag",
        arguments: [
            ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.25", "IfNotPresent"),
            ("registry.local:5000/app", "Always"), ("registry.local:5000/app:v1", "IfNotPresent"),
            ("app@sha256:0123456789abcdef", "IfNotPresent"), ("", "IfNotPresent"),
        ])
    func pullPolicy(image: String, policy: String) {
        let pod = Self.defaulted(
            "Pod", Fixtures.pod.editingFirst(["spec", "containers"]) { $0["image"] = .string(image) })
        #expect(pod[path: ["spec", "containers"]]?.array?.first?["imagePullPolicy"] == .string(policy))
    }

    @Test("not-ready and unreachable tolerations are added once, unless already tolerated")
    func tolerations() {
        let tolerations = Self.defaulted("Pod", Fixtures.pod)[path: ["spec", "tolerations"]]?.array ?? []
        #expect(tolerations.count == 3)
        #expect(
            tolerations.contains([
                "key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                "tolerationSeconds": 300,
            ]))
        #expect(
            tolerations.contains([
                "key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                "tolerationSeconds": 300,
            ]))
        let everything = Fixtures.pod.with(["spec", "tolerations"], [["operator": "Exists"]])
        #expect(Self.defaulted("Pod", everything)[path: ["spec", "tolerations"]] == [["operator": "Exists"]])
        let ownNotReady = Fixtures.pod.with(
            ["spec", "tolerations"],
            [
                [
                    "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 10,
                    "effect": "NoExecute",
                ]
            ])
        #expect(Self.defaulted("Pod", ownNotReady)[path: ["spec", "tolerations"]]?.array?.count == 2)
    }

    @Test("Pod-only defaults stay out of pod templates")
    func templates() {
        let deployment = Self.defaulted("Deployment", Fixtures.deployment)
        let spec = deployment[path: ["spec", "template", "spec"]] ?? .null
        #expect(spec["restartPolicy"] == "Always")
        #expect(spec["securityContext"] == .emptyObject)
        #expect(spec["tolerations"] == nil)
        #expect(spec["serviceAccountName"] == nil)
        #expect(spec["enableServiceLinks"] == nil)
        let container = spec["containers"]?.array?.first ?? .null
        #expect(container["imagePullPolicy"] == "IfNotPresent")
        #expect(container[path: ["resources", "limits"]] == nil)
        // Requests default from limits on Pods only.
        let pod = Self.defaulted(
            "Pod",
            Fixtures.pod.editingFirst(["spec", "containers"]) {
                $0["resources"] = ["limits": ["cpu": 0.5, "memory": "1024Mi"]]
            })
        #expect(
            pod[path: ["spec", "containers"]]?.array?.first?[path: ["resources", "requests"]] == [
                "cpu": "500m", "memory": "1Gi",
            ])
        let unparseable = Self.defaulted(
            "Pod", Fixtures.pod.editingFirst(["spec", "containers"]) { $0["resources"] = ["limits": ["cpu": "lots"]] })
        #expect(
            unparseable[path: ["spec", "containers"]]?.array?.first?[path: ["resources", "limits", "cpu"]] == "lots")
    }

    @Test("workload defaults")
    func workloads() {
        let deployment = Self.defaulted("Deployment", Fixtures.deployment)["spec"] ?? .null
        #expect(deployment["replicas"] == 3)
        #expect(
            deployment["strategy"] == [
                "type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": "25%", "maxSurge": "25%"],
            ])
        #expect(deployment["revisionHistoryLimit"] == 10)
        #expect(deployment["progressDeadlineSeconds"] == 600)
        #expect(
            Self.defaulted("Deployment", Fixtures.deployment.with(["spec", "replicas"], nil))[path: [
                "spec", "replicas",
            ]] == 1)
        let recreate = Self.defaulted(
            "Deployment", Fixtures.deployment.with(["spec", "strategy"], ["type": "Recreate"]))
        #expect(recreate[path: ["spec", "strategy"]] == ["type": "Recreate"])

        #expect(
            Self.defaulted("ReplicaSet", Fixtures.replicaSet.with(["spec", "replicas"], nil))[path: [
                "spec", "replicas",
            ]] == 1)
        let rc = Self.defaulted("ReplicationController", Fixtures.replicationController)
        #expect(rc[path: ["spec", "selector"]] == ["app": "legacy"])
        #expect(rc[path: ["metadata", "labels"]] == ["app": "legacy"])
        #expect(rc[path: ["spec", "replicas"]] == 1)

        let ds = Self.defaulted("DaemonSet", Fixtures.daemonSet)["spec"] ?? .null
        #expect(
            ds["updateStrategy"] == ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": 1, "maxSurge": 0]])
        #expect(ds["revisionHistoryLimit"] == 10)
        #expect(
            ds[path: ["template", "spec", "volumes"]] == [
                ["name": "logs", "hostPath": ["path": "/var/log", "type": ""]]
            ])

        let sts = Self.defaulted("StatefulSet", Fixtures.statefulSet)["spec"] ?? .null
        #expect(sts["replicas"] == 2)
        #expect(sts["podManagementPolicy"] == "OrderedReady")
        #expect(sts["updateStrategy"] == ["type": "RollingUpdate", "rollingUpdate": ["partition": 0]])
        #expect(sts["revisionHistoryLimit"] == 10)
        #expect(sts["persistentVolumeClaimRetentionPolicy"] == ["whenDeleted": "Retain", "whenScaled": "Retain"])
        #expect(sts["volumeClaimTemplates"]?.array?.first?[path: ["spec", "volumeMode"]] == "Filesystem")
        let onDelete = Self.defaulted(
            "StatefulSet", Fixtures.statefulSet.with(["spec", "updateStrategy"], ["type": "OnDelete"]))
        #expect(onDelete[path: ["spec", "updateStrategy"]] == ["type": "OnDelete"])
    }

    @Test("Job and CronJob defaults")
    func batch() {
        let job = Self.defaulted("Job", Fixtures.job)["spec"] ?? .null
        #expect(job["completions"] == 1)
        #expect(job["parallelism"] == 1)
        #expect(job["backoffLimit"] == 4)  // the user's value
        #expect(job["completionMode"] == "NonIndexed")
        #expect(job["suspend"] == false)
        #expect(job["selector"] == nil)
        #expect(job["manualSelector"] == nil)
        #expect(job[path: ["template", "spec", "restartPolicy"]] == "Never")
        let parallel =
            Self.defaulted("Job", Fixtures.job.with(["spec", "completions"], 5).with(["spec", "backoffLimit"], nil))[
                "spec"] ?? .null
        #expect(parallel["completions"] == 5)
        #expect(parallel["parallelism"] == 1)
        #expect(parallel["backoffLimit"] == 6)
        let workQueue = Self.defaulted("Job", Fixtures.job.with(["spec", "parallelism"], 4))["spec"] ?? .null
        #expect(workQueue["completions"] == nil)

        let cron = Self.defaulted("CronJob", Fixtures.cronJob)["spec"] ?? .null
        #expect(cron["concurrencyPolicy"] == "Allow")
        #expect(cron["suspend"] == false)
        #expect(cron["successfulJobsHistoryLimit"] == 3)
        #expect(cron["failedJobsHistoryLimit"] == 1)
        #expect(cron[path: ["jobTemplate", "spec", "template", "spec", "dnsPolicy"]] == "ClusterFirst")
        #expect(cron[path: ["jobTemplate", "spec", "backoffLimit"]] == nil)
    }

    @Test("Service defaults")
    func services() {
        let spec = Self.defaulted("Service", Fixtures.service)["spec"] ?? .null
        #expect(spec["type"] == "ClusterIP")
        #expect(spec["sessionAffinity"] == "None")
        #expect(spec["ipFamilyPolicy"] == "SingleStack")
        #expect(spec["ipFamilies"] == ["IPv4"])
        #expect(spec["internalTrafficPolicy"] == "Cluster")
        #expect(spec["externalTrafficPolicy"] == nil)
        #expect(
            spec["ports"] == [
                ["name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"],
                ["name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"],
            ])
        let bare = Self.defaulted(
            "Service",
            Fixtures.service.with(["spec", "ports"], [["port": 53, "protocol": "UDP"]]).with(
                ["spec", "type"], "NodePort"))
        #expect(bare[path: ["spec", "ports"]] == [["port": 53, "protocol": "UDP", "targetPort": 53]])
        #expect(bare[path: ["spec", "externalTrafficPolicy"]] == "Cluster")
        let external = Self.defaulted(
            "Service",
            ["metadata": ["name": "db"], "spec": ["type": "ExternalName", "externalName": "db.example.com"]])
        #expect(external[path: ["spec", "ipFamilies"]] == nil)
        #expect(external[path: ["spec", "internalTrafficPolicy"]] == nil)
        let sticky = Self.defaulted("Service", Fixtures.service.with(["spec", "sessionAffinity"], "ClientIP"))
        #expect(sticky[path: ["spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"]] == 10800)
    }

    @Test("Namespace, Secret, claims, volumes, endpoints")
    func coreKinds() {
        let ns = Self.defaulted("Namespace", ["metadata": ["name": "team-a"]])
        #expect(
            ns == [
                "metadata": ["name": "team-a", "labels": ["kubernetes.io/metadata.name": "team-a"]],
                "spec": ["finalizers": ["kubernetes"]],
            ])
        let finalized = Self.defaulted("Namespace", ["metadata": ["name": "x"], "spec": ["finalizers": []]])
        #expect(finalized[path: ["spec", "finalizers"]] == [])
        #expect(Self.defaulted("Secret", Fixtures.secret)["type"] == "Opaque")
        #expect(
            Self.defaulted("Secret", Fixtures.secret.with(["type"], "kubernetes.io/tls"))["type"] == "kubernetes.io/tls"
        )
        #expect(
            Self.defaulted("PersistentVolumeClaim", ["spec": ["accessModes": ["ReadWriteOnce"]]])[path: [
                "spec", "volumeMode",
            ]] == "Filesystem")
        let pv = Self.defaulted("PersistentVolume", ["spec": ["hostPath": ["path": "/d"]]])
        #expect(
            pv["spec"] == [
                "hostPath": ["path": "/d", "type": ""], "persistentVolumeReclaimPolicy": "Retain",
                "volumeMode": "Filesystem",
            ])
        let endpoints = Self.defaulted("Endpoints", ["subsets": [["ports": [["port": 80]]]]])
        #expect(endpoints[path: ["subsets"]] == [["ports": [["port": 80, "protocol": "TCP"]]]])
        #expect(
            Self.defaulted("LimitRange", ["spec": ["limits": [["type": "Container", "max": ["cpu": "1"]]]]]) == [
                "spec": ["limits": [["type": "Container", "max": ["cpu": "1"]]]]
            ])
    }

    @Test("set values are kept and values of the wrong type are left for validation")
    func neverOverrides() {
        let pod = Self.defaulted(
            "Pod",
            Fixtures.pod.with(["spec", "restartPolicy"], "Never").with(["spec", "terminationGracePeriodSeconds"], 0)
                .with(["spec", "serviceAccountName"], "builder"))
        #expect(pod[path: ["spec", "restartPolicy"]] == "Never")
        #expect(pod[path: ["spec", "terminationGracePeriodSeconds"]] == 0)
        #expect(pod[path: ["spec", "serviceAccount"]] == "builder")
        let zero = Self.defaulted(
            "Deployment", Fixtures.deployment.with(["spec", "replicas"], 0).with(["spec", "revisionHistoryLimit"], 0))
        #expect(zero[path: ["spec", "replicas"]] == 0)
        #expect(zero[path: ["spec", "revisionHistoryLimit"]] == 0)
        let volume = Self.defaulted(
            "Pod",
            Fixtures.pod.with(
                ["spec", "volumes"], [["name": "s", "secret": ["secretName": "x", "defaultMode": 256]]]))
        #expect(
            volume[path: ["spec", "volumes"]] == [["name": "s", "secret": ["secretName": "x", "defaultMode": 256]]])
        let noSource = Self.defaulted("Pod", Fixtures.pod.with(["spec", "volumes"], [["name": "scratch"]]))
        #expect(noSource[path: ["spec", "volumes"]] == [["name": "scratch", "emptyDir": [:]]])

        #expect(Self.defaulted("Deployment", ["spec": "oops"]) == ["spec": "oops"])
        #expect(
            Self.defaulted("Pod", ["spec": ["containers": "x", "tolerations": 5]])[path: ["spec", "containers"]] == "x")
        #expect(
            Self.defaulted("Pod", ["spec": ["containers": "x", "tolerations": 5]])[path: ["spec", "tolerations"]] == 5)
        #expect(Self.defaulted("Pod", "not an object") == "not an object")
        #expect(Self.defaulted("Widget", ["spec": [:]]) == ["spec": [:]])
    }
}
