import SkiffAPI
import Testing

@Suite("Name validation")
struct NameValidationTests {
    static let subdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

    @Test(
        "DNS-1123 subdomains", arguments: ["example.com", "a", "my-app-1", "0.1.2", String(repeating: "a", count: 253)])
    func validSubdomains(name: String) {
        #expect(NameValidation.isDNS1123Subdomain(name).isEmpty)
    }

    @Test(
        "invalid subdomains get Kubernetes' exact message",
        arguments: ["Example.com", "-a", "a-", "a..b", "", "a_b", "héllo"])
    func invalidSubdomains(name: String) {
        #expect(NameValidation.isDNS1123Subdomain(name) == [Self.subdomainMessage])
    }

    @Test("subdomains are limited to 253 characters")
    func subdomainLength() {
        #expect(
            NameValidation.isDNS1123Subdomain(String(repeating: "a", count: 254)) == [
                "must be no more than 253 characters"
            ])
    }

    @Test("DNS-1123 labels")
    func labels() {
        #expect(NameValidation.isDNS1123Label("my-name").isEmpty)
        #expect(NameValidation.isDNS1123Label("my.name") == ["must not contain dots"])
        #expect(NameValidation.isDNS1123Label("-abc") == [Self.labelMessage])
        #expect(NameValidation.isDNS1123Label("ABC") == [Self.labelMessage])
        #expect(
            NameValidation.isDNS1123Label(String(repeating: "a", count: 64)) == ["must be no more than 63 characters"])
    }

    @Test("DNS-1035 labels for Service names")
    func dns1035() {
        #expect(NameValidation.isDNS1035Label("web-1").isEmpty)
        #expect(
            NameValidation.isDNS1035Label("1web") == [
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
            ])
    }

    @Test("qualified names (label keys)")
    func qualifiedNames() {
        for valid in ["app", "app.kubernetes.io/name", "MyName", "my_name.x", "example.com/My-Key_1"] {
            #expect(NameValidation.isQualifiedName(valid).isEmpty, "\(valid)")
        }
        #expect(NameValidation.isQualifiedName("/name") == ["prefix part must be non-empty"])
        #expect(
            NameValidation.isQualifiedName("a/b/c").first?.hasPrefix("a qualified name must consist of alphanumeric")
                == true)
        #expect(
            NameValidation.isQualifiedName("Example.com/x").first?.hasPrefix(
                "prefix part a lowercase RFC 1123 subdomain") == true)
        let badName = NameValidation.isQualifiedName("bad key!")
        #expect(badName.count == 1)
        #expect(badName.first?.hasPrefix("name part must consist of alphanumeric characters, '-', '_' or '.'") == true)
        #expect(NameValidation.isQualifiedName("x/").contains("name part must be non-empty"))
        #expect(
            NameValidation.isQualifiedName(String(repeating: "a", count: 64)) == [
                "name part must be no more than 63 characters"
            ])
    }

    @Test("label values")
    func labelValues() {
        #expect(NameValidation.isValidLabelValue("").isEmpty)
        #expect(NameValidation.isValidLabelValue("v1.2_beta-3").isEmpty)
        #expect(
            NameValidation.isValidLabelValue(String(repeating: "v", count: 64)) == [
                "must be no more than 63 characters"
            ])
        #expect(
            NameValidation.isValidLabelValue("-x").first?.hasPrefix(
                "a valid label must be an empty string or consist of") == true)
        #expect(NameValidation.isValidLabelValue("a/b").count == 1)
    }

    @Test("generateName prefixes may end in a dash")
    func prefixes() {
        #expect(NameValidation.validateName("web-", rule: .dns1123Subdomain, prefix: true).isEmpty)
        #expect(!NameValidation.validateName("web-", rule: .dns1123Subdomain).isEmpty)
        #expect(!NameValidation.validateName("Web-", rule: .dns1123Label, prefix: true).isEmpty)
    }

    @Test("other value syntaxes")
    func values() {
        #expect(NameValidation.isValidPortNum(1).isEmpty)
        #expect(NameValidation.isValidPortNum(65536) == ["must be between 1 and 65535, inclusive"])
        #expect(NameValidation.isValidPortName("http").isEmpty)
        #expect(NameValidation.isValidPortName("8080") == ["must contain at least one letter (a-z)"])
        #expect(NameValidation.isValidPortName("very-long-port-name").contains("must be no more than 15 characters"))
        #expect(NameValidation.isValidPortName("a--b") == ["must not contain consecutive hyphens"])
        #expect(NameValidation.isConfigMapKey("app.properties").isEmpty)
        #expect(NameValidation.isConfigMapKey("..data") == ["must not start with '..'"])
        #expect(
            NameValidation.isConfigMapKey("a b").first?.hasPrefix(
                "a valid config key must consist of alphanumeric characters") == true)
        #expect(NameValidation.isValidPercent("25%").isEmpty)
        #expect(NameValidation.isValidPercent("25").count == 1)
        #expect(NameValidation.isEnvVarName("MY_VAR.1").isEmpty)
        #expect(NameValidation.isEnvVarName("A=B").count == 1)
        for ip in ["10.0.0.1", "::1", "fd00::5", "2001:db8::ffff", "::ffff:10.1.2.3", "1:2:3:4:5:6:7:8"] {
            #expect(NameValidation.isValidIP(ip), "\(ip)")
        }
        for ip in ["10.0.0", "256.1.1.1", "01.2.3.4", "1:2:3:4:5:6:7:8:9", "1::2::3", "abc", "", "g::1"] {
            #expect(!NameValidation.isValidIP(ip), "\(ip)")
        }
    }

    @Test("object metadata")
    func objectMeta() {
        let missing = NameValidation.validateObjectMeta(
            ["namespace": "default"], namespaced: true, nameRule: .dns1123Subdomain)
        #expect(missing == [.required("metadata.name", "Required value: name or generateName is required")])

        let generated = NameValidation.validateObjectMeta(
            ["generateName": "web-", "namespace": "default"], namespaced: true, nameRule: .dns1123Subdomain)
        #expect(generated.isEmpty)

        let badName = NameValidation.validateObjectMeta(
            ["name": "Web", "namespace": "default"], namespaced: true, nameRule: .dns1123Subdomain)
        #expect(badName.map(\.field) == ["metadata.name"])
        #expect(badName.first?.reason == "FieldValueInvalid")
        #expect(badName.first?.message == "Invalid value: \"Web\": " + Self.subdomainMessage)

        let noNamespace = NameValidation.validateObjectMeta(
            ["name": "web"], namespaced: true, nameRule: .dns1123Subdomain)
        #expect(noNamespace == [.required("metadata.namespace")])

        let clusterScoped = NameValidation.validateObjectMeta(
            ["name": "n1", "namespace": "x"], namespaced: false, nameRule: .dns1123Subdomain)
        #expect(clusterScoped == [.forbidden("metadata.namespace", "not allowed on this type")])

        let labels = NameValidation.validateObjectMeta(
            [
                "name": "web", "namespace": "default",
                "labels": ["bad key": "ok", "app": .string(String(repeating: "x", count: 64))],
            ],
            namespaced: true, nameRule: .dns1123Subdomain)
        #expect(labels.count == 2)
        #expect(labels.allSatisfy { $0.field == "metadata.labels" && $0.reason == "FieldValueInvalid" })

        let big = String(repeating: "x", count: 300 * 1024)
        let annotations = NameValidation.validateObjectMeta(
            ["name": "web", "namespace": "default", "annotations": ["example.com/blob": .string(big)]],
            namespaced: true, nameRule: .dns1123Subdomain)
        #expect(annotations.map(\.reason) == ["FieldValueTooLong"])
        #expect(annotations.first?.field == "metadata.annotations")
        #expect(annotations.first?.message == "Too long: must have at most 262144 bytes")

        let wrongTypes = NameValidation.validateObjectMeta(
            ["name": 5, "namespace": "default", "labels": "x"], namespaced: true, nameRule: .dns1123Subdomain)
        #expect(wrongTypes.map(\.field).sorted() == ["metadata.labels", "metadata.name", "metadata.name"])
        #expect(
            NameValidation.validateObjectMeta("text", namespaced: true, nameRule: .dns1123Label).map(\.field) == [
                "metadata"
            ])
    }
}
