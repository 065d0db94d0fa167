import Testing

@testable import SkiffAPI

/// Parses a JSON literal written in a test (private: other test files may have their own helper).
private func json(_ text: String) throws -> JSON {
    try JSON.parse(text)
}

@Suite("JSON merge patch (RFC 7386)")
struct JSONMergePatchTests {
    /// Every row of RFC 7386 Appendix A: original, patch, result.
    static let appendixA: [(String, String, String)] = [
        (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
        (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
        (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
        (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
        (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
        (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
        (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
        (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
        (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
        (#"{"a":"foo"}"#, #"null"#, #"null"#),
        (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
        (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
        (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
        (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
    ]

    @Test("every example of RFC 7386 appendix A gives the documented result", arguments: 0..<15)
    func appendixExample(row: Int) throws {
        let (target, patch, expected) = Self.appendixA[row]
        #expect(JSONMergePatch.apply(try json(patch), to: try json(target)) == (try json(expected)))
    }

    @Test("the RFC 7386 section 3 example edits title, removes author.familyName and replaces tags")
    func sectionThreeExample() throws {
        let target = try json(
            #"{"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},"tags":["example","sample"],"content":"This will be unchanged"}"#
        )
        let patch = try json(
            #"{"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}"#)
        let expected = try json(
            #"{"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}"#
        )
        #expect(JSONMergePatch.apply(patch, to: target) == expected)
    }

    @Test("a label set to null is removed and the other labels are kept")
    func nullRemovesLabel() throws {
        let pod = try json(#"{"metadata":{"name":"p","labels":{"app":"web","tier":"front"}}}"#)
        let result = JSONMergePatch.apply(try json(#"{"metadata":{"labels":{"tier":null}}}"#), to: pod)
        #expect(result[path: ["metadata", "labels"]] == (try json(#"{"app":"web"}"#)))
        #expect(JSONMergePatch.isNoOp(try json(#"{"metadata":{"name":"p"}}"#), on: pod))
        #expect(!JSONMergePatch.isNoOp(try json(#"{"metadata":{"name":"q"}}"#), on: pod))
    }
}

@Suite("JSON patch (RFC 6902)")
struct JSONPatchTests {
    func apply(_ document: String, _ patch: String) throws -> JSON {
        try JSONPatch.apply(try json(patch), to: try json(document))
    }

    func failure(_ document: String, _ patch: String) throws -> SkiffError? {
        let target = try json(document)
        let operations = try json(patch)
        return #expect(throws: SkiffError.self) { try JSONPatch.apply(operations, to: target) }
    }

    /// RFC 6902 appendix A examples that succeed: document, patch, result.
    static let successes: [(String, String, String)] = [
        // A.1 adding an object member
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"baz":"qux","foo":"bar"}"#),
        // A.2 adding an array element
        (#"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, #"{"foo":["bar","qux","baz"]}"#),
        // A.3 removing an object member
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#, #"{"foo":"bar"}"#),
        // A.4 removing an array element
        (#"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, #"{"foo":["bar","baz"]}"#),
        // A.5 replacing a value
        (
            #"{"baz":"qux","foo":"bar"}"#, #"[{"op":"replace","path":"/baz","value":"boo"}]"#,
            #"{"baz":"boo","foo":"bar"}"#
        ),
        // A.6 moving a value
        (
            #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
            #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
            #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#
        ),
        // A.7 moving an array element
        (
            #"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
            #"{"foo":["all","cows","eat","grass"]}"#
        ),
        // A.8 testing a value: success
        (
            #"{"baz":"qux","foo":["a",2,"c"]}"#,
            #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
            #"{"baz":"qux","foo":["a",2,"c"]}"#
        ),
        // A.10 adding a nested member object
        (
            #"{"foo":"bar"}"#, #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
            #"{"foo":"bar","child":{"grandchild":{}}}"#
        ),
        // A.11 ignoring unrecognized elements
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, #"{"foo":"bar","baz":"qux"}"#),
        // A.14 ~ escape ordering
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":10}]"#, #"{"/":9,"~1":10}"#),
        // A.16 adding an array value
        (
            #"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#,
            #"{"foo":["bar",["abc","def"]]}"#
        ),
        // copy, and replacing the whole document with the empty pointer
        (#"{"a":{"b":1}}"#, #"[{"op":"copy","from":"/a","path":"/c"}]"#, #"{"a":{"b":1},"c":{"b":1}}"#),
        (#"{"a":1}"#, #"[{"op":"replace","path":"","value":{"b":2}}]"#, #"{"b":2}"#),
    ]

    @Test("the successful examples of RFC 6902 appendix A give the documented result", arguments: 0..<14)
    func appendixSuccess(row: Int) throws {
        let (document, patch, expected) = Self.successes[row]
        #expect(try apply(document, patch) == (try json(expected)))
    }

    @Test("A.9: a failing test op is 422 Invalid and names the op and path")
    func failingTest() throws {
        let error = try failure(#"{"baz":"qux"}"#, #"[{"op":"test","path":"/baz","value":"bar"}]"#)
        #expect(error?.code == .invalid)
        #expect(error?.message.hasPrefix("the patch operation 0 (test /baz): test failed") == true)
    }

    @Test("A.15: a test op comparing the number 10 with the string \"10\" fails")
    func stringIsNotNumber() throws {
        let error = try failure(#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":"10"}]"#)
        #expect(error?.code == .invalid)
    }

    @Test("a test op treats 80 and 80.0 as equal, as YAML clients send either")
    func numbersCompareByValue() throws {
        let result = try apply(#"{"port":80}"#, #"[{"op":"test","path":"/port","value":80.0}]"#)
        #expect(result == (try json(#"{"port":80}"#)))
    }

    @Test("A.12: adding below a missing member fails with the path named")
    func addToMissingParent() throws {
        let error = try failure(#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#)
        #expect(error?.code == .invalid)
        #expect(error?.message == "the patch operation 0 (add /baz/bat): path does not exist")
    }

    @Test("replacing a missing field fails naming the operation's position, after earlier ops succeeded")
    func replaceMissing() throws {
        let error = try failure(
            #"{"spec":{"replicas":1}}"#,
            #"[{"op":"replace","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/x","value":1}]"#)
        #expect(error?.code == .invalid)
        #expect(error?.message == "the patch operation 1 (replace /spec/x): path does not exist")
    }

    @Test("a ~1 escape addresses an annotation whose key contains a slash")
    func slashInKey() throws {
        let result = try apply(
            #"{"metadata":{"annotations":{}}}"#,
            #"[{"op":"add","path":"/metadata/annotations/kubectl.kubernetes.io~1restartedAt","value":"now"}]"#)
        #expect(result[path: ["metadata", "annotations", "kubectl.kubernetes.io/restartedAt"]] == "now")
    }

    @Test("array indexes out of range, with leading zeros, or '-' outside add are rejected as Invalid")
    func badIndexes() throws {
        let doc = #"{"a":[1,2]}"#
        for patch in [
            #"[{"op":"add","path":"/a/3","value":0}]"#, #"[{"op":"add","path":"/a/01","value":0}]"#,
            #"[{"op":"remove","path":"/a/2"}]"#, #"[{"op":"replace","path":"/a/-","value":0}]"#,
            #"[{"op":"move","from":"/a","path":"/a/0"}]"#, #"[{"op":"remove","path":""}]"#,
        ] {
            #expect(try failure(doc, patch)?.code == .invalid, "\(patch)")
        }
        #expect(try apply(doc, #"[{"op":"add","path":"/a/2","value":3}]"#) == (try json(#"{"a":[1,2,3]}"#)))
    }

    @Test("malformed patch documents are 400 Bad Request")
    func malformed() throws {
        for patch in [
            #"{"op":"add","path":"/a","value":1}"#, #"[{"op":"frobnicate","path":"/a"}]"#,
            #"[{"op":"add","path":"/a"}]"#, #"[{"op":"remove"}]"#, #"[{"op":"move","path":"/a"}]"#,
            #"[{"op":"add","path":"a","value":1}]"#, #"[{"op":"add","path":"/a~2","value":1}]"#, #"[42]"#,
        ] {
            #expect(try failure(#"{"a":1}"#, patch)?.code == .badRequest, "\(patch)")
        }
    }

    @Test("a null value is a value: add sets the member to null")
    func addNull() throws {
        #expect(try apply(#"{}"#, #"[{"op":"add","path":"/a","value":null}]"#) == (try json(#"{"a":null}"#)))
    }
}

@Suite("Server-side apply (simplified)")
struct ServerSideApplyTests {
    let deployment = #"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"},"resourceVersion":"7"},
         "spec":{"replicas":2,"template":{"spec":{"containers":[
           {"name":"web","image":"nginx:1.25","args":["-a"],"env":[{"name":"A","value":"1"}]},
           {"name":"sidecar","image":"envoy"}]}}}}
        """#

    @Test("with no live object the applied configuration is the new object, minus null fields")
    func create() throws {
        let applied = try json(#"{"kind":"ConfigMap","metadata":{"name":"c","labels":null},"data":{"k":"v"}}"#)
        let created = ServerSideApply.apply(applied, to: nil, kind: "ConfigMap")
        #expect(created == (try json(#"{"kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":"v"}}"#)))
    }

    @Test("applying merges containers by name and env by name, and replaces args whole")
    func mergeIntoLive() throws {
        let applied = try json(
            #"{"kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27","args":["-b"],"env":[{"name":"B","value":"2"}]}]}}}}"#
        )
        let result = ServerSideApply.apply(applied, to: try json(deployment), kind: "Deployment")
        let containers = result[path: ["spec", "template", "spec", "containers"]]?.array ?? []
        #expect(containers.count == 2)
        #expect(containers.first?["image"] == "nginx:1.27")
        #expect(containers.first?["args"] == ["-b"])
        #expect(containers.first?["env"] == (try json(#"[{"name":"A","value":"1"},{"name":"B","value":"2"}]"#)))
        #expect(containers.last?["name"] == "sidecar")
        #expect(result[path: ["spec", "replicas"]] == 3)
        #expect(result[path: ["metadata", "resourceVersion"]] == "7")
    }

    @Test("a field left out of the applied config stays (no field ownership), a null removes it")
    func omissionVersusNull() throws {
        let live = try json(deployment)
        let omitted = ServerSideApply.apply(try json(#"{"metadata":{"name":"web"}}"#), to: live, kind: "Deployment")
        #expect(omitted[path: ["metadata", "labels", "app"]] == "web")
        let nulled = ServerSideApply.apply(try json(#"{"metadata":{"labels":null}}"#), to: live, kind: "Deployment")
        #expect(nulled[path: ["metadata", "labels"]] == nil)
        #expect(nulled[path: ["metadata", "name"]] == "web")
    }

    @Test("finalizers are a set: applying adds missing values without duplicating existing ones")
    func finalizerSet() throws {
        let live = try json(#"{"metadata":{"finalizers":["a","b"]}}"#)
        let result = ServerSideApply.apply(
            try json(#"{"metadata":{"finalizers":["b","c"]}}"#), to: live, kind: "ConfigMap")
        #expect(result[path: ["metadata", "finalizers"]] == ["a", "b", "c"])
    }
}
