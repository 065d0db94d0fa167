import SkiffAPI
import SkiffYAML
import Testing

@Suite("YAML")
struct YAMLTests {
    @Test("a multi-document manifest becomes one JSON object per document, with typed scalars")
    func multiDocument() throws {
        let docs = try YAML.documents(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: a}
            spec:
              containers:
              - name: c
                image: busybox
                ports: [{containerPort: 80}]
            ---
            ---
            apiVersion: v1
            kind: ConfigMap
            data: {enabled: "true", ratio: "1.5"}
            """)
        #expect(docs.count == 2)
        #expect(
            docs[0][path: ["spec", "containers"]]?.array?.first?["ports"]?.array?.first?["containerPort"] == .int(80))
        #expect(docs[1][path: ["data", "enabled"]] == "true")
        #expect(docs[1][path: ["data", "ratio"]] == "1.5")
    }

    @Test("bad YAML is a 400 that names the line and column")
    func badYAML() throws {
        do {
            _ = try YAML.documents("a: b\n  c: [d\n")
            Issue.record("parsed bad YAML")
        } catch {
            #expect(error.code == .badRequest)
            #expect(error.message.contains("line"))
        }
    }

    @Test("rendering quotes strings that would read back as another type, and round-trips")
    func renderRoundTrip() throws {
        let value: JSON = ["a": "true", "b": "1", "c": 1, "d": ["x", "null"], "e": "plain", "f": "multi\nline\n"]
        let text = YAML.render(value)
        #expect(text.contains("a: \"true\""))
        #expect(try YAML.parse(text) == value)
    }
}
