#!/usr/bin/env bash
# Real-client scenario: drive a running Skiff master with a real kubectl binary.
#
#   kubectl-scenario.sh KUBECTL KUBECONFIG
#
# Works with kubectl 1.20 (Debian), 1.30 and 1.33 (google-cloud-sdk). Every object this
# script creates carries a per-run suffix (and the label skcrun=<id>), so several kubectl
# versions can run it one after the other against the same master. Everything happens in
# the kubeconfig's namespace ("default" for skiffd's kubeconfig), except the namespace
# step, which creates and deletes its own namespace.
#
# Each step runs in a subshell; a failed check prints the step, the command, its exit
# status and its output. By default the script stops at the first failed step (exit 1);
# with SKC_KEEP_GOING=1 it runs every step and exits 1 at the end if any failed.
# The last line is "kubectl-scenario (<version>): N passed, M failed".
set -euo pipefail

KUBECTL=${1:?usage: kubectl-scenario.sh KUBECTL KUBECONFIG}
KC=${2:?usage: kubectl-scenario.sh KUBECTL KUBECONFIG}
KEEP_GOING=${SKC_KEEP_GOING:-0}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/skc-kubectl.XXXXXX")
CACHE="$WORK/cache"   # fresh discovery cache: never reuse ~/.kube/cache
trap 'rm -rf "$WORK"' EXIT

k() { "$KUBECTL" --kubeconfig "$KC" --cache-dir "$CACHE" "$@"; }

# Client minor version, to branch where versions genuinely differ.
MINOR=$("$KUBECTL" version --client -o json 2>/dev/null | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -n1)
CLIENT_GIT=$("$KUBECTL" version --client -o json 2>/dev/null | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' | head -n1)
[[ -n "$MINOR" ]] || { echo "cannot read the client version of $KUBECTL" >&2; exit 1; }

ID="$(date +%H%M%S)$RANDOM"   # unique per run; DNS-1123 friendly
ID=${ID:0:10}
S="v${MINOR}-${ID}"            # name suffix

# ---------------------------------------------------------------- check helpers
STEP=""
CMD=""
OUT=""
RC=0
fail() {
  echo "FAIL step '$STEP': $*"
  echo "  command: $CMD"
  echo "  exit status: $RC"
  printf '%s\n' "$OUT" | sed 's/^/  | /' | head -n 60
  exit 1
}
# run CMD...: run it, keep combined stdout+stderr in OUT and the status in RC.
run() {
  CMD="$*"
  [[ $1 == k ]] && CMD="kubectl ${CMD#k }"
  set +e
  OUT=$("$@" 2>&1)
  RC=$?
  set -e
}
# must CMD...: run it and require exit status 0.
must() { run "$@"; [[ $RC -eq 0 ]] || fail "expected exit status 0"; }
# mustfail CMD...: run it and require a non-zero exit status.
mustfail() { run "$@"; [[ $RC -ne 0 ]] || fail "expected a non-zero exit status"; }
# has REGEX / hasnot REGEX: check OUT (extended regex).
has() { grep -qE -- "$1" <<<"$OUT" || fail "output does not match /$1/"; }
hasnot() { if grep -qE -- "$1" <<<"$OUT"; then fail "output unexpectedly matches /$1/"; fi; }
hasfixed() { grep -qF -- "$1" <<<"$OUT" || fail "output does not contain '$1'"; }
# eq EXPECTED: OUT must equal EXPECTED exactly.
eq() { [[ "$OUT" == "$1" ]] || fail "expected '$1', got '$OUT'"; }
# jp RESOURCE JSONPATH: OUT := the jsonpath value of one object.
jp() { must k get "$1" -o "jsonpath=$2"; }
# wait_for SECONDS CHECK...: retry the CHECK command (a shell function) until it succeeds.
# The bounds are generous on purpose: CI runs several masters and clients at once on 2 cores.
wait_for() {
  local secs=$1; shift
  local end=$((SECONDS + secs))
  while true; do
    if ( "$@" ) >/dev/null 2>&1; then return 0; fi
    if (( SECONDS >= end )); then "$@"; return 1; fi   # rerun outside to report why
    sleep 0.5
  done
}

# ---------------------------------------------------------------- manifests
M="$WORK/m"
mkdir -p "$M"

pod_yaml() { # NAME IMAGE [extra label lines]
  cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
  labels:
    skcrun: "$ID"
$3
spec:
  containers:
  - name: main
    image: $2
    command: ["sleep", "3600"]
EOF
}

deploy_yaml() { # NAME IMAGE REPLICAS
  cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $1
  labels:
    app: $1
    skcrun: "$ID"
spec:
  replicas: $3
  selector:
    matchLabels:
      app: $1
  template:
    metadata:
      labels:
        app: $1
    spec:
      containers:
      - name: main
        image: $2
        ports:
        - containerPort: 8080
EOF
}

# One object of every kind the server serves, so that every `get` prints real rows.
seed_yaml() {
  local n="skc-$S"
  cat <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: $n, labels: {skcrun: "$ID"}}
data: {greeting: hello}
---
apiVersion: v1
kind: Secret
metadata: {name: $n, labels: {skcrun: "$ID"}}
type: Opaque
stringData: {password: s3cret}
---
apiVersion: v1
kind: Service
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  selector: {app: $n}
  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: $n-ep, labels: {skcrun: "$ID"}}
subsets:
- addresses: [{ip: 10.1.2.3}]
  ports: [{name: http, port: 8080, protocol: TCP}]
---
apiVersion: v1
kind: Event
metadata: {name: $n.1, labels: {skcrun: "$ID"}}
involvedObject: {kind: Pod, name: $n, namespace: default, apiVersion: v1}
reason: Testing
message: created by kubectl-scenario
type: Normal
source: {component: kubectl-scenario}
count: 1
firstTimestamp: "2024-01-01T00:00:00Z"
lastTimestamp: "2024-01-01T00:00:00Z"
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  hard: {pods: "100"}
---
apiVersion: v1
kind: LimitRange
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  limits:
  - type: Container
    default: {cpu: 100m}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 1Gi}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /tmp/$n}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  replicas: 0
  selector: {app: $n-rc}
  template:
    metadata: {labels: {app: $n-rc}}
    spec:
      containers: [{name: main, image: busybox}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: $n, labels: {skcrun: "$ID"}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  replicas: 0
  selector: {matchLabels: {app: $n-rs}}
  template:
    metadata: {labels: {app: $n-rs}}
    spec:
      containers: [{name: main, image: busybox}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  selector: {matchLabels: {app: $n-ds}}
  template:
    metadata: {labels: {app: $n-ds}}
    spec:
      containers: [{name: main, image: busybox}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  replicas: 0
  serviceName: $n
  selector: {matchLabels: {app: $n-sts}}
  template:
    metadata: {labels: {app: $n-sts}}
    spec:
      containers: [{name: main, image: busybox}]
---
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: $n, labels: {skcrun: "$ID"}}
revision: 1
data: {spec: {template: {}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  suspend: true
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: busybox, command: ["true"]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  schedule: "0 0 1 1 *"
  suspend: true
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: main, image: busybox, command: ["true"]}]
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: $n, labels: {skcrun: "$ID"}}
spec:
  holderIdentity: kubectl-scenario
  leaseDurationSeconds: 30
---
apiVersion: v1
kind: Node
metadata: {name: $n, labels: {skcrun: "$ID"}}
EOF
}

NAMESPACED_KINDS=(pods services endpoints configmaps secrets events resourcequotas limitranges
  persistentvolumeclaims replicationcontrollers serviceaccounts deployments replicasets
  daemonsets statefulsets controllerrevisions jobs cronjobs leases)
CLUSTER_KINDS=(namespaces nodes persistentvolumes)
# the name of the seeded object of each kind
seeded_name() {
  case $1 in
    namespaces) echo default ;;
    pods) echo "skc-sel-a-$S" ;;
    deployments) echo "skc-seed-$S" ;;
    endpoints) echo "skc-$S-ep" ;;
    events) echo "skc-$S.1" ;;
    *) echo "skc-$S" ;;
  esac
}

# ---------------------------------------------------------------- steps
# Version differences handled below without branching: 1.20 prints
# "Server Version: version.Info{Major:"1", ... GitVersion:"v1.33.0+skiff", ...}" where 1.30+
# print "Server Version: v1.33.0+skiff"; one regex matches both. No other step needs to
# branch on $MINOR: every command used here exists with the same output in 1.20-1.33
# (the request bodies differ, e.g. protobuf from 1.32 on; that is the server's business).
step_version() {
  must k version
  has '^Client Version: '
  has 'Server Version: .*v1\.[0-9]+'
  must k version -o json
  has '"serverVersion"'
  has '"gitVersion": *"v1\.[0-9]+'
}

step_seed_every_kind() {
  seed_yaml >"$M/seed.yaml"
  pod_yaml "skc-sel-a-$S" busybox "    env: a" >"$M/sel.yaml"
  { echo "---"; pod_yaml "skc-sel-b-$S" busybox "    env: b"; echo "---"; pod_yaml "skc-sel-c-$S" busybox "    env: c"; } >>"$M/sel.yaml"
  deploy_yaml "skc-seed-$S" busybox 1 >"$M/seed-deploy.yaml"
  must k create -f "$M/seed.yaml"
  has "configmap/skc-$S created"
  has "lease.coordination.k8s.io/skc-$S created"
  has "node/skc-$S created"
  must k create -f "$M/sel.yaml"
  has "pod/skc-sel-c-$S created"
  must k create -f "$M/seed-deploy.yaml"
  has "deployment.apps/skc-seed-$S created"
}

# get KIND, -o wide, -A for every kind; each must list the seeded object in a table.
step_get_every_kind() {
  local kind name head
  for kind in "${NAMESPACED_KINDS[@]}" "${CLUSTER_KINDS[@]}"; do
    name=$(seeded_name "$kind")
    # The event table (as in Kubernetes) has no NAME column: it starts with LAST SEEN and
    # shows the involved object; -o wide adds NAME at the end.
    head='NAME '
    if [[ $kind == events ]]; then head='LAST SEEN +TYPE +REASON +OBJECT '; name="pod/skc-$S "; fi
    must k get "$kind"
    has "^$head";  hasfixed "$name"
    must k get "$kind" -o wide
    has "^$head";  hasfixed "$name"
    must k get "$kind" -A
    hasfixed "$name"
  done
  for kind in "${NAMESPACED_KINDS[@]}"; do
    name=$(seeded_name "$kind")
    must k get "$kind" -A
    if [[ $kind == events ]]; then
      has '^NAMESPACE +LAST SEEN '
      has "^default +.* pod/skc-$S +created by kubectl-scenario"
      continue
    fi
    has '^NAMESPACE +NAME '
    # the row of our object must carry its namespace (read from the row's object metadata)
    has "^default +${name//./\\.} "
  done
  # a few columns that only real Tables have
  must k get pods
  has '^NAME +READY +STATUS +RESTARTS +AGE'
  must k get pods -o wide
  has '^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE'
  must k get deployments
  has '^NAME +READY +UP-TO-DATE +AVAILABLE +AGE'
  must k get services
  has '^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE'
  has "^skc-$S .* 80/TCP "
  must k get configmaps
  has "^skc-$S +1 +"
  # several kinds at once need format:name on the Name column to print the kind prefix
  must k get pods,deployments -l "skcrun=$ID"
  has "^pod/skc-sel-a-$S "
  has "^deployment.apps/skc-seed-$S "
}

# A Service created without spec.type is a ClusterIP service (Kubernetes defaulting).
step_service_defaults() {
  must k get services "skc-$S"
  has "^skc-$S +ClusterIP +"
  jp "service/skc-$S" '{.spec.type}'; eq "ClusterIP"
  jp "service/skc-$S" '{.spec.sessionAffinity}'; eq "None"
}

# Secret.stringData is write-only: the API server merges it into .data (base64) and never
# stores or returns stringData. Manifests with stringData are common.
step_secret_string_data() {
  jp "secret/skc-$S" '{.data.password}'; eq "czNjcmV0"     # base64("s3cret")
  jp "secret/skc-$S" '{.stringData}'; eq ""
}

step_get_label_selector() {
  must k get pods -l "env in (a,b),skcrun=$ID"
  has "^skc-sel-a-$S "
  has "^skc-sel-b-$S "
  hasnot "skc-sel-c-$S"
  must k get pods -l "env in (a,b),skcrun=$ID" -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{end}'
  [[ "$OUT" == "skc-sel-a-$S skc-sel-b-$S " || "$OUT" == "skc-sel-b-$S skc-sel-a-$S " ]] || fail "expected pods a and b only"
  must k get pods -l "env notin (a,b),skcrun=$ID" -o name
  eq "pod/skc-sel-c-$S"
}

step_create_pod() {
  local p="skc-create-$S"
  pod_yaml "$p" nginx:1.25 "    app: create" >"$M/create-pod.yaml"
  must k create -f "$M/create-pod.yaml"
  eq "pod/$p created"
  jp "pod/$p" '{.spec.containers[0].image}'; eq "nginx:1.25"
  jp "pod/$p" '{.metadata.labels.skcrun}'; eq "$ID"
  jp "pod/$p" '{.metadata.uid}'; [[ -n "$OUT" ]] || fail "no metadata.uid"
  jp "pod/$p" '{.metadata.namespace}'; eq "default"
  # creating it again is a conflict
  mustfail k create -f "$M/create-pod.yaml"
  hasfixed "Error from server (AlreadyExists): error when creating \"$M/create-pod.yaml\": pods \"$p\" already exists"
}

step_apply_client_side() {
  local d="skc-apply-$S" g1 g2
  deploy_yaml "$d" nginx:1.25 2 >"$M/apply.yaml"
  must k apply -f "$M/apply.yaml"
  eq "deployment.apps/$d created"
  jp "deployment/$d" '{.spec.template.spec.containers[0].image}'; eq "nginx:1.25"
  jp "deployment/$d" '{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}'
  hasfixed '"image":"nginx:1.25"'
  jp "deployment/$d" '{.metadata.generation}'; g1=$OUT
  [[ "$g1" =~ ^[0-9]+$ ]] || fail "metadata.generation is not a number"
  deploy_yaml "$d" nginx:1.26 2 >"$M/apply.yaml"
  must k apply -f "$M/apply.yaml"
  eq "deployment.apps/$d configured"
  jp "deployment/$d" '{.spec.template.spec.containers[0].image}'; eq "nginx:1.26"
  jp "deployment/$d" '{.spec.template.spec.containers[0].ports[0].containerPort}'; eq "8080"
  jp "deployment/$d" '{.metadata.generation}'; g2=$OUT
  (( g2 > g1 )) || fail "metadata.generation did not go up ($g1 -> $g2)"
  # dropping a label, a list element and a container makes apply send SMP delete directives
  sed -i -e 's/^    skcrun: "'"$ID"'"$/    skcrun: "'"$ID"'"\n    extra: "yes"/' "$M/apply.yaml"
  must k apply -f "$M/apply.yaml"
  jp "deployment/$d" '{.metadata.labels.extra}'; eq "yes"
  sed -i -e '/^    extra: "yes"$/d' "$M/apply.yaml"
  must k apply -f "$M/apply.yaml"
  eq "deployment.apps/$d configured"
  jp "deployment/$d" '{.metadata.labels}'; hasnot '"extra"'
  jp "deployment/$d" '{.metadata.generation}'; g2=$OUT
  # applying the same file again changes nothing
  must k apply -f "$M/apply.yaml"
  eq "deployment.apps/$d unchanged"
  jp "deployment/$d" '{.metadata.generation}'; eq "$g2"
}

step_apply_server_side() {
  local d="skc-ssa-$S" g1 g2
  deploy_yaml "$d" nginx:1.25 1 >"$M/ssa.yaml"
  must k apply --server-side -f "$M/ssa.yaml"
  has "deployment.apps/$d serverside-applied"
  jp "deployment/$d" '{.spec.template.spec.containers[0].image}'; eq "nginx:1.25"
  jp "deployment/$d" '{.metadata.generation}'; g1=$OUT
  deploy_yaml "$d" nginx:1.26 4 >"$M/ssa.yaml"
  must k apply --server-side -f "$M/ssa.yaml"
  has "deployment.apps/$d serverside-applied"
  jp "deployment/$d" '{.spec.template.spec.containers[0].image}'; eq "nginx:1.26"
  jp "deployment/$d" '{.spec.replicas}'; eq "4"
  jp "deployment/$d" '{.spec.template.spec.containers[0].ports[0].containerPort}'; eq "8080"
  jp "deployment/$d" '{.metadata.generation}'; g2=$OUT
  (( g2 > g1 )) || fail "metadata.generation did not go up ($g1 -> $g2)"
}

# Server-side apply owns what a manager applied: fields it applied before and omits now are
# removed (label b, env B, port 81, container side), as Kubernetes does with managedFields.
step_apply_server_side_removes() {
  local d="skc-ssar-$S"
  cat >"$M/ssar.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: $d, labels: {skcrun: "$ID", a: "1", b: "2"}}
spec:
  replicas: 1
  selector: {matchLabels: {app: $d}}
  template:
    metadata: {labels: {app: $d}}
    spec:
      containers:
      - name: main
        image: nginx
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
        ports: [{containerPort: 80}, {containerPort: 81}]
      - name: side
        image: busybox
EOF
  must k apply --server-side -f "$M/ssar.yaml"
  jp "deployment/$d" '{.spec.template.spec.containers[*].name}'; eq "main side"
  sed -i -e 's/, b: "2"//' -e 's/, {name: B, value: "2"}//' -e 's/, {containerPort: 81}//' -e '/- name: side/,$d' "$M/ssar.yaml"
  must k apply --server-side -f "$M/ssar.yaml"
  jp "deployment/$d" '{.metadata.labels.b}'; eq ""
  jp "deployment/$d" '{.spec.template.spec.containers[0].env[*].name}'; eq "A"
  jp "deployment/$d" '{.spec.template.spec.containers[0].ports[*].containerPort}'; eq "80"
  jp "deployment/$d" '{.spec.template.spec.containers[*].name}'; eq "main"
  # kubectl's default server-side field manager is "kubectl"
  jp "deployment/$d" '{.metadata.managedFields[*].manager}'; hasfixed "kubectl"
}

# Server-side dry runs (dryRun=All) must never change what is stored: `diff` (a dry-run
# PATCH), `apply --dry-run=server` (PATCH), `apply --server-side --dry-run=server` (apply
# PATCH), `replace --dry-run=server` (PUT), `delete --dry-run=server` (DELETE with
# DeleteOptions.dryRun) and `create --dry-run=server` (POST).
cm_yaml() { # NAME VALUE
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  labels: {skcrun: "%s"}\ndata:\n  key: "%s"\n' "$1" "$ID" "$2"
}
step_dry_run() {
  local c="skc-dry-$S"
  cm_yaml "$c" one >"$M/dry1.yaml"
  cm_yaml "$c" two >"$M/dry2.yaml"
  must k apply -f "$M/dry1.yaml"
  run k diff -f "$M/dry2.yaml"
  [[ $RC -eq 1 ]] || fail "kubectl diff should exit 1 (differences found)"
  has '^-  key: one'; has '^\+  key: two'
  jp "configmap/$c" '{.data.key}'; [[ "$OUT" == one ]] || { CMD="kubectl diff -f dry2.yaml"; fail "kubectl diff changed the live object (data.key=$OUT)"; }
  must k apply -f "$M/dry2.yaml" --dry-run=server
  has "configmap/$c configured \(server dry run\)"
  jp "configmap/$c" '{.data.key}'; [[ "$OUT" == one ]] || fail "apply --dry-run=server changed data.key to $OUT"
  must k apply --server-side -f "$M/dry2.yaml" --dry-run=server
  jp "configmap/$c" '{.data.key}'; [[ "$OUT" == one ]] || fail "apply --server-side --dry-run=server changed data.key to $OUT"
  must k replace -f "$M/dry2.yaml" --dry-run=server
  jp "configmap/$c" '{.data.key}'; [[ "$OUT" == one ]] || fail "replace --dry-run=server changed data.key to $OUT"
  must k delete configmap "$c" --dry-run=server
  has "configmap \"$c\" deleted \(server dry run\)"
  must k get configmap "$c"
  cm_yaml "$c-new" x >"$M/dry3.yaml"
  must k create -f "$M/dry3.yaml" --dry-run=server
  mustfail k get configmap "$c-new"
  hasfixed "NotFound"
  must k delete configmap "$c"
}

step_delete() {
  local p="skc-del-$S" d="skc-delf-$S"
  pod_yaml "$p" busybox "" >"$M/del-pod.yaml"
  must k create -f "$M/del-pod.yaml"
  must k delete pod "$p" --timeout=30s
  eq "pod \"$p\" deleted"
  mustfail k get pod "$p"
  hasfixed "Error from server (NotFound): pods \"$p\" not found"
  deploy_yaml "$d" busybox 1 >"$M/delf.yaml"
  must k apply -f "$M/delf.yaml"
  must k delete -f "$M/delf.yaml" --timeout=30s
  eq "deployment.apps \"$d\" deleted"
  mustfail k get deployment "$d"
  hasfixed "Error from server (NotFound): deployments.apps \"$d\" not found"
}

step_scale() {
  local d="skc-seed-$S"
  must k scale deployment "$d" --replicas=3
  eq "deployment.apps/$d scaled"
  jp "deployment/$d" '{.spec.replicas}'; eq "3"
}

step_run() {
  local p="skc-run-$S"
  must k run "$p" --image=busybox:1.36 --labels="run=$p,skcrun=$ID" -- sleep 3600
  eq "pod/$p created"
  jp "pod/$p" '{.spec.containers[0].image}'; eq "busybox:1.36"
  jp "pod/$p" '{.spec.containers[0].name}'; eq "$p"
  jp "pod/$p" '{.metadata.labels.run}'; eq "$p"
}

step_expose() {
  local d="skc-seed-$S"
  must k expose deployment "$d" --port=80 --target-port=8080
  eq "service/$d exposed"
  jp "service/$d" '{.spec.selector.app}'; eq "$d"
  jp "service/$d" '{.spec.ports[0].port}'; eq "80"
  jp "service/$d" '{.spec.ports[0].targetPort}'; eq "8080"
  jp "service/$d" '{.spec.ports[0].protocol}'; eq "TCP"
  jp "service/$d" '{.spec.type}'; eq "ClusterIP"
}

# kubectl >= 1.32 sends this POST as protobuf (K8S-API.md §7); older ones send JSON.
step_create_deployment() {
  local d="skc-cd-$S"
  must k create deployment "$d" --image=nginx:1.25
  eq "deployment.apps/$d created"
  jp "deployment/$d" '{.spec.template.spec.containers[0].image}'; eq "nginx:1.25"
  jp "deployment/$d" '{.spec.selector.matchLabels.app}'; eq "$d"
  jp "deployment/$d" '{.spec.replicas}'; eq "1"
}

# `kubectl create <generator>`: JSON from 1.20-1.31, protobuf from 1.32 on (K8S-API.md §7).
# The stored objects must be what the same request in JSON gives: Go's protobuf encoder
# writes zero scalars (hostPort 0, nodePort 0, paused false, …) that JSON would omit.
step_create_generators() {
  local n="skc-gen-$S"
  must k create configmap "$n" --from-literal=a=b
  jp "configmap/$n" '{.data.a}'; eq "b"
  must k create secret generic "$n" --from-literal=p=q
  jp "secret/$n" '{.data.p}'; eq "cQ=="          # base64("q")
  must k create serviceaccount "$n"
  must k create job "$n" --image=busybox -- echo hi
  jp "job/$n" '{.spec.template.spec.containers[0].command}'; eq '["echo","hi"]'
  jp "job/$n" '{.spec.template.spec.restartPolicy}'; eq "Never"
  must k create service clusterip "$n" --tcp=80:8080
  jp "service/$n" '{.spec.ports[0].port} {.spec.ports[0].targetPort}'; eq "80 8080"
  jp "service/$n" '{.spec.ports[0].nodePort}'; eq ""
  jp "service/$n" '{.spec.healthCheckNodePort}'; eq ""
  must k create deployment "$n" --image=nginx:1.25 --replicas=2 --port=80
  jp "deployment/$n" '{.spec.replicas} {.spec.template.spec.containers[0].ports[0].containerPort}'; eq "2 80"
  jp "deployment/$n" '{.spec.template.spec.containers[0].ports[0].hostPort}'; eq ""
  jp "deployment/$n" '{.spec.template.spec.hostNetwork}'; eq ""
  jp "deployment/$n" '{.spec.paused}'; eq ""
  jp "deployment/$n" '{.spec.template.metadata.generation}'; eq ""
  must k delete configmap,secret,serviceaccount,job,service,deployment "$n" --wait=false
}

watch_shows() { grep -qE -- "$1" "$2"; }
step_get_watch() {
  local p="skc-watch-$S" f="$WORK/watch.out" pid
  pod_yaml "$p" busybox "    skcw: before" >"$M/watch-pod.yaml"
  must k create -f "$M/watch-pod.yaml"
  # -L shows the label as a column, so the MODIFIED event's row shows the new value.
  timeout 30 "$KUBECTL" --kubeconfig "$KC" --cache-dir "$CACHE" get pods -w -L skcw -l "skcrun=$ID" >"$f" 2>&1 &
  pid=$!
  trap "kill $pid 2>/dev/null || true" EXIT   # this step runs in a subshell
  CMD="kubectl get pods -w -L skcw -l skcrun=$ID"
  if ! wait_for 25 watch_shows "^$p .* before" "$f"; then OUT=$(cat "$f"); fail "the watch never listed $p"; fi
  must k label pod "$p" skcw=after --overwrite
  eq "pod/$p labeled"
  CMD="kubectl get pods -w -L skcw -l skcrun=$ID (after 'label pod $p skcw=after')"
  if ! wait_for 25 watch_shows "^$p .* after" "$f"; then OUT=$(cat "$f"); fail "the watch did not show the label change"; fi
  must k annotate pod "$p" skc/note=hi
  eq "pod/$p annotated"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  OUT=$(cat "$f")
  CMD="kubectl get pods -w -L skcw -l skcrun=$ID"
  hasnot 'error|Error'
}

step_describe() {
  must k describe pod "skc-sel-a-$S"
  has "^Name: +skc-sel-a-$S"
  has '^Namespace: +default'
  has '^Containers:'
  has '^Events:'
  must k describe deployment "skc-seed-$S"
  has "^Name: +skc-seed-$S"
  has '^Replicas: '
  has '^Selector: +app=skc-seed-'
  # describe lists the events whose involvedObject is the pod: it asks for them with
  # fieldSelector=involvedObject.name=…,involvedObject.namespace=…,involvedObject.uid=…
  local uid
  jp "pod/skc-sel-b-$S" '{.metadata.uid}'; uid=$OUT
  cat >"$M/event.yaml" <<EOF
apiVersion: v1
kind: Event
metadata: {name: skc-sel-b-$S.ev}
involvedObject: {kind: Pod, name: skc-sel-b-$S, namespace: default, uid: "$uid", apiVersion: v1}
reason: SkcProbe
message: probe event for describe
type: Warning
source: {component: kubectl-scenario}
count: 2
firstTimestamp: "2024-01-01T00:00:00Z"
lastTimestamp: "2024-01-01T00:00:00Z"
EOF
  must k create -f "$M/event.yaml"
  must k describe pod "skc-sel-b-$S"
  has "^Name: +skc-sel-b-$S"
  has 'Warning +SkcProbe .*kubectl-scenario +probe event for describe'
  # the event of another pod must not be listed
  must k describe pod "skc-sel-a-$S"
  hasnot 'SkcProbe'
}

ns_gone() { run k get ns "$1"; [[ $RC -ne 0 ]] && grep -qF "namespaces \"$1\" not found" <<<"$OUT"; }
step_namespace() {
  local ns="skc-ns-$S"
  # kubectl >= 1.32 sends this POST as protobuf (K8S-API.md §7).
  must k create namespace "$ns"
  eq "namespace/$ns created"
  must k get ns "$ns"
  has "^$ns +Active "
  must k create configmap "skc-cm" -n "$ns" --from-literal=a=b
  must k delete namespace "$ns" --wait=false
  eq "namespace \"$ns\" deleted"
  run k get ns "$ns"
  if [[ $RC -eq 0 ]]; then has "^$ns +Terminating "; else hasfixed "namespaces \"$ns\" not found"; fi
  if ! wait_for 60 ns_gone "$ns"; then fail "namespace $ns still exists 60 s after delete"; fi
}

step_not_found() {
  mustfail k get pod nosuch
  eq 'Error from server (NotFound): pods "nosuch" not found'
}

step_invalid_pod() {
  local p="skc-bad-$S"
  cat >"$M/bad.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $p
spec:
  containers:
  - name: main
EOF
  mustfail k create -f "$M/bad.yaml"
  hasfixed "is invalid"
  hasfixed "spec.containers[0].image"
  hasfixed "The Pod \"$p\" is invalid: spec.containers[0].image: Required value"
  mustfail k get pod "$p"
}

step_cleanup() {
  must k delete -f "$M/seed.yaml" --wait=false
  must k delete -f "$M/sel.yaml" --wait=false
  if [[ -f "$M/event.yaml" ]]; then must k delete -f "$M/event.yaml" --wait=false; fi
  # what the other steps made: all of it carries skcrun=<id> (expose copies the deployment's labels)
  must k delete pods,services,deployments,configmaps -l "skcrun=$ID" --wait=false
  must k delete configmap,secret,serviceaccount,job,service,deployment "skc-gen-$S" --wait=false --ignore-not-found
  must k get pods,services,deployments -l "skcrun=$ID" -o name
  hasnot "skc-(create|run|watch|apply|ssa|seed)-$S"
}

STEPS=(version seed_every_kind get_every_kind service_defaults secret_string_data
  get_label_selector create_pod apply_client_side
  apply_server_side apply_server_side_removes dry_run delete scale run expose create_deployment
  create_generators get_watch describe namespace
  not_found invalid_pod cleanup)
if [[ -n "${SKC_STEPS:-}" ]]; then read -r -a STEPS <<<"$SKC_STEPS"; fi

echo "kubectl-scenario: $CLIENT_GIT ($KUBECTL), run id $ID"
PASSED=0
FAILED=()
for s in "${STEPS[@]}"; do
  STEP=$s
  set +e
  ( set -euo pipefail; "step_$s" )
  rc=$?
  set -e
  if [[ $rc -eq 0 ]]; then
    echo "ok   $s"
    PASSED=$((PASSED + 1))
  else
    echo "FAIL $s"
    FAILED+=("$s")
    if [[ "$KEEP_GOING" != 1 ]]; then break; fi
  fi
done
echo "kubectl-scenario ($CLIENT_GIT): $PASSED passed, ${#FAILED[@]} failed${FAILED:+ (${FAILED[*]})}"
[[ ${#FAILED[@]} -eq 0 ]]
