#!/usr/bin/env python3
"""Capture the bodies that real kubectl `create <generator>` commands POST.

kubectl >= 1.32 sends `application/vnd.kubernetes.protobuf` for generator commands
(shared/K8S-API.md section 7); kubectl 1.30 sends the same objects as JSON, which is what the
decoded protobuf must equal. Rather than hand-craft test bytes, this script runs a tiny fake
API server on 127.0.0.1 (a free port, never anything else), points each kubectl at it with a
throwaway kubeconfig and cache dir, records every POST body, and writes them into
KubectlBodies.swift (protobuf, base64) and KubectlJSONBodies.swift (JSON, as text) next to
the tests, so the Swift tests are self-contained.

Usage: python3 tools/capture_kubectl.py [path/to/kubectl-1.33] [path/to/kubectl-1.30]
"""
import base64, json, os, subprocess, sys, tempfile, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KUBECTL = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
KUBECTL_JSON = sys.argv[2] if len(sys.argv) > 2 else "/usr/lib/google-cloud-sdk/bin/kubectl.1.30"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = HERE
VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]


def res(name, kind, namespaced=True, short=()):
    return {"name": name, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
            "verbs": VERBS, "shortNames": list(short)}


# Legacy discovery (K8S-API.md section 3): enough for kubectl to map each generator to a URL.
DOCS = {
    "/version": {"major": "1", "minor": "33", "gitVersion": "v1.33.1"},
    "/api": {"kind": "APIVersions", "versions": ["v1"]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": g, "versions": [{"groupVersion": g + "/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": g + "/v1", "version": "v1"}}
        for g in ("apps", "batch", "scheduling.k8s.io")]},
    "/api/v1": {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "v1", "resources": [
        res("pods", "Pod", short=["po"]), res("services", "Service", short=["svc"]),
        res("configmaps", "ConfigMap", short=["cm"]), res("secrets", "Secret"),
        res("namespaces", "Namespace", False, ["ns"]),
        res("serviceaccounts", "ServiceAccount", short=["sa"]),
        res("resourcequotas", "ResourceQuota", short=["quota"])]},
    "/apis/apps/v1": {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "apps/v1",
                      "resources": [res("deployments", "Deployment", short=["deploy"])]},
    "/apis/batch/v1": {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "batch/v1",
                       "resources": [res("jobs", "Job"), res("cronjobs", "CronJob", short=["cj"])]},
    "/apis/scheduling.k8s.io/v1": {
        "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "scheduling.k8s.io/v1",
        "resources": [res("priorityclasses", "PriorityClass", False, ["pc"])]},
}

# plural -> (groupVersion, kind), so the echo is an object kubectl's scheme knows.
KINDS = {r["name"]: (doc["groupVersion"], r["kind"])
         for path, doc in DOCS.items() if doc.get("kind") == "APIResourceList" for r in doc["resources"]}
captured = {}  # fixture name -> (content type, body)
current = {"name": None}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body, ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path.startswith("/openapi"):
            return self.reply(200, b"")
        doc = DOCS.get(path)
        if doc is None:
            return self.reply(404, b'{"kind":"Status","apiVersion":"v1","status":"Failure","code":404}')
        self.reply(200, json.dumps(doc).encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        captured[current["name"]] = (self.headers.get("Content-Type", ""), body, self.path)
        # Echo enough of an object for kubectl to print "<kind>/<name> created".
        plural = self.path.split("?")[0].rstrip("/").split("/")[-1]
        group_version, kind = KINDS.get(plural, ("v1", "Status"))
        echo = {"kind": kind, "apiVersion": group_version,
                "metadata": {"name": current["name"], "namespace": "default"}}
        self.reply(201, json.dumps(echo).encode())


COMMANDS = [
    ("deployment", ["create", "deployment", "web", "--image=busybox", "--replicas=2", "--port=8080"]),
    ("namespace", ["create", "namespace", "x"]),
    ("configmap", ["create", "configmap", "c", "--from-literal=a=b"]),
    ("secret", ["create", "secret", "generic", "s", "--from-literal=k=v"]),
    ("service", ["create", "service", "clusterip", "svc", "--tcp=80:8080"]),
    ("job", ["create", "job", "j", "--image=busybox", "--", "echo", "hi"]),
    ("cronjob", ["create", "cronjob", "cj", "--image=busybox", "--schedule=*/1 * * * *"]),
    ("serviceaccount", ["create", "serviceaccount", "sa"]),
    ("quota", ["create", "quota", "q", "--hard=pods=2"]),
    ("priorityclass", ["create", "priorityclass", "pc", "--value=1000"]),
]


def capture(kubectl):
    """Runs every command against a fresh fake server; returns {name: (content type, body, path)}."""
    captured.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = os.path.join(tmp, "config")
        with open(kubeconfig, "w") as f:
            f.write(f"""apiVersion: v1
kind: Config
clusters: [{{name: c, cluster: {{server: "http://127.0.0.1:{port}"}}}}]
users: [{{name: u, user: {{}}}}]
contexts: [{{name: x, context: {{cluster: c, user: u, namespace: default}}}}]
current-context: x
""")
        for name, args in COMMANDS:
            current["name"] = name
            cmd = [kubectl, "--kubeconfig", kubeconfig, "--cache-dir", os.path.join(tmp, "cache")] + args
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
            print(f"{name}: rc={r.returncode} {r.stdout.strip()} {r.stderr.strip()}", file=sys.stderr)
    server.shutdown()
    server.server_close()
    return dict(captured)


def git_version(kubectl):
    version = subprocess.run([kubectl, "version", "--client", "-o", "json"], capture_output=True,
                             text=True).stdout
    return json.loads(version)["clientVersion"]["gitVersion"] if version else "unknown"


def write_fixtures(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines + ["    ]", "}", ""]))
    print(f"wrote {os.path.normpath(path)}", file=sys.stderr)


def main():
    bodies = capture(KUBECTL)
    write_fixtures(os.path.join(OUT_DIR, "KubectlBodies.swift"), [
        "// swift-format-ignore-file",
        "// Generated by tools/capture_kubectl.py from kubectl " + git_version(KUBECTL) + "; do not edit.",
        "// Request bodies that `kubectl create <generator>` POSTed to a fake API server on 127.0.0.1.",
        "// Regenerate: python3 tools/capture_kubectl.py [/path/to/kubectl] [/path/to/kubectl-1.30]",
        "",
        "/// Captured request bodies, base64, keyed by generator; with the Content-Type and path kubectl used.",
        "enum KubectlBodies {",
        "    static let all: [String: (contentType: String, path: String, base64: String)] = [",
    ] + [f'        "{name}": ("{ctype}", "{path}", "{base64.b64encode(body).decode()}"),'
         for name, (ctype, body, path) in sorted(bodies.items())])

    json_bodies = capture(KUBECTL_JSON)
    lines = [
        "// swift-format-ignore-file",
        "// Generated by tools/capture_kubectl.py from kubectl " + git_version(KUBECTL_JSON) + "; do not edit.",
        "// The same `kubectl create <generator>` commands as KubectlBodies.swift, from a kubectl that",
        "// still sends JSON: what the decoded protobuf bodies must equal (KubectlBodiesTests).",
        "// Regenerate: python3 tools/capture_kubectl.py [/path/to/kubectl] [/path/to/kubectl-1.30]",
        "",
        "/// Captured JSON request bodies, keyed by generator; with the Content-Type and path kubectl used.",
        "enum KubectlJSONBodies {",
        "    static let all: [String: (contentType: String, path: String, json: String)] = [",
    ]
    for name, (ctype, body, path) in sorted(json_bodies.items()):
        text = body.decode().strip()
        if not ctype.startswith("application/json") or '"#' in text or "\n" in text:
            sys.exit(f"error: {name}: expected one line of JSON without '\"#', got {ctype}: {text[:80]}")
        lines.append(f'        "{name}": ("{ctype}", "{path}", #"{text}"#),')
    write_fixtures(os.path.join(OUT_DIR, "KubectlJSONBodies.swift"), lines)


if __name__ == "__main__":
    main()
