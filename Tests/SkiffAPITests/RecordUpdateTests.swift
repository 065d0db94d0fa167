import Testing

@testable import SkiffAPI

/// Parses a JSON literal written in a test (private: other test files have their own helper).
private func json(_ text: String) throws -> JSON {
    try JSON.parse(text)
}

@Suite("Managed fields of updates")
struct RecordUpdateTests {
    let configMap =
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","uid":"u","labels":{"app":"web"}},"data":{"k":"v"}}"#

    /// The ConfigMap as `kubectl create` stores it.
    func createdConfigMap() throws -> JSON {
        ServerSideApply.recordUpdate(old: nil, new: try json(configMap), manager: "kubectl-create", now: "t1")
    }

    @Test("a create owns every field, and new maps own themselves as Kubernetes records them")
    func create() throws {
        let entry = try #require(try createdConfigMap()[path: ["metadata", "managedFields"]]?.array?.first)
        #expect(entry["operation"] == "Update")
        #expect(entry["time"] == "t1")
        #expect(entry["apiVersion"] == "v1")
        #expect(
            entry["fieldsV1"]
                == (try json(#"{"f:data":{".":{},"f:k":{}},"f:metadata":{"f:labels":{".":{},"f:app":{}}}}"#)))
    }

    @Test("changed fields move to the writer; a write that changes nothing keeps the record and its time")
    func ownershipMoves() throws {
        let created = try createdConfigMap()
        var edited = created
        edited[path: ["data", "k"]] = "w"
        edited[path: ["data", "j"]] = "x"
        let applied = ServerSideApply.recordUpdate(
            old: created, new: edited, manager: "kubectl-client-side-apply", now: "t2")
        #expect(
            fieldsV1(applied, "kubectl-client-side-apply", "Update") == (try json(#"{"f:data":{"f:j":{},"f:k":{}}}"#)))
        // The creator still owns the map itself (now a leaf) and the labels.
        #expect(fieldsV1(applied, "kubectl-create", "Update")?[path: ["f:data"]] == .emptyObject)
        #expect(
            applied[path: ["metadata", "managedFields"]]?.array?.map { $0["manager"] } == [
                "kubectl-create", "kubectl-client-side-apply",
            ])

        let noop = ServerSideApply.recordUpdate(
            old: applied, new: applied, manager: "kubectl-client-side-apply", now: "t3")
        #expect(noop == applied)

        var removed = applied
        removed[path: ["data", "j"]] = nil
        let afterRemoval = ServerSideApply.recordUpdate(old: applied, new: removed, manager: "someone", now: "t4")
        #expect(fieldsV1(afterRemoval, "kubectl-client-side-apply", "Update") == (try json(#"{"f:data":{"f:k":{}}}"#)))
        #expect(fieldsV1(afterRemoval, "someone", "Update") == nil)  // it removed, so it owns nothing
    }

    @Test("[{}] clears managedFields; a status write gets its own subresource entry")
    func resetAndSubresource() throws {
        let created = try createdConfigMap()
        var reset = created
        reset[path: ["metadata", "managedFields"]] = [.emptyObject]
        let cleared = ServerSideApply.recordUpdate(old: created, new: reset, manager: "x", now: "t2")
        #expect(cleared[path: ["metadata", "managedFields"]] == nil)
        #expect(cleared[path: ["metadata", "labels", "app"]] == "web")

        var withStatus = created
        withStatus["status"] = ["phase": "Ready"]
        let status = ServerSideApply.recordUpdate(
            old: created, new: withStatus, manager: "ctl", subresource: "status", now: "t3")
        let entry = try #require(status[path: ["metadata", "managedFields"]]?.array?.first { $0["manager"] == "ctl" })
        #expect(entry["subresource"] == "status")
        #expect(entry["fieldsV1"] == (try json(#"{"f:status":{"f:phase":{}}}"#)))  // a struct: no "."
    }
}
