import Testing

@testable import SkiffAPI

@Suite("ProtoSchema and the generated table")
struct ProtoSchemaTests {
    @Test("every message type a field refers to is in the generated table")
    func closedOverReferences() {
        let messages = ProtoSchema.shared.messages
        #expect(messages.count > 200)
        for (name, message) in messages {
            for (number, field) in message.fields where field.type == .message {
                #expect(messages[field.messageType] != nil, "\(name) field \(number) refers to \(field.messageType)")
            }
            if message.isMap { #expect(Set(message.fields.keys) == [1, 2], "\(name) is a map entry") }
        }
        // A line the parser skipped would leave a message short.
        let lines = ProtoSchema.generatedText.split(separator: "\n")
        #expect(messages.count == lines.filter { $0.hasPrefix("@") }.count)
        #expect(messages.values.map(\.fields.count).reduce(0, +) == lines.filter { !$0.hasPrefix("@") }.count)
    }

    @Test("inline and renamed fields follow the json tags, not the proto names")
    func inlineFields() throws {
        let volume = try #require(ProtoSchema.shared.messages["k8s.io.api.core.v1.Volume"])
        #expect(volume.fields[2]?.inline == true)
        let probe = try #require(ProtoSchema.shared.messages["k8s.io.api.core.v1.Probe"])
        #expect(probe.fields[1]?.inline == true && probe.fields[1]?.messageType == "k8s.io.api.core.v1.ProbeHandler")
        let pod = try #require(ProtoSchema.shared.messages["k8s.io.api.core.v1.PodSpec"])
        #expect(pod.fields.values.allSatisfy { !$0.inline })
    }

    @Test(
        "omitEmpty marks exactly the non-pointer omitempty scalars (Go struct tags in kubectl 1.33)",
        arguments: [
            ("k8s.io.api.apps.v1.DeploymentSpec", 1, false),  // replicas *int32
            ("k8s.io.api.apps.v1.DeploymentSpec", 5, true),  // minReadySeconds int32 omitempty
            ("k8s.io.api.apps.v1.DeploymentSpec", 7, true),  // paused bool omitempty
            ("k8s.io.api.apps.v1.DeploymentSpec", 9, false),  // progressDeadlineSeconds *int32
            ("k8s.io.api.core.v1.ContainerPort", 2, true),  // hostPort int32 omitempty
            ("k8s.io.api.core.v1.ContainerPort", 3, false),  // containerPort int32, no omitempty
            ("k8s.io.api.core.v1.Container", 1, false),  // name string, no omitempty
            ("k8s.io.api.core.v1.Container", 2, true),  // image string omitempty
            ("k8s.io.api.core.v1.PersistentVolumeClaimSpec", 5, false),  // storageClassName *string
            ("k8s.io.api.core.v1.ServiceSpec", 12, true),  // healthCheckNodePort int32 omitempty
            ("k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta", 7, true),  // generation int64 omitempty
            ("k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions", 1, false),  // gracePeriodSeconds *int64
            ("k8s.io.api.scheduling.v1.PriorityClass", 3, true),  // globalDefault bool omitempty
            ("k8s.io.api.core.v1.PodSpec", 2, false),  // containers: repeated, never flagged
            ("k8s.io.api.apps.v1.DeploymentSpec", 3, false),  // template: a message, never flagged
        ])
    func omitEmptyFlags(message: String, number: Int, omitEmpty: Bool) throws {
        let field = try #require(ProtoSchema.shared.messages[message]?.fields[number])
        #expect(field.omitEmpty == omitEmpty, "\(message).\(field.name)")
    }

    @Test(
        "apiVersion and kind map to message names",
        arguments: [
            ("v1", "Pod", "k8s.io.api.core.v1.Pod"),
            ("v1", "LimitRange", "k8s.io.api.core.v1.LimitRange"),
            ("v1", "Endpoints", "k8s.io.api.core.v1.Endpoints"),
            ("v1", "PersistentVolumeClaim", "k8s.io.api.core.v1.PersistentVolumeClaim"),
            ("v1", "ReplicationController", "k8s.io.api.core.v1.ReplicationController"),
            ("apps/v1", "Deployment", "k8s.io.api.apps.v1.Deployment"),
            ("apps/v1", "StatefulSet", "k8s.io.api.apps.v1.StatefulSet"),
            ("apps/v1", "DaemonSet", "k8s.io.api.apps.v1.DaemonSet"),
            ("batch/v1", "CronJob", "k8s.io.api.batch.v1.CronJob"),
            ("coordination.k8s.io/v1", "Lease", "k8s.io.api.coordination.v1.Lease"),
            ("scheduling.k8s.io/v1", "PriorityClass", "k8s.io.api.scheduling.v1.PriorityClass"),
            ("meta.k8s.io/v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
            ("batch/v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
        ])
    func messageNames(apiVersion: String, kind: String, message: String) {
        #expect(ProtoSchema.shared.messageName(apiVersion: apiVersion, kind: kind) == message)
    }

    @Test(
        "kinds outside the table have no message",
        arguments: [
            ("v1", "Widget"), ("apps/v1", "Pod"), ("apps/v1beta1", "Deployment"), ("a/b/v1", "Pod"), ("", "Pod"),
            ("apps/", "Deployment"), ("v1", "PodSpec"), ("policy/v1", "PodDisruptionBudget"),
        ])
    func unknownKinds(apiVersion: String, kind: String) {
        #expect(ProtoSchema.shared.messageName(apiVersion: apiVersion, kind: kind) == nil)
    }

    @Test("the parser reads flags and skips lines it cannot parse")
    func parsing() {
        let schema = ProtoSchema(
            parsing: """
                @a.B kind
                1 one 9
                2 two 11ri a.C
                4 four 5o
                garbage
                3 three 99
                @a.C map
                1 key 9
                2 value 3
                """)
        #expect(schema.messages["a.B"]?.fields.count == 3)
        #expect(schema.messages["a.B"]?.fields[2]?.repeated == true)
        #expect(schema.messages["a.B"]?.fields[2]?.inline == true)
        #expect(schema.messages["a.B"]?.fields[2]?.omitEmpty == false)
        #expect(
            schema.messages["a.B"]?.fields[4]?.omitEmpty == true && schema.messages["a.B"]?.fields[4]?.repeated == false
        )
        #expect(schema.messages["a.B"]?.isKind == true && schema.messages["a.B"]?.isMap == false)
        #expect(schema.messages["a.C"]?.isMap == true && schema.messages["a.C"]?.isKind == false)
    }
}
