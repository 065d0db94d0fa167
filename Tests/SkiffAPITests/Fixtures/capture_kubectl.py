#!/usr/bin/env python3
"""Capture the protobuf bodies that real kubectl `create <generator>` commands POST.

kubectl >= 1.32 sends `application/vnd.kubernetes.protobuf` for generator commands
(shared/K8S-API.md section 7). Rather than hand-craft test bytes, this script runs a tiny fake
API server on 127.0.0.1 (a free port, never anything else), points kubectl at it with a
throwaway kubeconfig and cache dir, records every POST body, and writes them as base64 into
Tests/SkiffAPITests/Fixtures/KubectlBodies.swift so the Swift tests are self-contained.

Usage: python3 tools/capture_kubectl.py [path/to/kubectl]
"""
import base64, json, os, subprocess, sys, tempfile, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KUBECTL = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/google-cloud-sdk/bin/kubectl.1.33"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "KubectlBodies.swift")
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


def main():
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
            cmd = [KUBECTL, "--kubeconfig", kubeconfig, "--cache-dir", os.path.join(tmp, "cache")] + args
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
            print(f"{name}: rc={r.returncode} {r.stdout.strip()} {r.stderr.strip()}", file=sys.stderr)
    server.shutdown()
    write_fixtures()


def write_fixtures():
    version = subprocess.run([KUBECTL, "version", "--client", "-o", "json"], capture_output=True,
                             text=True).stdout
    git = json.loads(version)["clientVersion"]["gitVersion"] if version else "unknown"
    lines = [
        "// Generated by tools/capture_kubectl.py from kubectl " + git + "; do not edit.",
        "// Request bodies that `kubectl create <generator>` POSTed to a fake API server on 127.0.0.1.",
        "// Regenerate: python3 tools/capture_kubectl.py [/path/to/kubectl]",
        "",
        "/// Captured request bodies, base64, keyed by generator; with the Content-Type and path kubectl used.",
        "enum KubectlBodies {",
        "    static let all: [String: (contentType: String, path: String, base64: String)] = [",
    ]
    for name, (ctype, body, path) in sorted(captured.items()):
        lines.append(f'        "{name}": ("{ctype}", "{path}", "{base64.b64encode(body).decode()}"),')
    lines += ["    ]", "}", ""]
    with open(OUT, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {len(captured)} bodies to {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
