import Testing

@testable import SkiffAPI

/// Parses a JSON literal written in a test (private: other test files have their own helper).
private func json(_ text: String) throws -> JSON {
    try JSON.parse(text)
}

/// The `fieldsV1` of the entry of `manager` with `operation`, if any (shared with RecordUpdateTests).
func fieldsV1(_ object: JSON, _ manager: String, _ operation: String = "Apply") -> JSON? {
    object[path: ["metadata", "managedFields"]]?.array?
        .first { $0["manager"]?.string == manager && $0["operation"]?.string == operation }?["fieldsV1"]
}

/// The element of `list` whose `key` is `value`.
private func element(_ list: JSON?, _ key: String, _ value: JSON) -> JSON? {
    list?.array?.first { $0[key] == value }
}

@Suite("Server-side apply: field ownership")
struct ServerSideApplyOwnershipTests {
    /// What the client test applies first, and then without label b, env B, port 81 and container side.
    let first = #"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"a":"1","b":"2"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
          "spec":{"containers":[
           {"name":"web","image":"nginx:1.25","ports":[{"containerPort":80},{"containerPort":81}],
            "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
           {"name":"side","image":"envoy"}]}}}}
        """#
    let second = #"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"a":"1"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
          "spec":{"containers":[
           {"name":"web","image":"nginx:1.25","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}]}]}}}}
        """#
    let containers = ["spec", "template", "spec", "containers"]

    /// Creates the Deployment with `kubectl apply --server-side` and adds what the server adds.
    func created() throws -> JSON {
        var object = try ServerSideApply.apply(
            try json(first), to: nil, kind: "Deployment", manager: "kubectl", force: false, now: "2024-05-01T10:00:00Z")
        object[path: ["metadata", "uid"]] = "u-1"
        object[path: ["metadata", "resourceVersion"]] = "5"
        return object
    }

    func applySecond(to live: JSON, force: Bool = false) throws -> JSON {
        try ServerSideApply.apply(
            try json(second), to: live, kind: "Deployment", manager: "kubectl", force: force,
            now: "2024-05-01T11:00:00Z")
    }

    @Test("re-applying without label b, env B, port 81 and container side removes all four")
    func removesWhatTheManagerStoppedApplying() throws {
        let result = try applySecond(to: try created())
        #expect(result[path: ["metadata", "labels"]] == ["a": "1"])
        let list = result[path: containers]
        #expect(list?.array?.count == 1)
        #expect(element(list, "name", "side") == nil)
        let web = element(list, "name", "web")
        #expect(web?["env"] == (try json(#"[{"name":"A","value":"1"}]"#)))
        #expect(web?["ports"] == (try json(#"[{"containerPort":80}]"#)))
        #expect(web?["image"] == "nginx:1.25")
        #expect(result[path: ["spec", "replicas"]] == 2)
        #expect(result[path: ["metadata", "uid"]] == "u-1")
        // The entry now describes the second configuration only.
        let fields = try #require(fieldsV1(result, "kubectl"))
        #expect(fields[path: ["f:metadata", "f:labels"]] == (try json(#"{"f:a":{}}"#)))
        #expect(fields[path: ["f:spec", "f:template", "f:spec", "f:containers", #"k:{"name":"side"}"#]] == nil)
        #expect(result[path: ["metadata", "managedFields"]]?.array?.count == 1)
        #expect(result[path: ["metadata", "managedFields"]]?.array?.first?["time"] == "2024-05-01T11:00:00Z")
    }

    @Test("fields another manager set or changed through an update stay when the applier drops them")
    func otherManagersFieldsStay() throws {
        let live = try created()
        var edited = live
        edited[path: ["metadata", "labels", "c"]] = "3"  // new: owned by the editor only
        edited[path: ["metadata", "labels", "b"]] = "x"  // changed: the editor takes it from kubectl
        var list = edited[path: containers]?.array ?? []
        list[0]["env"] = try json(#"[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"C","value":"3"}]"#)
        edited[path: containers] = .array(list)
        let updated = ServerSideApply.recordUpdate(
            old: live, new: edited, manager: "editor", now: "2024-05-01T10:30:00Z")
        let editorFields = try #require(fieldsV1(updated, "editor", "Update"))
        #expect(editorFields[path: ["f:metadata", "f:labels"]] == (try json(#"{"f:b":{},"f:c":{}}"#)))
        #expect(fieldsV1(updated, "kubectl")?[path: ["f:metadata", "f:labels", "f:b"]] == nil)

        let result = try applySecond(to: updated)
        #expect(result[path: ["metadata", "labels"]] == ["a": "1", "b": "x", "c": "3"])
        let web = element(result[path: containers], "name", "web")
        #expect(web?["env"] == (try json(#"[{"name":"A","value":"1"},{"name":"C","value":"3"}]"#)))
        #expect(web?["ports"]?.array?.count == 1)
        #expect(element(result[path: containers], "name", "side") == nil)
        #expect(fieldsV1(result, "editor", "Update") == editorFields)
    }

    @Test("a conflicting value without force is 409 with Kubernetes' message; force takes the field")
    func conflictAndForce() throws {
        let live = try created()
        let scale = try json(
            #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3}}"#)
        let first = try #require(throws: SkiffError.self) {
            try ServerSideApply.apply(
                scale, to: live, kind: "Deployment", manager: "other-manager", force: false, now: "t2")
        }
        #expect(first.code == .conflict)
        #expect(first.message == #"Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas"#)
        let scaled = try ServerSideApply.apply(
            scale, to: live, kind: "Deployment", manager: "other-manager", force: true, now: "t2")
        #expect(scaled[path: ["spec", "replicas"]] == 3)
        #expect(fieldsV1(scaled, "kubectl")?[path: ["f:spec", "f:replicas"]] == nil)
        #expect(fieldsV1(scaled, "other-manager") == (try json(#"{"f:spec":{"f:replicas":{}}}"#)))

        // kubectl applying its old replicas now conflicts with the new owner.
        let error = try #require(throws: SkiffError.self) { try applySecond(to: scaled) }
        #expect(error.code == .conflict)
        #expect(error.code.httpStatus == 409)
        #expect(error.message == #"Apply failed with 1 conflict: conflict with "other-manager": .spec.replicas"#)
        #expect(
            error.causes == [
                SkiffError.Cause(
                    reason: "FieldManagerConflict", message: #"conflict with "other-manager""#, field: ".spec.replicas")
            ])
        let forced = try applySecond(to: scaled, force: true)
        #expect(forced[path: ["spec", "replicas"]] == 2)
        #expect(fieldsV1(forced, "kubectl")?[path: ["f:spec", "f:replicas"]] == .emptyObject)
        // other-manager owned nothing else, so its entry is gone.
        #expect(forced[path: ["metadata", "managedFields"]]?.array?.count == 1)
    }

    @Test("several conflicts are listed per manager, an updater named with its version and time")
    func severalConflicts() throws {
        let live = try created()
        var edited = live
        edited[path: ["spec", "replicas"]] = 5
        var list = edited[path: containers]?.array ?? []
        list[0]["image"] = "nginx:1.26"
        edited[path: containers] = .array(list)
        let updated = ServerSideApply.recordUpdate(
            old: live, new: edited, manager: "editor", now: "2024-05-01T10:30:00Z")
        let error = try #require(throws: SkiffError.self) { try applySecond(to: updated) }
        #expect(
            error.message == """
                Apply failed with 2 conflicts: conflicts with "editor" using apps/v1 at 2024-05-01T10:30:00Z:
                - .spec.replicas
                - .spec.template.spec.containers[name="web"].image
                """)
        #expect(error.causes.map(\.field) == [".spec.replicas", #".spec.template.spec.containers[name="web"].image"#])
        // Applying the values the editor set is no conflict: both own them.
        let agreeing = try json(
            #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}"#)
        let shared = try ServerSideApply.apply(
            agreeing, to: updated, kind: "Deployment", manager: "hpa", force: false, now: "t3")
        #expect(fieldsV1(shared, "editor", "Update")?[path: ["f:spec", "f:replicas"]] == .emptyObject)
        #expect(fieldsV1(shared, "hpa")?[path: ["f:spec", "f:replicas"]] == .emptyObject)
    }

    @Test("the managedFields entry has Kubernetes' shape and FieldsV1 keys")
    func entryShape() throws {
        let object = try created()
        let entries = try #require(object[path: ["metadata", "managedFields"]]?.array)
        #expect(entries.count == 1)
        let entry = try #require(entries.first)
        var header = entry
        header["fieldsV1"] = nil
        #expect(
            header == [
                "manager": "kubectl", "operation": "Apply", "apiVersion": "apps/v1", "fieldsType": "FieldsV1",
                "time": "2024-05-01T10:00:00Z",
            ])
        let fields = try #require(entry["fieldsV1"])
        #expect(fields.object?.keys.sorted() == ["f:metadata", "f:spec"])  // no apiVersion, kind, status
        #expect(fields["f:metadata"] == (try json(#"{"f:labels":{"f:a":{},"f:b":{}}}"#)))  // no name, namespace
        #expect(fields[path: ["f:spec", "f:replicas"]] == .emptyObject)
        #expect(fields[path: ["f:spec", "f:selector"]] == .emptyObject)  // a LabelSelector is owned whole
        let web = try #require(fields[path: ["f:spec", "f:template", "f:spec", "f:containers", #"k:{"name":"web"}"#]])
        #expect(web["."] == .emptyObject)
        #expect(web["f:image"] == .emptyObject)
        #expect(web[path: ["f:env", #"k:{"name":"B"}"#]] == (try json(#"{".":{},"f:name":{},"f:value":{}}"#)))
        #expect(web[path: ["f:ports", #"k:{"containerPort":81}"#]] == (try json(#"{".":{},"f:containerPort":{}}"#)))
        #expect(web["f:ports"]?["."] == nil)  // an applied list does not own itself

        let set = FieldSet(fieldsV1: fields)
        #expect(set.fieldsV1 == fields)
        let imagePath = ["f:spec", "f:template", "f:spec", "f:containers", #"k:{"name":"web"}"#, "f:image"]
        #expect(set.contains(imagePath))
        #expect(set.contains(Array(imagePath.dropLast())))
        #expect(!set.contains(["f:spec", "f:template"]))
        #expect(FieldSet.describe(imagePath) == #".spec.template.spec.containers[name="web"].image"#)
        var smaller = set
        smaller.remove(imagePath)
        #expect(!smaller.contains(imagePath))
        #expect(smaller.contains(Array(imagePath.dropLast())))
    }

    @Test("finalizers are owned value by value and status, name and uid by nobody")
    func setListsAndIgnoredFields() throws {
        let applied = try json(
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","uid":"u","finalizers":["a","b"]},"data":{"k":"v"},"status":{"x":1}}"#
        )
        let object = try ServerSideApply.apply(
            applied, to: nil, kind: "ConfigMap", manager: "m", force: false, now: "t1")
        #expect(
            fieldsV1(object, "m")
                == (try json(#"{"f:data":{"f:k":{}},"f:metadata":{"f:finalizers":{"v:\"a\"":{},"v:\"b\"":{}}}}"#)))
        #expect(FieldSet.describe(["f:metadata", "f:finalizers", #"v:"a""#]) == #".metadata.finalizers[="a"]"#)
        let fewer = try json(
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["a"]},"data":{"k":"v"}}"#)
        let result = try ServerSideApply.apply(
            fewer, to: object, kind: "ConfigMap", manager: "m", force: false, now: "t2")
        #expect(result[path: ["metadata", "finalizers"]] == ["a"])
        #expect(result[path: ["metadata", "uid"]] == "u")  // never owned, so never pruned
    }

    @Test("applying the same configuration again changes nothing, not even the time")
    func idempotent() throws {
        let live = try created()
        let again = try ServerSideApply.apply(
            try json(first), to: live, kind: "Deployment", manager: "kubectl", force: false, now: "2024-05-01T12:00:00Z"
        )
        #expect(again == live)
        let second = try applySecond(to: live)
        let secondAgain = try ServerSideApply.apply(
            try json(self.second), to: second, kind: "Deployment", manager: "kubectl", force: false,
            now: "2024-05-01T13:00:00Z")
        #expect(secondAgain == second)
    }

    @Test("an applied configuration carrying managedFields is 400, as in Kubernetes")
    func managedFieldsInConfiguration() throws {
        let applied = try json(#"{"kind":"ConfigMap","metadata":{"name":"c","managedFields":[]}}"#)
        #expect(throws: SkiffError.badRequest("metadata.managedFields must be nil")) {
            try ServerSideApply.apply(applied, to: nil, kind: "ConfigMap", manager: "m", force: false, now: "t")
        }
    }
}
