import SkiffAPI

/// What a client asked of `pods/NAME/exec` or `pods/NAME/attach`, from the upgrade request's
/// URI: `…/namespaces/NS/pods/NAME/exec?command=sh&command=-c&command=…&container=C&stdin=true
/// &stdout=true&stderr=true&tty=true` (each argv element its own `command=`).
struct RemoteCommandRequest: Sendable {
    var namespace: String
    var pod: String
    var subresource: String
    var query: [String: [String]]

    /// Parses the URI; nil for anything that is not a pod's exec or attach.
    init?(uri: String) {
        let halves = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let parts = (halves.first ?? "").split(separator: "/").map(String.init)
        // api/v1/namespaces/NS/pods/NAME/SUB
        guard parts.count == 7, parts[0] == "api", parts[1] == "v1", parts[2] == "namespaces", parts[4] == "pods",
            ["exec", "attach"].contains(parts[6])
        else { return nil }
        namespace = APIRequest.percentDecode(parts[3])
        pod = APIRequest.percentDecode(parts[5])
        subresource = parts[6]
        query = APIRequest.parseQuery(halves.count > 1 ? String(halves[1]) : "")
    }

    var command: [String] { query["command"] ?? [] }
    var container: String? { query["container"]?.first }
    var tty: Bool { flag("tty") }
    var stdin: Bool { flag("stdin") }

    func flag(_ name: String) -> Bool { ["true", "1"].contains(query[name]?.first ?? "") }
}
