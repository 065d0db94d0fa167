import SkiffAPI
import Testing

@Suite("Label selectors")
struct SelectorTests {
    func parse(_ text: String) throws -> LabelSelector { try LabelSelector(parsing: text) }

    func parseError(_ text: String) -> SkiffError? {
        do {
            _ = try LabelSelector(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test("equality operators parse into requirements and render back")
    func equality() throws {
        let s = try parse("a=b,c==d,e!=f")
        #expect(s.requirements.map(\.operator) == [.equals, .doubleEquals, .notEquals])
        #expect(s.requirements.map(\.values) == [["b"], ["d"], ["f"]])
        #expect(s.description == "a=b,c==d,e!=f")
        #expect(s.matches(["a": "b", "c": "d"]))
        #expect(!s.matches(["a": "b", "c": "d", "e": "f"]))
        #expect(!s.matches(["a": "x", "c": "d"]))
    }

    @Test("set-based requirements match like Kubernetes, including absent labels")
    func setBased() throws {
        let s = try parse("env in (prod,qa),tier notin (frontend)")
        #expect(s.matches(["env": "prod", "tier": "backend"]))
        #expect(s.matches(["env": "qa"]))  // notin is satisfied by a missing label
        #expect(!s.matches(["env": "dev"]))
        #expect(!s.matches(["env": "prod", "tier": "frontend"]))
        #expect(!s.matches(["tier": "backend"]))  // in requires the label
        #expect(s.description == "env in (prod,qa),tier notin (frontend)")
    }

    @Test("existence and non-existence requirements")
    func existence() throws {
        let s = try parse("app,!canary")
        #expect(s.requirements.map(\.operator) == [.exists, .doesNotExist])
        #expect(s.matches(["app": ""]))
        #expect(!s.matches(["app": "x", "canary": "true"]))
        #expect(!s.matches([:]))
        #expect(s.description == "app,!canary")
    }

    @Test("whitespace is tolerated around every token")
    func whitespace() throws {
        let s = try parse("  env   in  ( prod , qa ) ,\t!canary ,  app =  web ")
        #expect(s.description == "app=web,!canary,env in (prod,qa)")
        #expect(s.matches(["env": "qa", "app": "web"]))
    }

    @Test("keys may carry a DNS subdomain prefix")
    func prefixedKeys() throws {
        let s = try parse("app.kubernetes.io/name=web,example.com/tier in (a)")
        #expect(s.requirements.map(\.key) == ["app.kubernetes.io/name", "example.com/tier"])
        #expect(s.matches(["app.kubernetes.io/name": "web", "example.com/tier": "a"]))
    }

    @Test("requirements sort by key and values sort within a set")
    func canonicalOrder() throws {
        #expect(try parse("b=2,a=1").description == "a=1,b=2")
        #expect(try parse("env in (qa,prod,qa)").description == "env in (prod,qa)")
        #expect(try parse("b=2,a=1") == parse("a=1,b=2"))
    }

    @Test("empty selector string selects everything")
    func emptySelectsEverything() throws {
        for text in ["", "   "] {
            let s = try parse(text)
            #expect(s.matchesEverything)
            #expect(s.isEmpty)
            #expect(s.matches(["any": "thing"]))
        }
    }

    @Test("empty values are legal: a=, a in (), and gaps in a set")
    func emptyValues() throws {
        #expect(try parse("a=").requirements.first?.values == [""])
        #expect(try parse("a=,b=c").requirements.first?.values == [""])
        #expect(try parse("a in ()").requirements.first?.values == [""])
        #expect(try parse("x in (foo,,baz)").requirements.first?.values == ["", "baz", "foo"])
        #expect(try parse("x in (,a)").requirements.first?.values == ["", "a"])
        #expect(try parse("x in (a,)").requirements.first?.values == ["", "a"])
        #expect(try parse("a=").matches(["a": ""]))
    }

    @Test("the words in and notin are ordinary values inside a set")
    func keywordsAsValues() throws {
        let s = try parse("x in (in,notin)")
        #expect(s.requirements.first?.values == ["in", "notin"])
        #expect(try parse("x=in").requirements.first?.values == ["in"])
    }

    @Test("gt and lt compare integers and never match non-integers")
    func numericComparisons() throws {
        let gt = try parse("replicas>3")
        #expect(gt.matches(["replicas": "4"]))
        #expect(!gt.matches(["replicas": "3"]))
        #expect(!gt.matches(["replicas": "many"]))
        #expect(!gt.matches([:]))
        let lt = try parse("replicas<3")
        #expect(lt.matches(["replicas": "-1"]))
        #expect(gt.description == "replicas>3")
    }

    @Test(
        "syntax errors carry Kubernetes' wording and the position",
        arguments: [
            ("a=b,", "found '', expected: identifier after ',' (at position 4)"),
            (",a", "found ',', expected: !, identifier, or 'end of string' (at position 0)"),
            ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt (at position 2)"),
            ("a in b", "unable to parse requirement: found 'b' expected: '(' (at position 5)"),
            ("a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')' (at position 8)"),
            ("a in (b", "unable to parse requirement: found '', expected: ',' or ')' (at position 7)"),
            ("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier (at position 6)"),
            ("!a=b", "found '=', expected: ',' or 'end of string' (at position 2)"),
            ("a=(b)", "unable to parse requirement: found '(', expected: identifier (at position 2)"),
            ("a=b c", "found 'c', expected: ',' or 'end of string' (at position 4)"),
            ("!", "unable to parse requirement: found '', expected: identifier (at position 1)"),
            ("=a", "found '=', expected: !, identifier, or 'end of string' (at position 0)"),
        ])
    func syntaxErrors(input: String, message: String) {
        let error = parseError(input)
        #expect(error?.code == .badRequest)
        #expect(error?.message == message)
    }

    // Go's RegexError really prints two spaces before each "or".
    @Test("invalid keys are rejected with the qualified-name message")
    func invalidKeys() {
        let bad = parseError("a$b=c")
        #expect(bad?.code == .badRequest)
        #expect(
            bad?.message
                == "unable to parse requirement: <nil>: Invalid value: \"a$b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') (at position 0)"
        )
        #expect(parseError("Example.com/x=y")?.message.contains("prefix part a lowercase RFC 1123 subdomain") == true)
        #expect(parseError("/x")?.message.contains("prefix part must be non-empty") == true)
        #expect(parseError("a/b/c")?.message.contains("a qualified name must consist") == true)
        let long = String(repeating: "k", count: 64)
        #expect(parseError(long)?.message.contains("name part must be no more than 63 characters") == true)
        #expect(parseError(String(repeating: "k", count: 63)) == nil)
    }

    @Test("invalid values are rejected with the label-value message")
    func invalidValues() {
        let message = parseError("a=b$")?.message ?? ""
        #expect(
            message.hasPrefix(
                "unable to parse requirement: values[0][a]: Invalid value: \"b$\": a valid label must be an empty string"
            ))
        #expect(message.hasSuffix("(at position 0)"))
        #expect(parseError("a in (ok,-bad)")?.message.contains("values[0][a]: Invalid value: \"-bad\"") == true)
        #expect(
            parseError("a=" + String(repeating: "v", count: 64))?.message.contains("must be no more than 63 characters")
                == true)
        #expect(
            parseError("a>b")?.message.contains(
                "values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer") == true)
    }

    @Test("hostile input never crashes and only ever fails with 400")
    func garbage() {
        let inputs = [
            "\u{0}", "a=\u{0}", "((((", "))))", "!!!!", "====", "a in ((b))", "é=ü", "a=b,,c=d", "a notin",
            String(repeating: "a=b,", count: 500), "a in (" + String(repeating: "x,", count: 1000) + ")", "🙂", "<>",
            "a<",
        ]
        for input in inputs {
            if let error = parseError(input) { #expect(error.code == .badRequest, "\(input)") }
        }
        #expect(parseError("a=b,,c=d") != nil)
    }

    @Test("object form combines matchLabels and matchExpressions")
    func jsonForm() throws {
        let json: JSON = [
            "matchLabels": ["app": "web"],
            "matchExpressions": [
                ["key": "tier", "operator": "In", "values": ["api", "web"]],
                ["key": "canary", "operator": "DoesNotExist"],
                ["key": "zone", "operator": "NotIn", "values": ["b"]],
                ["key": "env", "operator": "Exists"],
            ],
        ]
        let s = try LabelSelector(json: json)
        #expect(s.description == "app=web,!canary,env,tier in (api,web),zone notin (b)")
        #expect(s.matches(["app": "web", "tier": "api", "env": "x"]))
        #expect(!s.matches(["app": "web", "tier": "api", "env": "x", "canary": "1"]))
        #expect(!s.matches(["app": "web", "tier": "api", "env": "x", "zone": "b"]))
    }

    @Test("empty object selects everything and null selects nothing")
    func emptyAndNull() throws {
        let empty = try LabelSelector(json: [:])
        #expect(empty.matchesEverything && !empty.matchesNothing)
        #expect(empty.matches(["a": "b"]))
        let lists = try LabelSelector(json: ["matchLabels": [:], "matchExpressions": []])
        #expect(lists.matchesEverything)
        let none = try LabelSelector(json: .null)
        #expect(none.matchesNothing && !none.matchesEverything)
        #expect(!none.matches([:]))
        #expect(none.description == "")
    }

    @Test("object form rejects bad operators, value counts and types")
    func jsonErrors() {
        func failure(_ json: JSON) -> SkiffError? {
            do {
                _ = try LabelSelector(json: json)
                return nil
            } catch {
                return error
            }
        }
        let badOp = failure(["matchExpressions": [["key": "a", "operator": "Equals", "values": ["b"]]]])
        #expect(badOp?.message == "\"Equals\" is not a valid label selector operator")
        #expect(badOp?.code == .badRequest)
        #expect(
            failure(["matchExpressions": [["key": "a", "operator": "In", "values": []]]])?.message
                == "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty")
        #expect(
            failure(["matchExpressions": [["key": "a", "operator": "Exists", "values": ["x"]]]])?.message
                == "values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist")
        #expect(failure(["matchLabels": ["a": 1]]) != nil)
        #expect(
            failure(["matchLabels": ["bad key": "v"]])?.message.hasPrefix("key: Invalid value: \"bad key\"") == true)
        #expect(failure(["matchExpressions": "nope"]) != nil)
        #expect(failure(["matchExpressions": [["operator": "In", "values": ["x"]]]]) != nil)
        #expect(failure("app=web") != nil)
    }

    @Test("a matchLabels map renders as the /scale status.selector string")
    func scaleSelector() throws {
        #expect(
            try LabelSelector(json: ["matchLabels": ["tier": "web", "app": "shop"]]).description == "app=shop,tier=web")
        #expect(LabelSelector(matchLabels: ["b": "2", "a": "1"]).description == "a=1,b=2")
        #expect(LabelSelector(matchLabels: [:]).matchesEverything)
    }

    @Test("requiresExactMatch reports a pinned label value")
    func exactMatch() throws {
        let s = try parse("app=web,tier in (api),env in (a,b),zone!=x")
        #expect(s.requiresExactMatch("app") == "web")
        #expect(s.requiresExactMatch("tier") == "api")
        #expect(s.requiresExactMatch("env") == nil)
        #expect(s.requiresExactMatch("zone") == nil)
        #expect(s.requiresExactMatch("missing") == nil)
    }

    @Test("building a requirement directly validates it")
    func requirementInit() throws {
        #expect(throws: SkiffError.self) { try LabelSelector.Requirement(key: "a", operator: .equals, values: []) }
        #expect(throws: SkiffError.self) { try LabelSelector.Requirement(key: "", operator: .exists, values: []) }
        let r = try LabelSelector.Requirement(key: "a", operator: .in, values: ["y", "x", "y"])
        #expect(r.values == ["x", "y"])
        #expect(LabelSelector(requirements: [r]).description == "a in (x,y)")
    }
}
