import Foundation
import SkiffAPI
import Testing

@Suite("Workload and core rows")
struct ResourceRowTests {
    static let template: JSON = [
        "spec": ["containers": [["name": "web", "image": "nginx:1.27"], ["name": "sidecar", "image": "envoy:1"]]]
    ]

    @Test("deployment row: ready/desired, counts as integers, wide containers and selector")
    func deployment() {
        let d: JSON = [
            "metadata": ["name": "web", "creationTimestamp": ago(300)],
            "spec": ["replicas": 3, "selector": ["matchLabels": ["app": "web"]], "template": Self.template],
            "status": ["readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2],
        ]
        #expect(
            cells("Deployment", d) == ["web", "2/3", "#3", "#2", "5m", "web,sidecar", "nginx:1.27,envoy:1", "app=web"])
        // Absent replicas is the API default of 1; absent status counts are 0.
        #expect(cells("Deployment", ["metadata": ["name": "x"]]).prefix(4) == ["x", "0/1", "#0", "#0"])
    }

    @Test("replica sets, replication controllers, daemon sets and stateful sets")
    func controllers() {
        let rs: JSON = [
            "metadata": ["name": "web-7d4", "creationTimestamp": ago(90)],
            "spec": [
                "replicas": 2, "selector": ["matchExpressions": [["key": "app", "operator": "In", "values": ["web"]]]],
                "template": Self.template,
            ],
            "status": ["replicas": 2, "readyReplicas": 1],
        ]
        #expect(
            cells("ReplicaSet", rs) == [
                "web-7d4", "#2", "#2", "#1", "90s", "web,sidecar", "nginx:1.27,envoy:1", "app in (web)",
            ])
        let rc: JSON = ["metadata": ["name": "rc"], "spec": ["replicas": 1, "selector": ["app": "web"]]]
        #expect(cells("ReplicationController", rc).last == "app=web")
        let ds: JSON = [
            "metadata": ["name": "agent"],
            "spec": [
                "selector": ["matchLabels": ["app": "agent"]],
                "template": ["spec": ["nodeSelector": ["kubernetes.io/os": "linux"]]],
            ],
            "status": [
                "desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2, "updatedNumberScheduled": 3,
                "numberAvailable": 2,
            ],
        ]
        #expect(
            cells("DaemonSet", ds) == [
                "agent", "#3", "#3", "#2", "#3", "#2", "kubernetes.io/os=linux", "<unknown>", "", "", "app=agent",
            ])
        let sts: JSON = [
            "metadata": ["name": "db"], "spec": ["replicas": 3, "template": Self.template],
            "status": ["readyReplicas": 3],
        ]
        #expect(cells("StatefulSet", sts) == ["db", "3/3", "<unknown>", "web,sidecar", "nginx:1.27,envoy:1"])
    }

    @Test("controller revisions name their controlling owner as kind.group/name")
    func controllerRevision() {
        let cr: JSON = [
            "metadata": [
                "name": "web-5f6",
                "ownerReferences": [
                    ["apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "controller": true]
                ],
            ],
            "revision": 4,
        ]
        #expect(cells("ControllerRevision", cr) == ["web-5f6", "statefulset.apps/web", "#4", "<unknown>"])
        #expect(cells("ControllerRevision", ["metadata": ["name": "x"]])[1] == "<none>")
    }

    @Test("job rows: status from conditions, completions and duration")
    func job() {
        let done: JSON = [
            "metadata": ["name": "pi", "creationTimestamp": ago(120)],
            "spec": ["completions": 1, "selector": ["matchLabels": ["batch.kubernetes.io/job-name": "pi"]]],
            "status": [
                "succeeded": 1, "startTime": ago(100), "completionTime": ago(70),
                "conditions": [["type": "Complete", "status": "True"]],
            ],
        ]
        #expect(cells("Job", done).prefix(5) == ["pi", "Complete", "1/1", "30s", "2m"])
        #expect(cells("Job", done).last == "batch.kubernetes.io/job-name=pi")
        let running: JSON = ["metadata": ["name": "q"], "spec": ["parallelism": 3], "status": ["startTime": ago(600)]]
        #expect(cells("Job", running).prefix(4) == ["q", "Running", "0/1 of 3", "10m"])
        let failed: JSON = ["status": ["conditions": [["type": "Failed", "status": "True"]]]]
        #expect(cells("Job", failed)[1] == "Failed")
    }

    @Test("cron job rows")
    func cronJob() {
        let cj: JSON = [
            "metadata": ["name": "nightly", "creationTimestamp": ago(86_400)],
            "spec": ["schedule": "0 3 * * *", "suspend": false, "jobTemplate": ["spec": ["template": Self.template]]],
            "status": ["active": [["name": "nightly-1"]], "lastScheduleTime": ago(3600)],
        ]
        #expect(
            cells("CronJob", cj) == [
                "nightly", "0 3 * * *", "<none>", "False", "#1", "60m", "24h", "web,sidecar", "nginx:1.27,envoy:1",
                "<none>",
            ])
        #expect(cells("CronJob", ["spec": ["timeZone": "Etc/UTC"]])[2...5] == ["Etc/UTC", "<unset>", "#0", "<none>"])
    }

    @Test("service rows for each type, with ports and selector")
    func services() {
        func svc(_ spec: JSON, _ status: JSON = [:]) -> JSON {
            ["metadata": ["name": "web", "creationTimestamp": ago(60)], "spec": spec, "status": status]
        }
        let clusterIP = svc([
            "type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
            "ports": [["port": 80, "protocol": "TCP"], ["port": 53, "protocol": "UDP"]], "selector": ["app": "web"],
        ])
        #expect(
            cells("Service", clusterIP) == [
                "web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "60s", "app=web",
            ])
        let nodePort = svc(["type": "NodePort", "clusterIP": "10.96.0.11", "ports": [["port": 80, "nodePort": 30080]]])
        #expect(cells("Service", nodePort)[2...4] == ["10.96.0.11", "<none>", "80:30080/TCP"])
        let pending = svc(["type": "LoadBalancer", "clusterIP": "None", "ports": []])
        #expect(cells("Service", pending)[2...4] == ["None", "<pending>", "<none>"])
        let lb = svc(
            ["type": "LoadBalancer", "externalIPs": ["1.2.3.4"]],
            ["loadBalancer": ["ingress": [["hostname": "lb.example"], ["ip": "5.6.7.8"]]]])
        #expect(cells("Service", lb)[3] == "5.6.7.8,lb.example,1.2.3.4")
        #expect(cells("Service", svc(["type": "ExternalName", "externalName": "db.example"]))[3] == "db.example")
        #expect(cells("Service", svc([:])).last == "<none>")
    }

    @Test("node rows: readiness, cordon, roles, addresses")
    func nodes() {
        func node(_ ready: String?, unschedulable: Bool = false, labels: JSON = [:]) -> JSON {
            var status: JSON = [
                "nodeInfo": [
                    "kubeletVersion": "v1.31.0", "osImage": "Debian", "kernelVersion": "6.1",
                    "containerRuntimeVersion": "containerd://1.7",
                ],
                "addresses": [
                    ["type": "Hostname", "address": "n1"], ["type": "InternalIP", "address": "192.168.1.10"],
                ],
            ]
            if let ready {
                status["conditions"] = [
                    ["type": "MemoryPressure", "status": "False"], ["type": "Ready", "status": .string(ready)],
                ]
            }
            return [
                "metadata": ["name": "n1", "labels": labels, "creationTimestamp": ago(10 * 86_400)],
                "spec": ["unschedulable": .bool(unschedulable)], "status": status,
            ]
        }
        let roles: JSON = [
            "node-role.kubernetes.io/master": "", "node-role.kubernetes.io/control-plane": "",
            "kubernetes.io/role": "infra",
        ]
        #expect(
            cells("Node", node("True", labels: roles))
                == [
                    "n1", "Ready", "control-plane,infra,master", "10d", "v1.31.0", "192.168.1.10", "<none>", "Debian",
                    "6.1", "containerd://1.7",
                ])
        #expect(cells("Node", node("False"))[1...2] == ["NotReady", "<none>"])
        #expect(cells("Node", node("Unknown"))[1] == "NotReady")
        #expect(cells("Node", node("True", unschedulable: true))[1] == "Ready,SchedulingDisabled")
        #expect(cells("Node", node(nil, unschedulable: true))[1] == "Unknown,SchedulingDisabled")
        #expect(cells("Node", ["metadata": ["name": "bare"]])[7...9] == ["<unknown>", "<unknown>", "<unknown>"])
    }

    @Test("event rows: object, source, first and last seen, count")
    func events() {
        let ev: JSON = [
            "metadata": ["name": "web-1.17c"], "type": "Warning", "reason": "BackOff",
            "message": " Back-off restarting \n",
            "involvedObject": ["kind": "Pod", "name": "web-1", "fieldPath": "spec.containers{web}"],
            "source": ["component": "kubelet", "host": "node-a"],
            "firstTimestamp": ago(600), "lastTimestamp": ago(30), "count": 7,
        ]
        #expect(
            cells("Event", ev)
                == [
                    "30s", "Warning", "BackOff", "pod/web-1", "spec.containers{web}", "kubelet, node-a",
                    "Back-off restarting", "10m", "#7", "web-1.17c",
                ])
        let modern: JSON = [
            "metadata": ["name": "e"], "involvedObject": ["kind": "Node"], "reportingComponent": "scheduler",
            "eventTime": "2024-05-01T11:59:00.123456Z",
        ]
        // 59.88s ago: fractional MicroTime is parsed and, as in Go, truncated for display.
        #expect(cells("Event", modern) == ["59s", "", "", "node", "", "scheduler", "", "59s", "#1", "e"])
        let series: JSON = ["eventTime": ago(600), "series": ["count": 4, "lastObservedTime": ago(5)]]
        #expect(cells("Event", series)[0] == "5s")
        #expect(cells("Event", series)[8] == "#4")
    }

    @Test("namespace, config map, secret, service account and lease rows")
    func simpleRows() {
        #expect(
            cells(
                "Namespace",
                ["metadata": ["name": "shop", "creationTimestamp": ago(5)], "status": ["phase": "Active"]]) == [
                    "shop", "Active", "5s",
                ])
        #expect(
            cells(
                "ConfigMap", ["metadata": ["name": "cfg"], "data": ["a": "1", "b": "2"], "binaryData": ["c": "AA=="]])[
                    1] == "#3")
        #expect(
            cells("Secret", ["metadata": ["name": "s"], "type": "Opaque", "data": ["k": "dg=="]]) == [
                "s", "Opaque", "#1", "<unknown>",
            ])
        #expect(cells("ServiceAccount", ["metadata": ["name": "default"], "secrets": [["name": "t"]]])[1] == "#1")
        #expect(
            cells("Lease", ["metadata": ["name": "kube-scheduler"], "spec": ["holderIdentity": "node-a_1234"]])[1]
                == "node-a_1234")
        #expect(
            cells("LimitRange", ["metadata": ["name": "limits", "creationTimestamp": "2024-05-01T10:00:00.5Z"]]) == [
                "limits", "2024-05-01T10:00:00Z",
            ])
    }

    @Test("endpoints list up to three addresses, then a count")
    func endpoints() {
        let ep: JSON = [
            "metadata": ["name": "web"],
            "subsets": [
                ["addresses": [["ip": "10.0.0.1"], ["ip": "10.0.0.2"]], "ports": [["port": 8080]]],
                ["addresses": [["ip": "fd00::1"], ["ip": "10.0.0.4"]], "ports": [["port": 8080], ["port": 9090]]],
            ],
        ]
        #expect(cells("Endpoints", ep)[1] == "10.0.0.1:8080,10.0.0.2:8080,[fd00::1]:8080 + 3 more...")
        #expect(cells("Endpoints", ["subsets": [["addresses": [["ip": "10.0.0.9"]]]]])[1] == "10.0.0.9")
        #expect(cells("Endpoints", ["metadata": ["name": "none"]])[1] == "<none>")
    }

    @Test("resource quota splits requests and limits, sorted by resource")
    func quota() {
        let q: JSON = [
            "metadata": ["name": "compute"],
            "status": [
                "hard": ["pods": "10", "limits.cpu": "4", "requests.memory": "1Gi", "limits.memory": "2Gi"],
                "used": ["pods": "3", "limits.cpu": "500m", "requests.memory": "256Mi"],
            ],
        ]
        #expect(
            cells("ResourceQuota", q)[1...2] == [
                "pods: 3/10, requests.memory: 256Mi/1Gi", "limits.cpu: 500m/4, limits.memory: 0/2Gi",
            ])
    }

    @Test("persistent volume claim and volume rows")
    func storage() {
        let pvc: JSON = [
            "metadata": ["name": "data", "creationTimestamp": ago(60)],
            "spec": ["volumeName": "pv-1", "storageClassName": "fast", "resources": ["requests": ["storage": "1Gi"]]],
            "status": [
                "phase": "Bound", "capacity": ["storage": "2Gi"],
                "accessModes": ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"],
            ],
        ]
        #expect(
            cells("PersistentVolumeClaim", pvc) == [
                "data", "Bound", "pv-1", "2Gi", "RWO,RWX", "fast", "<unset>", "60s", "<unset>",
            ])
        let unbound: JSON = [
            "metadata": ["name": "u", "deletionTimestamp": ago(1)], "spec": ["volumeMode": "Block"],
            "status": ["phase": "Pending", "capacity": ["storage": "1Gi"]],
        ]
        #expect(cells("PersistentVolumeClaim", unbound)[1...4] == ["Terminating", "", "", ""])
        #expect(cells("PersistentVolumeClaim", unbound).last == "Block")
        let pv: JSON = [
            "metadata": ["name": "pv-1", "annotations": ["volume.beta.kubernetes.io/storage-class": "legacy"]],
            "spec": [
                "capacity": ["storage": "2Gi"], "accessModes": ["ReadOnlyMany"],
                "persistentVolumeReclaimPolicy": "Retain",
                "claimRef": ["namespace": "shop", "name": "data"], "storageClassName": "fast",
                "volumeAttributesClassName": "gold",
            ],
            "status": ["phase": "Bound"],
        ]
        #expect(
            cells("PersistentVolume", pv) == [
                "pv-1", "2Gi", "ROX", "Retain", "Bound", "shop/data", "legacy", "gold", "", "<unknown>", "<unset>",
            ])
    }
}
