/// Column lists, transcribed from the `*ColumnDefinitions` in Kubernetes'
/// `pkg/printers/internalversion/printers.go` (names, types, priorities and order matter:
/// kubectl prints headers from them and `-o wide` keys off priority).
extension TablePrinter {
    public static func columns(kind: String) -> [TableColumn] {
        typealias C = TableColumn
        switch kind {
        case "Pod":
            return [
                .name,
                C.string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
                C.string("Status", "The aggregate status of the containers in this pod."),
                C.string(
                    "Restarts",
                    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."
                ),
                .age,
                C.string(
                    "IP",
                    "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
                    priority: 1),
                C.string("Node", "NodeName indicates in which node this pod is scheduled.", priority: 1),
                C.string(
                    "Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node.",
                    priority: 1),
                C.string(
                    "Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.",
                    priority: 1),
            ]
        case "Namespace":
            return [.name, C.string("Status", "The status of the namespace"), .age]
        case "Node":
            return [
                .name,
                C.string("Status", "The status of the node"),
                C.string("Roles", "The roles of the node"),
                .age,
                C.string("Version", "Kubelet Version reported by the node."),
                C.string("Internal-IP", "List of addresses reachable to the node.", priority: 1),
                C.string("External-IP", "List of addresses reachable to the node.", priority: 1),
                C.string(
                    "OS-Image",
                    "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
                    priority: 1),
                C.string(
                    "Kernel-Version",
                    "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", priority: 1),
                C.string(
                    "Container-Runtime",
                    "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
                    priority: 1),
            ]
        case "Service":
            return [
                .name,
                C.string("Type", "type determines how the Service is exposed."),
                C.string("Cluster-IP", "clusterIP is the IP address of the service."),
                C.string(
                    "External-IP",
                    "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."
                ),
                C.string("Port(s)", "The list of ports that are exposed by this service."),
                .age,
                C.string(
                    "Selector", "Route service traffic to pods with label keys and values matching this selector.",
                    priority: 1),
            ]
        case "Endpoints":
            return [.name, C.string("Endpoints", "The set of all endpoints is the union of all subsets."), .age]
        case "ConfigMap":
            return [.name, C.string("Data", "Data contains the configuration data."), .age]
        case "Secret":
            return [
                .name, C.string("Type", "Used to facilitate programmatic handling of secret data."),
                C.string("Data", "Data contains the secret data."), .age,
            ]
        case "Event":
            return [
                C.string("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
                C.string("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
                C.string(
                    "Reason",
                    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."
                ),
                C.string("Object", "The object that this event is about."),
                C.string(
                    "Subobject",
                    "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.",
                    priority: 1),
                C.string(
                    "Source", "The component reporting this event. Should be a short machine understandable string.",
                    priority: 1),
                C.string("Message", "A human-readable description of the status of this operation."),
                C.string(
                    "First Seen",
                    "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
                    priority: 1),
                C.string("Count", "The number of times this event has occurred.", priority: 1),
                TableColumn(
                    name: "Name", type: "string", format: "name", description: TableColumn.nameDoc, priority: 1),
            ]
        case "ResourceQuota":
            return [
                .name,
                C.string("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
                C.string(
                    "Limit",
                    "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."
                ),
                .age,
            ]
        case "LimitRange":
            // No printer in Kubernetes: the generic table convertor's two columns.
            return [
                .name, TableColumn(name: "Created At", type: "date", description: TableColumn.creationTimestampDoc),
            ]
        case "PersistentVolumeClaim":
            return [
                .name,
                C.string("Status", "phase represents the current phase of PersistentVolumeClaim."),
                C.string("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
                C.string("Capacity", "capacity represents the actual resources of the underlying volume."),
                C.string(
                    "Access Modes", "accessModes contains the actual access modes the volume backing the PVC has."),
                C.string("StorageClass", "StorageClass of the pvc"),
                C.string("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
                .age,
                C.string("VolumeMode", "volumeMode defines what type of volume is required by the claim.", priority: 1),
            ]
        case "PersistentVolume":
            return [
                .name,
                C.string("Capacity", "capacity is the description of the persistent volume's resources and capacity."),
                C.string("Access Modes", "accessModes contains all ways the volume can be mounted."),
                C.string(
                    "Reclaim Policy",
                    "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."
                ),
                C.string(
                    "Status", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
                C.string(
                    "Claim",
                    "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
                C.string("StorageClass", "StorageClass of the pv"),
                C.string("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
                C.string(
                    "Reason",
                    "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."
                ),
                .age,
                C.string(
                    "VolumeMode",
                    "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.",
                    priority: 1),
            ]
        case "ReplicationController", "ReplicaSet":
            return [
                .name,
                C.integer("Desired", "Replicas is the number of desired replicas."),
                C.integer("Current", "Replicas is the most recently observed number of replicas."),
                C.integer("Ready", "The number of ready replicas for this replica set."),
                .age, .containers, .images,
                .selector("Selector is a label query over pods that should match the replica count."),
            ]
        case "ServiceAccount":
            return [
                .name,
                C.string(
                    "Secrets",
                    "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."
                ), .age,
            ]
        case "Deployment":
            return [
                .name,
                C.string("Ready", "Number of the pod with ready state"),
                C.string(
                    "Up-to-date",
                    "Total number of non-terminated pods targeted by this deployment that have the desired template spec."
                ),
                C.string(
                    "Available",
                    "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
                .age, .containers, .images,
                .selector(
                    "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."
                ),
            ]
        case "DaemonSet":
            return [
                .name,
                C.integer(
                    "Desired",
                    "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."
                ),
                C.integer(
                    "Current",
                    "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."
                ),
                C.integer(
                    "Ready",
                    "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."
                ),
                C.integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
                C.integer(
                    "Available",
                    "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"
                ),
                C.string(
                    "Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
                .age, .containers, .images,
                .selector("A label query over pods that are managed by the daemon set."),
            ]
        case "StatefulSet":
            return [.name, C.string("Ready", "Number of the pod with ready state"), .age, .containers, .images]
        case "ControllerRevision":
            return [
                .name, C.string("Controller", "Controller of the object"),
                C.string("Revision", "Revision indicates the revision of the state represented by Data."), .age,
            ]
        case "Job":
            return [
                .name,
                C.string("Status", "Status of the job."),
                C.string("Completions", "The number of pods which reached phase Succeeded."),
                C.string("Duration", "Time required to complete the job."),
                .age, .containers, .images,
                .selector("A label query over pods that should match the pod count."),
            ]
        case "CronJob":
            return [
                .name,
                C.string("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
                C.string(
                    "Timezone",
                    "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."
                ),
                TableColumn(
                    name: "Suspend", type: "boolean",
                    description:
                        "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions."
                ),
                C.integer("Active", "A list of pointers to currently running jobs."),
                C.string("Last Schedule", "Information when was the last time the job was successfully scheduled."),
                .age, .containers, .images,
                .selector("A label query over pods that should match the pod count."),
            ]
        case "Lease":
            return [
                .name, C.string("Holder", "holderIdentity contains the identity of the holder of a current lease."),
                .age,
            ]
        default:
            return [.name, .age]
        }
    }
}
