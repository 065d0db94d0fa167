"""kubectl exec's equivalent in the official Python client (WebSocket, v5/v4 channels).

Usage: python_exec.py KUBECONFIG POD. Prints one JSON object with what came back, for
AgentExecTests to check."""
import json
import sys

from kubernetes import client, config
from kubernetes.stream import stream

config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
pod = sys.argv[2]
result = {}
result["simple"] = stream(
    v1.connect_get_namespaced_pod_exec, pod, "default", command=["sh", "-c", "echo hi; hostname"],
    stderr=True, stdin=False, stdout=True, tty=False)
session = stream(
    v1.connect_get_namespaced_pod_exec, pod, "default",
    command=["sh", "-c", "read line; echo got $line; echo oops >&2; exit 3"],
    stderr=True, stdin=True, stdout=True, tty=False, _preload_content=False)
session.write_stdin("from-python\n")
session.run_forever(timeout=30)
result["stdout"] = session.read_stdout()
result["stderr"] = session.read_stderr()
result["returncode"] = session.returncode
print(json.dumps(result))
