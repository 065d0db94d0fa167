#!/usr/bin/env python3
"""Real-client scenario: drive a running Skiff master with the official Python client.

    python_client.py KUBECONFIG

Needs the `kubernetes` package (setup-python.sh makes a venv with it). Works in the
kubeconfig's namespace ("default" for skiffd's kubeconfig); every object name carries a
per-run suffix, so it can run repeatedly against one master. Prints one line per check and
exits 1 with a clear message at the first failure (set SKC_KEEP_GOING=1 to run every
section and exit 1 at the end). The last line is "python-client: N checks passed, M sections failed".
"""
import os
import random
import string
import sys
import threading
import time
import traceback

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

KEEP_GOING = os.environ.get("SKC_KEEP_GOING") == "1"
PASSED = 0


class CheckFailed(Exception):
    pass


def ok(what):
    global PASSED
    PASSED += 1
    print(f"ok   {what}", flush=True)


def check(cond, what, detail=""):
    if not cond:
        raise CheckFailed(f"{what}{': ' + str(detail) if detail != '' else ''}")
    ok(what)


def equal(got, want, what):
    check(got == want, what, f"expected {want!r}, got {got!r}")


def call(what, fn, *args, **kwargs):
    """Run a client call; an ApiException or a model ValidationError is a failed check."""
    try:
        return fn(*args, **kwargs)
    except ApiException as e:
        raise CheckFailed(f"{what}: ApiException {e.status} {e.reason}: {e.body}") from None
    except Exception as e:  # pydantic ValidationError, ValueError from the models, …
        raise CheckFailed(f"{what}: {type(e).__name__}: {e}") from None


def expect_status(what, status, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ApiException as e:
        check(e.status == status, what, f"expected ApiException {status}, got {e.status}: {e.body}")
        return e
    except Exception as e:
        raise CheckFailed(f"{what}: expected ApiException {status}, got {type(e).__name__}: {e}") from None
    raise CheckFailed(f"{what}: expected ApiException {status}, but the call succeeded")


def wait_gone(what, read, *args, timeout=60):  # generous: CI runs many masters at once
    end = time.time() + timeout
    while True:
        try:
            read(*args)
        except ApiException as e:
            if e.status == 404:
                ok(what)
                return
            raise CheckFailed(f"{what}: ApiException {e.status}: {e.body}") from None
        if time.time() > end:
            raise CheckFailed(f"{what}: still there after {timeout} s")
        time.sleep(0.3)


# ------------------------------------------------------------------ setup
if len(sys.argv) != 2:
    sys.exit("usage: python_client.py KUBECONFIG")
config.load_kube_config(config_file=sys.argv[1])
_, active = config.list_kube_config_contexts(config_file=sys.argv[1])
NS = active["context"].get("namespace") or "default"
RUN = "".join(random.choices(string.ascii_lowercase + string.digits, k=6))
LABELS = {"skcrun": RUN}
v1 = client.CoreV1Api()
apps = client.AppsV1Api()


def pod_body(name, image="busybox:1.36", labels=None):
    return client.V1Pod(
        metadata=client.V1ObjectMeta(name=name, labels={**LABELS, **(labels or {})}),
        spec=client.V1PodSpec(containers=[client.V1Container(name="main", image=image, command=["sleep", "3600"])]),
    )


# ------------------------------------------------------------------ sections
def version():
    info = call("get_code", client.VersionApi().get_code)
    check(info.git_version.startswith("v1."), "version: git_version is v1.x", info.git_version)
    check(info.major == "1" and info.minor.isdigit(), "version: major/minor", (info.major, info.minor))


def pods():
    name = f"skc-py-pod-{RUN}"
    created = call("create_namespaced_pod", v1.create_namespaced_pod, NS, pod_body(name, labels={"tier": "a"}))
    equal(created.metadata.name, name, "pod create: returns the pod")
    equal(created.metadata.namespace, NS, "pod create: namespace is set")
    check(bool(created.metadata.uid), "pod create: uid is set", created.metadata.uid)
    check(created.metadata.creation_timestamp is not None, "pod create: creationTimestamp is set")
    check(isinstance(created.metadata.resource_version, str) and created.metadata.resource_version,
          "pod create: resourceVersion is a non-empty string", created.metadata.resource_version)
    equal(created.spec.containers[0].image, "busybox:1.36", "pod create: image")

    got = call("read_namespaced_pod", v1.read_namespaced_pod, name, NS)
    equal(got.metadata.uid, created.metadata.uid, "pod read: same uid")
    equal(got.spec.containers[0].command, ["sleep", "3600"], "pod read: command")

    lst = call("list_namespaced_pod", v1.list_namespaced_pod, NS, label_selector=f"skcrun={RUN}")
    equal([p.metadata.name for p in lst.items], [name], "pod list with labelSelector: only our pod")
    check(bool(lst.metadata.resource_version), "pod list: list resourceVersion is set")
    lst = call("list_namespaced_pod", v1.list_namespaced_pod, NS, field_selector=f"metadata.name={name}")
    equal([p.metadata.name for p in lst.items], [name], "pod list with fieldSelector metadata.name")
    lst = call("list_pod_for_all_namespaces", v1.list_pod_for_all_namespaces, label_selector=f"skcrun={RUN}")
    equal([(p.metadata.namespace, p.metadata.name) for p in lst.items], [(NS, name)], "pod list all namespaces")
    lst = call("list_namespaced_pod", v1.list_namespaced_pod, NS, label_selector=f"skcrun={RUN},tier notin (a)")
    equal(lst.items, [], "pod list matching nothing: items is []")

    patched = call("patch_namespaced_pod", v1.patch_namespaced_pod, name, NS,
                   {"metadata": {"labels": {"tier": "b"}, "annotations": {"skc/note": "hi"}}})
    equal(patched.metadata.labels.get("tier"), "b", "pod patch (strategic merge): label changed")
    equal(patched.metadata.annotations.get("skc/note"), "hi", "pod patch: annotation added")
    check(int(patched.metadata.resource_version) > int(created.metadata.resource_version),
          "pod patch: resourceVersion went up", (created.metadata.resource_version, patched.metadata.resource_version))

    patched = call("patch_namespaced_pod (json patch)", v1.patch_namespaced_pod, name, NS,
                   [{"op": "add", "path": "/metadata/labels/jp", "value": "yes"}])
    equal(patched.metadata.labels.get("jp"), "yes", "pod patch (json patch): label added")

    cur = call("read_namespaced_pod", v1.read_namespaced_pod, name, NS)
    cur.metadata.labels["replaced"] = "true"
    cur.spec.containers[0].image = "busybox:1.37"
    replaced = call("replace_namespaced_pod", v1.replace_namespaced_pod, name, NS, cur)
    equal(replaced.metadata.labels.get("replaced"), "true", "pod replace: label set")
    equal(replaced.spec.containers[0].image, "busybox:1.37", "pod replace: image updated")

    stale = call("read_namespaced_pod", v1.read_namespaced_pod, name, NS)
    stale.metadata.resource_version = created.metadata.resource_version
    stale.metadata.labels["stale"] = "true"
    e = expect_status("pod replace with a stale resourceVersion: 409", 409, v1.replace_namespaced_pod, name, NS, stale)
    check('"reason":"Conflict"' in e.body.replace(" ", ""), "pod replace conflict: reason Conflict", e.body)

    e = expect_status("pod create twice: 409", 409, v1.create_namespaced_pod, NS, pod_body(name))
    check('"reason":"AlreadyExists"' in e.body.replace(" ", ""), "pod create twice: reason AlreadyExists", e.body)

    deleted = call("delete_namespaced_pod", v1.delete_namespaced_pod, name, NS)
    check(isinstance(deleted, client.V1Pod), "pod delete: returns the Pod", type(deleted).__name__)
    equal(deleted.metadata.name, name, "pod delete: returned pod's name")
    wait_gone("pod delete: read gives 404 afterwards", v1.read_namespaced_pod, name, NS)


def pod_errors():
    e = expect_status("read a missing pod: ApiException 404", 404, v1.read_namespaced_pod, "nosuch", NS)
    check('"reason":"NotFound"' in e.body.replace(" ", ""), "missing pod: Status reason NotFound", e.body)
    check('pods \\"nosuch\\" not found' in e.body, "missing pod: message", e.body)
    expect_status("delete a missing pod: 404", 404, v1.delete_namespaced_pod, "nosuch", NS)
    bad = client.V1Pod(metadata=client.V1ObjectMeta(name=f"skc-py-bad-{RUN}"),
                       spec=client.V1PodSpec(containers=[client.V1Container(name="main")]))
    e = expect_status("create a pod without image: 422", 422, v1.create_namespaced_pod, NS, bad)
    check("spec.containers[0].image" in e.body, "invalid pod: the cause names spec.containers[0].image", e.body)
    expect_status("create in a missing namespace: 404", 404, v1.create_namespaced_pod, f"nosuch-{RUN}", pod_body("x"))


def services():
    name = f"skc-py-svc-{RUN}"
    body = client.V1Service(
        metadata=client.V1ObjectMeta(name=name, labels=LABELS),
        spec=client.V1ServiceSpec(selector={"app": name},
                                  ports=[client.V1ServicePort(name="http", port=80, target_port=8080)]))
    created = call("create_namespaced_service", v1.create_namespaced_service, NS, body)
    equal(created.spec.ports[0].port, 80, "service create: port")
    equal(created.spec.ports[0].target_port, 8080, "service create: targetPort (int-or-string) is the int 8080")
    equal(created.spec.ports[0].protocol, "TCP", "service create: protocol defaults to TCP")
    equal(created.spec.type, "ClusterIP", "service create: type defaults to ClusterIP")
    got = call("read_namespaced_service", v1.read_namespaced_service, name, NS)
    equal(got.spec.selector, {"app": name}, "service read: selector")
    lst = call("list_namespaced_service", v1.list_namespaced_service, NS, label_selector=f"skcrun={RUN}")
    equal([s.metadata.name for s in lst.items], [name], "service list")
    patched = call("patch_namespaced_service", v1.patch_namespaced_service, name, NS,
                   {"spec": {"ports": [{"name": "http", "port": 80, "targetPort": "web"}]}})
    equal(patched.spec.ports[0].target_port, "web", "service patch: targetPort is now the string 'web'")
    call("delete_namespaced_service", v1.delete_namespaced_service, name, NS)
    ok("service delete")
    wait_gone("service delete: read gives 404 afterwards", v1.read_namespaced_service, name, NS)


def configmaps():
    name = f"skc-py-cm-{RUN}"
    body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels=LABELS), data={"a": "1", "b": "2"})
    created = call("create_namespaced_config_map", v1.create_namespaced_config_map, NS, body)
    equal(created.data, {"a": "1", "b": "2"}, "configmap create: data")
    got = call("read_namespaced_config_map", v1.read_namespaced_config_map, name, NS)
    equal(got.data, {"a": "1", "b": "2"}, "configmap read: data")
    got.data = {"a": "10"}
    replaced = call("replace_namespaced_config_map", v1.replace_namespaced_config_map, name, NS, got)
    equal(replaced.data, {"a": "10"}, "configmap replace: data replaced whole")
    patched = call("patch_namespaced_config_map", v1.patch_namespaced_config_map, name, NS,
                   {"data": {"c": "3", "a": None}})
    equal(patched.data, {"c": "3"}, "configmap patch: key added, null deletes a key")
    lst = call("list_namespaced_config_map", v1.list_namespaced_config_map, NS, label_selector=f"skcrun={RUN}")
    equal([c.metadata.name for c in lst.items], [name], "configmap list")
    st = call("delete_namespaced_config_map", v1.delete_namespaced_config_map, name, NS)
    ok(f"configmap delete (returned {type(st).__name__})")
    wait_gone("configmap delete: read gives 404 afterwards", v1.read_namespaced_config_map, name, NS)


def deployments():
    name = f"skc-py-deploy-{RUN}"
    body = client.V1Deployment(
        metadata=client.V1ObjectMeta(name=name, labels=LABELS),
        spec=client.V1DeploymentSpec(
            replicas=2,
            selector=client.V1LabelSelector(match_labels={"app": name}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": name}),
                spec=client.V1PodSpec(containers=[client.V1Container(name="main", image="nginx:1.25")]))))
    created = call("create_namespaced_deployment", apps.create_namespaced_deployment, NS, body)
    equal(created.spec.replicas, 2, "deployment create: replicas")
    equal(created.spec.selector.match_labels, {"app": name}, "deployment create: selector")
    gen1 = created.metadata.generation
    check(isinstance(gen1, int), "deployment create: generation is an int", gen1)
    got = call("read_namespaced_deployment", apps.read_namespaced_deployment, name, NS)
    equal(got.spec.template.spec.containers[0].image, "nginx:1.25", "deployment read: image")
    lst = call("list_namespaced_deployment", apps.list_namespaced_deployment, NS, label_selector=f"skcrun={RUN}")
    equal([d.metadata.name for d in lst.items], [name], "deployment list")
    patched = call("patch_namespaced_deployment", apps.patch_namespaced_deployment, name, NS,
                   {"spec": {"template": {"spec": {"containers": [{"name": "main", "image": "nginx:1.26"}]}}}})
    equal(patched.spec.template.spec.containers[0].image, "nginx:1.26", "deployment patch: image (SMP merges containers by name)")
    equal(len(patched.spec.template.spec.containers), 1, "deployment patch: still one container")
    check(patched.metadata.generation > gen1, "deployment patch: generation went up", (gen1, patched.metadata.generation))
    # Read, modify, replace, again on a 409: the deployment controller writes status meanwhile,
    # which moves resourceVersion (as on Kubernetes; clients retry so).
    for attempt in range(10):
        got = call("read_namespaced_deployment", apps.read_namespaced_deployment, name, NS)
        got.spec.template.spec.containers[0].image = "nginx:1.27"
        try:
            replaced = apps.replace_namespaced_deployment(name, NS, got)
            break
        except ApiException as e:
            if e.status != 409 or attempt == 9:
                raise CheckFailed(f"replace_namespaced_deployment: ApiException {e.status} {e.reason}: {e.body}") from None
    equal(replaced.spec.template.spec.containers[0].image, "nginx:1.27", "deployment replace: image")

    scale = call("read_namespaced_deployment_scale", apps.read_namespaced_deployment_scale, name, NS)
    equal(scale.spec.replicas, 2, "deployment scale read: spec.replicas")
    scale = call("patch_namespaced_deployment_scale", apps.patch_namespaced_deployment_scale, name, NS,
                 {"spec": {"replicas": 5}})
    equal(scale.spec.replicas, 5, "patch_namespaced_deployment_scale: returned spec.replicas")
    equal(scale.metadata.name, name, "patch_namespaced_deployment_scale: returned Scale name")
    got = call("read_namespaced_deployment", apps.read_namespaced_deployment, name, NS)
    equal(got.spec.replicas, 5, "deployment after scale: spec.replicas")

    call("delete_namespaced_deployment", apps.delete_namespaced_deployment, name, NS)
    ok("deployment delete")
    wait_gone("deployment delete: read gives 404 afterwards", apps.read_namespaced_deployment, name, NS)


def pod_watch():
    name = f"skc-py-watch-{RUN}"
    sentinel = f"skc-py-sentinel-{RUN}"
    seen = []
    errors = []
    live = threading.Event()

    # The sentinel exists before the watch starts: a watch without resourceVersion first
    # sends ADDED for it, which also tells us the stream is live before we make changes.
    call("create_namespaced_pod", v1.create_namespaced_pod, NS, pod_body(sentinel, labels={"watch": RUN}))

    def consume():
        w = watch.Watch()
        try:
            for ev in w.stream(v1.list_namespaced_pod, namespace=NS, label_selector=f"watch={RUN}",
                               timeout_seconds=120):
                obj = ev["object"]
                seen.append((ev["type"], obj.metadata.name, (obj.metadata.labels or {}).get("phase")))
                if obj.metadata.name == sentinel:
                    live.set()
                if ev["type"] == "DELETED" and obj.metadata.name == name:
                    w.stop()
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            errors.append(f"{type(e).__name__}: {e}")
        finally:
            live.set()

    t = threading.Thread(target=consume, daemon=True)
    t.start()
    check(live.wait(60) and not errors, "watch: initial ADDED for an existing pod", (seen, errors))
    call("create_namespaced_pod", v1.create_namespaced_pod, NS, pod_body(name, labels={"phase": "one", "watch": RUN}))
    call("patch_namespaced_pod", v1.patch_namespaced_pod, name, NS, {"metadata": {"labels": {"phase": "two"}}})
    call("delete_namespaced_pod", v1.delete_namespaced_pod, name, NS)
    t.join(120)
    call("delete_namespaced_pod", v1.delete_namespaced_pod, sentinel, NS)
    check(not t.is_alive(), "watch: stream ended after DELETED", seen)
    check(not errors, "watch: no exception in the stream", errors)
    ours = [e for e in seen if e[1] == name]
    types = [e[0] for e in ours]
    check("ADDED" in types, "watch: ADDED received", ours)
    check(("MODIFIED", name, "two") in ours, "watch: MODIFIED with the patched label received", ours)
    check("DELETED" in types, "watch: DELETED received", ours)
    check(types.index("ADDED") < types.index("MODIFIED") < types.index("DELETED"), "watch: events in order", types)


def workload_status():
    """A new ReplicaSet/StatefulSet/DaemonSet/ReplicationController has a status whose
    non-omitempty counters are 0 (Go serialises them); the Python models require them."""
    def tmpl(app):
        return {"metadata": {"labels": {"app": app}},
                "spec": {"containers": [{"name": "main", "image": "busybox"}]}}
    n = f"skc-py-wl-{RUN}"
    meta = {"name": n, "labels": LABELS}
    cases = [
        ("ReplicaSet", apps.create_namespaced_replica_set, apps.read_namespaced_replica_set, apps.delete_namespaced_replica_set,
         {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta,
          "spec": {"replicas": 0, "selector": {"matchLabels": {"app": n + "-rs"}}, "template": tmpl(n + "-rs")}}),
        ("StatefulSet", apps.create_namespaced_stateful_set, apps.read_namespaced_stateful_set, apps.delete_namespaced_stateful_set,
         {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta,
          "spec": {"replicas": 0, "serviceName": n, "selector": {"matchLabels": {"app": n + "-sts"}}, "template": tmpl(n + "-sts")}}),
        ("DaemonSet", apps.create_namespaced_daemon_set, apps.read_namespaced_daemon_set, apps.delete_namespaced_daemon_set,
         {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta,
          "spec": {"selector": {"matchLabels": {"app": n + "-ds"}}, "template": tmpl(n + "-ds")}}),
        ("ReplicationController", v1.create_namespaced_replication_controller, v1.read_namespaced_replication_controller,
         v1.delete_namespaced_replication_controller,
         {"apiVersion": "v1", "kind": "ReplicationController", "metadata": meta,
          "spec": {"replicas": 0, "selector": {"app": n + "-rc"}, "template": tmpl(n + "-rc")}}),
    ]
    failures = []
    for kind, create, read, delete, body in cases:
        try:
            created = call(f"create {kind}", create, NS, body)
            equal(created.metadata.name, n, f"{kind} create: returns the object")
            got = call(f"read {kind}", read, n, NS)
            equal(got.metadata.name, n, f"{kind} read")
        except CheckFailed as e:
            print(f"     {e}", flush=True)
            failures.append(kind)
        finally:
            try:
                delete(n, NS)
            except Exception:  # noqa: BLE001
                pass
    check(not failures, "workload kinds: create and read parse as typed models", failures)


SECTIONS = [version, pods, pod_errors, services, configmaps, deployments, pod_watch, workload_status]

failed = []
for section in SECTIONS:
    print(f"--- {section.__name__}", flush=True)
    try:
        section()
    except CheckFailed as e:
        print(f"FAIL {section.__name__}: {e}", flush=True)
        failed.append(section.__name__)
    except Exception:  # an unexpected client error is a failure too, with its traceback
        print(f"FAIL {section.__name__}: unexpected exception", flush=True)
        traceback.print_exc(file=sys.stdout)
        failed.append(section.__name__)
    if failed and not KEEP_GOING:
        break
# Best-effort cleanup of whatever a failed section left behind (not counted as checks).
for kind, lister, deleter in [
    ("pod", v1.list_namespaced_pod, v1.delete_namespaced_pod),
    ("service", v1.list_namespaced_service, v1.delete_namespaced_service),
    ("configmap", v1.list_namespaced_config_map, v1.delete_namespaced_config_map),
    ("deployment", apps.list_namespaced_deployment, apps.delete_namespaced_deployment),
]:
    try:
        for item in lister(NS, label_selector=f"skcrun={RUN}").items:
            deleter(item.metadata.name, NS)
    except Exception as e:  # noqa: BLE001
        print(f"cleanup of {kind}s failed: {e}")
try:
    v1.delete_namespaced_pod(f"skc-py-bad-{RUN}", NS)
except Exception:  # noqa: BLE001 - normally 404: the invalid pod was never created
    pass

print(f"python-client: {PASSED} checks passed, {len(failed)} sections failed{' (' + ' '.join(failed) + ')' if failed else ''}")
sys.exit(1 if failed else 0)
