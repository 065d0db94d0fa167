import SkiffAPI
import Testing

@Suite("Field selectors")
struct FieldSelectorTests {
    func failure(_ text: String) -> SkiffError? {
        do {
            _ = try FieldSelector(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    let runningPod: JSON = [
        "metadata": ["name": "web-1", "namespace": "shop", "uid": "u-1"],
        "spec": ["nodeName": "node-a", "restartPolicy": "Always", "serviceAccountName": "default"],
        "status": ["phase": "Running", "podIP": "10.0.0.5"],
    ]
    let pendingPod: JSON = [
        "metadata": ["name": "web-2", "namespace": "shop"],
        "spec": ["hostNetwork": true],
        "status": ["phase": "Pending"],
    ]

    @Test("terms split on commas and keep their operators")
    func parsing() throws {
        let s = try FieldSelector(parsing: "status.phase!=Running,metadata.name=x")
        // Kubernetes sorts the raw terms, so metadata.name comes first.
        #expect(s.requirements.map(\.field) == ["metadata.name", "status.phase"])
        #expect(s.requirements.map(\.operator) == [.equals, .notEquals])
        #expect(s.requirements.map(\.value) == ["x", "Running"])
        #expect(s.description == "metadata.name=x,status.phase!=Running")
    }

    @Test("== means = and renders as =")
    func doubleEquals() throws {
        let s = try FieldSelector(parsing: "metadata.name==web-1")
        #expect(s.requirements.first?.operator == .doubleEquals)
        #expect(s.matches(runningPod))
        #expect(!s.matches(pendingPod))
        #expect(s.description == "metadata.name=web-1")
    }

    @Test("backslash escapes comma, equals and backslash in values")
    func escapes() throws {
        let s = try FieldSelector(parsing: #"metadata.name=a\,b\=c\\d,spec.nodeName=n"#)
        #expect(s.requirements.count == 2)
        #expect(s.requirements.first?.value == #"a,b=c\d"#)
        #expect(s.description == #"metadata.name=a\,b\=c\\d,spec.nodeName=n"#)
        #expect(FieldSelector.escape("x=y") == #"x\=y"#)
    }

    @Test(
        "malformed selectors fail with Kubernetes' messages",
        arguments: [
            ("metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"),
            ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
            ("a=b=c", "invalid field selector: unescaped character in value: 61"),
            ("a===b", "invalid field selector: unescaped character in value: 61"),
            (#"a=b\x"#, #"invalid field selector: invalid escape sequence: \x"#),
            (#"a=b\"#, #"invalid field selector: invalid escape sequence: \"#),
        ])
    func errors(input: String, message: String) {
        let error = failure(input)
        #expect(error?.code == .badRequest)
        #expect(error?.message == message)
    }

    @Test("an empty selector and empty terms select everything")
    func empty() throws {
        #expect(try FieldSelector(parsing: "").isEmpty)
        #expect(try FieldSelector(parsing: ",,").isEmpty)
        #expect(try FieldSelector(parsing: "").matches(runningPod))
        #expect(try FieldSelector(parsing: "a=b,,c=d").requirements.count == 2)
    }

    @Test("pods match on node, phase, IP and policy fields")
    func pods() throws {
        #expect(try FieldSelector(parsing: "spec.nodeName=node-a").matches(runningPod))
        #expect(try !FieldSelector(parsing: "spec.nodeName=node-a").matches(pendingPod))
        #expect(try FieldSelector(parsing: "status.phase!=Running").matches(pendingPod))
        #expect(try FieldSelector(parsing: "status.podIP=10.0.0.5,spec.restartPolicy=Always").matches(runningPod))
        #expect(try FieldSelector(parsing: "metadata.namespace=shop,metadata.name!=web-1").matches(pendingPod))
    }

    @Test("a missing field compares as the empty string, a bool as true/false")
    func missingAndBool() throws {
        // kubelets and schedulers ask for unscheduled pods with `spec.nodeName=`.
        let unscheduled = try FieldSelector(parsing: "spec.nodeName=")
        #expect(unscheduled.matches(pendingPod))
        #expect(!unscheduled.matches(runningPod))
        #expect(try FieldSelector(parsing: "spec.hostNetwork=true").matches(pendingPod))
        // An absent bool is Go's false, not "".
        #expect(try FieldSelector(parsing: "spec.hostNetwork=false").matches(runningPod))
        #expect(FieldSelector.value(of: "metadata.namespace", in: ["metadata": ["name": "node-a"]]) == "")
    }

    @Test("pod IP falls back to the first podIPs entry")
    func podIPs() throws {
        let dual: JSON = ["status": ["podIPs": [["ip": "10.1.0.9"], ["ip": "fd00::9"]]]]
        #expect(FieldSelector.value(of: "status.podIP", in: dual) == "10.1.0.9")
    }

    @Test("events match on involved object, reason, type and source component")
    func events() throws {
        let event: JSON = [
            "metadata": ["name": "web-1.17c", "namespace": "shop"],
            "involvedObject": [
                "kind": "Pod", "name": "web-1", "namespace": "shop", "uid": "u-1", "fieldPath": "spec.containers{web}",
            ],
            "reason": "BackOff", "type": "Warning", "source": ["component": "kubelet", "host": "node-a"],
            "reportingComponent": "kubelet",
        ]
        let s = try FieldSelector(
            parsing:
                "involvedObject.kind=Pod,involvedObject.name=web-1,involvedObject.uid=u-1,reason=BackOff,type=Warning")
        #expect(s.matches(event))
        #expect(try FieldSelector(parsing: "source=kubelet").matches(event))
        #expect(try FieldSelector(parsing: "reportingComponent=kubelet").matches(event))
        #expect(try FieldSelector(parsing: #"involvedObject.fieldPath=spec.containers{web}"#).matches(event))
        #expect(try !FieldSelector(parsing: "type=Normal").matches(event))
    }

    @Test("nodes, jobs and replica sets use Go zero values for absent fields")
    func zeroValues() throws {
        let cordoned: JSON = ["spec": ["unschedulable": true]]
        let plain: JSON = ["spec": [:]]
        #expect(try FieldSelector(parsing: "spec.unschedulable=true").matches(cordoned))
        #expect(try FieldSelector(parsing: "spec.unschedulable=false").matches(plain))
        #expect(try FieldSelector(parsing: "status.successful=2").matches(["status": ["succeeded": 2]]))
        #expect(try FieldSelector(parsing: "status.successful=0").matches(["status": [:]]))
        #expect(try FieldSelector(parsing: "status.replicas=0").matches([:]))
    }

    @Test("validation accepts each kind's fields and rejects the rest")
    func validation() throws {
        try FieldSelector.validate(FieldSelector(parsing: "status.phase=Running,spec.nodeName=a"), kind: "Pod")
        try FieldSelector.validate(FieldSelector(parsing: "metadata.name=a,metadata.namespace=b"), kind: "ConfigMap")
        try FieldSelector.validate(FieldSelector(parsing: "involvedObject.uid=x,source=kubelet"), kind: "Event")
        try FieldSelector.validate(FieldSelector(parsing: "type=Opaque"), kind: "Secret")
        try FieldSelector.validate(FieldSelector(parsing: "spec.unschedulable=true"), kind: "Node")
        try FieldSelector.validate(FieldSelector(parsing: "status.replicas=1"), kind: "ReplicationController")
        try FieldSelector.validate(FieldSelector(parsing: "status.successful=1"), kind: "Job")
        try FieldSelector.validate(FieldSelector(parsing: "status.phase=Active"), kind: "Namespace")

        var caught: SkiffError?
        do { try FieldSelector.validate(FieldSelector(parsing: "status.phase=Running"), kind: "ConfigMap") } catch {
            caught = error
        }
        #expect(caught?.code == .badRequest)
        #expect(
            caught?.message
                == #""status.phase" is not a known field selector: only "metadata.name", "metadata.namespace""#)

        caught = nil
        do { try FieldSelector.validate(FieldSelector(parsing: "spec.foo=1"), kind: "Node") } catch { caught = error }
        #expect(
            caught?.message
                == #""spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace", "spec.unschedulable""#
        )
        #expect(FieldSelector.supportedFields(kind: "Pod").contains("status.nominatedNodeName"))
    }

    @Test("exactName finds a metadata.name equality for point reads")
    func exactName() throws {
        #expect(try FieldSelector(parsing: "metadata.name=web").exactName() == "web")
        #expect(try FieldSelector(parsing: "status.phase=Running,metadata.name==web").exactName() == "web")
        #expect(try FieldSelector(parsing: "metadata.name!=web").exactName() == nil)
        #expect(try FieldSelector(parsing: "spec.nodeName=web").exactName() == nil)
        #expect(try FieldSelector(parsing: "spec.nodeName=a").requiresExactMatch("spec.nodeName") == "a")
    }
}
