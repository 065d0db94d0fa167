import SkiffAPI

/// Realistic objects, as users write them (no server defaults), for the validation and
/// defaulting tests.
enum Fixtures {
    static func parse(_ text: String) -> JSON {
        do { return try JSON.parse(text) } catch { return .string("unparseable fixture: \(error)") }
    }

    static let pod = parse(
        """
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "web-0", "namespace": "default", "labels": {"app": "web"},
                      "annotations": {"example.com/owner": "team-a"}},
         "spec": {
           "containers": [{
             "name": "nginx", "image": "nginx:1.25",
             "ports": [{"name": "http", "containerPort": 80}],
             "env": [{"name": "MODE", "value": "prod"},
                     {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                     {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
             "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": 1, "memory": "128Mi"}},
             "volumeMounts": [{"name": "config", "mountPath": "/etc/nginx/conf.d"}, {"name": "cache", "mountPath": "/cache"}],
             "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 5},
             "livenessProbe": {"tcpSocket": {"port": 80}}
           }],
           "volumes": [{"name": "config", "configMap": {"name": "nginx-conf"}}, {"name": "cache", "emptyDir": {}}],
           "nodeSelector": {"kubernetes.io/os": "linux"},
           "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}]
         }}
        """)

    static let deployment = parse(
        """
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
         "spec": {
           "replicas": 3,
           "selector": {"matchLabels": {"app": "web"},
                        "matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend"]}]},
           "template": {
             "metadata": {"labels": {"app": "web", "tier": "frontend"}},
             "spec": {"containers": [{"name": "web", "image": "registry.example.com:5000/web:v2",
                                      "ports": [{"containerPort": 8080}],
                                      "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}}}]}
           }
         }}
        """)

    static let service = parse(
        """
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "web", "namespace": "default"},
         "spec": {"selector": {"app": "web"},
                  "ports": [{"name": "http", "port": 80, "targetPort": 8080}, {"name": "https", "port": 443, "targetPort": "https"}]}}
        """)

    static let job = parse(
        """
        {"apiVersion": "batch/v1", "kind": "Job",
         "metadata": {"name": "pi", "namespace": "default"},
         "spec": {"backoffLimit": 4,
                  "template": {"spec": {"restartPolicy": "Never",
                                        "containers": [{"name": "pi", "image": "perl:5.34.0",
                                                        "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}]}}}}
        """)

    static let cronJob = parse(
        """
        {"apiVersion": "batch/v1", "kind": "CronJob",
         "metadata": {"name": "hello", "namespace": "default"},
         "spec": {"schedule": "*/5 9-17 * * mon-fri", "timeZone": "Europe/Berlin",
                  "jobTemplate": {"spec": {"template": {"spec": {
                    "restartPolicy": "OnFailure",
                    "containers": [{"name": "hello", "image": "busybox:1.36", "command": ["sh", "-c", "date"]}]}}}}}}
        """)

    static let statefulSet = parse(
        """
        {"apiVersion": "apps/v1", "kind": "StatefulSet",
         "metadata": {"name": "db", "namespace": "default"},
         "spec": {"serviceName": "db", "replicas": 2, "selector": {"matchLabels": {"app": "db"}},
                  "template": {"metadata": {"labels": {"app": "db"}},
                               "spec": {"containers": [{"name": "postgres", "image": "postgres:16",
                                                        "volumeMounts": [{"name": "data", "mountPath": "/var/lib/postgresql"}]}]}},
                  "volumeClaimTemplates": [{"metadata": {"name": "data"},
                                            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}}
        """)

    static let daemonSet = parse(
        """
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "kube-system"},
         "spec": {"selector": {"matchLabels": {"app": "agent"}},
                  "template": {"metadata": {"labels": {"app": "agent"}},
                               "spec": {"containers": [{"name": "agent", "image": "agent:1"}],
                                        "volumes": [{"name": "logs", "hostPath": {"path": "/var/log"}}]}}}}
        """)

    static let replicaSet = parse(
        """
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-5d4f", "namespace": "default"},
         "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                  "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "web:1"}]}}}}
        """)

    static let replicationController = parse(
        """
        {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "legacy", "namespace": "default"},
         "spec": {"template": {"metadata": {"labels": {"app": "legacy"}}, "spec": {"containers": [{"name": "c", "image": "c:1"}]}}}}
        """)

    static let configMap = parse(
        """
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "nginx-conf", "namespace": "default"},
         "data": {"default.conf": "server { listen 80; }", "LOG_LEVEL": "info"}, "binaryData": {"logo.png": "iVBORw0KGgo="}}
        """)

    static let secret = parse(
        """
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "default"},
         "data": {"password": "czNjcjN0"}, "stringData": {"username": "admin"}}
        """)

    static let others: [(String, JSON)] = [
        ("Namespace", parse(#"{"metadata": {"name": "team-a", "labels": {"env": "dev"}}}"#)),
        (
            "Node",
            parse(
                #"{"metadata": {"name": "node-1.example.com"}, "spec": {"taints": [{"key": "gpu", "value": "true", "effect": "NoSchedule"}]}}"#
            )
        ),
        (
            "Endpoints",
            parse(
                #"{"metadata": {"name": "web", "namespace": "default"}, "subsets": [{"addresses": [{"ip": "10.1.2.3"}, {"ip": "fd00::5"}], "ports": [{"port": 8080}]}]}"#
            )
        ),
        (
            "Event",
            parse(
                #"{"metadata": {"name": "web-0.17a1", "namespace": "default"}, "involvedObject": {"kind": "Pod", "name": "web-0", "namespace": "default"}, "reason": "Started", "type": "Normal", "count": 1}"#
            )
        ),
        (
            "ResourceQuota",
            parse(
                #"{"metadata": {"name": "quota", "namespace": "default"}, "spec": {"hard": {"cpu": "10", "memory": "20Gi", "pods": "50", "requests.nvidia.com/gpu": 4}}}"#
            )
        ),
        (
            "LimitRange",
            parse(
                #"{"metadata": {"name": "limits", "namespace": "default"}, "spec": {"limits": [{"type": "Container", "min": {"cpu": "50m"}, "max": {"cpu": "2"}, "default": {"cpu": "500m"}, "defaultRequest": {"cpu": "100m"}}]}}"#
            )
        ),
        (
            "PersistentVolumeClaim",
            parse(
                #"{"metadata": {"name": "data", "namespace": "default"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "standard", "resources": {"requests": {"storage": "10Gi"}}}}"#
            )
        ),
        (
            "PersistentVolume",
            parse(
                #"{"metadata": {"name": "pv-1"}, "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/mnt/data"}}}"#
            )
        ),
        (
            "ServiceAccount",
            parse(#"{"metadata": {"name": "builder", "namespace": "default"}, "automountServiceAccountToken": false}"#)
        ),
        (
            "ControllerRevision",
            parse(#"{"metadata": {"name": "web-7c5b", "namespace": "default"}, "data": {"spec": {}}, "revision": 1}"#)
        ),
        (
            "Lease",
            parse(
                #"{"metadata": {"name": "controller", "namespace": "kube-system"}, "spec": {"holderIdentity": "a", "leaseDurationSeconds": 15, "leaseTransitions": 0}}"#
            )
        ),
    ]

    /// Every realistic fixture with its kind.
    static var all: [(String, JSON)] {
        [
            ("Pod", pod), ("Deployment", deployment), ("Service", service), ("Job", job), ("CronJob", cronJob),
            ("StatefulSet", statefulSet), ("DaemonSet", daemonSet), ("ReplicaSet", replicaSet),
            ("ReplicationController", replicationController), ("ConfigMap", configMap), ("Secret", secret),
        ] + others
    }
}

extension JSON {
    /// Test helper: a copy with a value set at a path.
    func with(_ path: [String], _ value: JSON?) -> JSON {
        var copy = self
        copy[path: path] = value
        return copy
    }
}

extension JSON {
    /// Test helper: a copy with the first element of the array at `path` edited.
    func editingFirst(_ path: [String], _ body: (inout JSON) -> Void) -> JSON {
        var copy = self
        guard var items = copy[path: path]?.array, !items.isEmpty else { return copy }
        body(&items[0])
        copy[path: path] = .array(items)
        return copy
    }
}

/// Finds the causes at one field path.
func causes(_ list: [SkiffError.Cause], at field: String) -> [SkiffError.Cause] {
    list.filter { $0.field == field }
}
