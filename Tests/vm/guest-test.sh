#!/bin/bash
# Runs inside the VM (Tests/vm/boot.sh), as root, in the shared folder, which holds `stage/`
# (a `make install DESTDIR=stage` tree) and `kubectl`. VARIANT says what systemd can do:
#   backports (systemd >= 254): the agent runs in skiff-agent.service/agent, pods beside it
#   bookworm  (systemd 252):    the agent runs at the unit's root, pods under /skiff
# Every check prints "ok ..." or "FAIL ..."; the exit status is the number of failures.
set -u
VARIANT=${1:?usage: guest-test.sh backports|bookworm}
SHARE=$PWD
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
# Polls `cmd` every second until it succeeds or `seconds` passed (the guest is emulated: forks
# are ~50x slower, one kubectl call takes seconds).
until_true() {
    local deadline=$((SECONDS + $1)); shift
    while ((SECONDS < deadline)); do "$@" && return 0; sleep 1; done
    return 1
}

echo "== systemd $(systemctl --version | head -1 | cut -d' ' -f2), kernel $(uname -r), $(stat -fc %T /sys/fs/cgroup)"
# Install: the staged tree onto the guest's own disk (data stays off the shared folder).
cp -a "$SHARE/stage/." /
install -m 755 "$SHARE/kubectl" /usr/local/bin/kubectl
export KUBECONFIG=/var/lib/skiff/master/kubeconfig
echo 'SKIFF_AGENT_ARGS="--pod-pids-limit 64"' >/etc/default/skiff-agent
systemctl daemon-reload
# A hung API must fail a check, not stall the run until the VM's timeout.
kubectl() { command kubectl --request-timeout=30s "$@"; }
export -f kubectl
k() { kubectl "$@"; }
journal() { journalctl -u skiff-master -u skiff-agent --no-pager | tail -${1:-40}; }

# Type=notify: `systemctl start` returns once both said READY=1.
if ! timeout 300 systemctl start skiff-master skiff-agent; then
    fail "systemctl start skiff-master skiff-agent"; journal 60; exit 1
fi
check "both units active" systemctl is-active -q skiff-master skiff-agent
check "master status says it serves" bash -c "systemctl status skiff-master | grep -q 'serving the API'"
check "node vm Ready" until_true 120 bash -c "kubectl get node vm -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"

unit=/sys/fs/cgroup/system.slice/skiff-agent.service
agent_cgroup() { cut -d: -f3 "/proc/$(systemctl show -p MainPID --value skiff-agent)/cgroup"; }
if [ "$VARIANT" = backports ]; then
    pods_parent=$unit
    check "agent in its leaf (got $(agent_cgroup))" test "$(agent_cgroup)" = /system.slice/skiff-agent.service/agent
    check "unit cgroup enables the pods' controllers" bash -c "grep -qw memory $unit/cgroup.subtree_control && grep -qw pids $unit/cgroup.subtree_control && grep -qw cpu $unit/cgroup.subtree_control"
    runtime_words="v2, systemd, delegated /system.slice/skiff-agent.service"
else
    pods_parent=/sys/fs/cgroup/skiff
    check "agent at its unit's root (got $(agent_cgroup))" test "$(agent_cgroup)" = /system.slice/skiff-agent.service
    runtime_words="v2, systemd, parent /skiff"
fi
check "describe node: $runtime_words" bash -c "kubectl describe node vm | grep 'Container Runtime Version' | grep -qF '$runtime_words'"

k apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: hog}
spec:
  restartPolicy: Never
  containers:
  - name: hog
    image: busybox
    # 256 strings of 1 MiB, then done: bounded. (`head -c | tail` takes minutes when emulated.)
    command: ["awk", "BEGIN { s = \"x\"; for (i = 0; i < 20; i++) s = s s; for (i = 0; i < 256; i++) a[i] = s i; print \"survived\" }"]
    resources: {limits: {memory: 64Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: spin}
spec:
  containers:
  - name: spin
    image: busybox
    command: ["sh", "-c", "while :; do :; done"]
    resources: {limits: {cpu: 200m}}
---
apiVersion: v1
kind: Pod
metadata: {name: forks}
spec:
  containers:
  - name: forks
    image: busybox
    # At most 100 background sleeps; the pod's pids.max (64) must refuse some. awk counts the
    # refusals and carries on (a shell would exit), then the shell execs (no fork) a sleep.
    command: ["sh", "-c", "awk 'BEGIN { for (i = 0; i < 100; i++) if (system(\"sleep 600 &\") != 0) n++; print n + 0, \"refused\" }'; exec sleep 600"]
---
apiVersion: v1
kind: Pod
metadata: {name: userns}
spec:
  hostUsers: false
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "cat /proc/self/uid_map; sleep 600"]
YAML

uid() { kubectl get pod "$1" -o jsonpath='{.metadata.uid}'; }
phase() { kubectl get pod "$1" -o jsonpath='{.status.phase}'; }
check "hog ends" until_true 180 bash -c "[ \"\$(kubectl get pod hog -o jsonpath='{.status.phase}')\" = Failed ]"
check "hog is OOMKilled, exit 137" bash -c "kubectl get pod hog -o jsonpath='{.status.containerStatuses[0].state.terminated.reason} {.status.containerStatuses[0].state.terminated.exitCode}' | grep -qx 'OOMKilled 137'"
check "hog's pod cgroup counts the kill (memory.events oom_kill > 0)" bash -c "awk '/^oom_kill / {exit !(\$2 > 0)}' $pods_parent/pod-$(uid hog)/memory.events"
for p in spin forks userns; do check "$p Running" until_true 240 bash -c "[ \"\$(kubectl get pod $p -o jsonpath='{.status.phase}')\" = Running ]"; done
check "pod cgroups are under $pods_parent" test -d "$pods_parent/pod-$(uid spin)"
spin_cg=$pods_parent/pod-$(uid spin)/spin
check "spin's cpu.max is 20000 100000" bash -c "grep -qx '20000 100000' $spin_cg/cpu.max"
check "spin is throttled (cpu.stat nr_throttled > 0)" until_true 30 bash -c "awk '/^nr_throttled/ {exit !(\$2 > 0)}' $spin_cg/cpu.stat"
spin_pid=$(head -1 "$spin_cg/cgroup.procs")
# The agent runs with OOMScoreAdjust=-999 and LimitNOFILE=1048576; its containers must not.
check "spin's OOM score is 0, not the agent's -999" test "$(cat /proc/$spin_pid/oom_score_adj)" = 0
check "spin's open files are 1024:524288, not the agent's" bash -c "grep -q '^Max open files *1024 *524288 ' /proc/$spin_pid/limits"
forks_cg=$pods_parent/pod-$(uid forks)
check "forks: pids.max 64 on the pod" bash -c "grep -qx 64 $forks_cg/pids.max"
check "forks: the limit refused forks" until_true 180 bash -c "kubectl logs forks | awk '\$2 == \"refused\" && \$1 > 0 {found=1} END {exit !found}'"
check "userns: uid 0 maps to a high host id" until_true 60 bash -c "kubectl logs userns | awk '\$1 == 0 && \$2 >= 65536 {found=1} END {exit !found}'"
if [ $failures != 0 ]; then
    echo "== pods"; kubectl get pods -o wide; kubectl describe pods | grep -E '^Name:|State|Reason|Exit|Message|Warning' | head -60
fi

# Restarting the agent keeps every pod: the same processes, start times and restart counts.
processes() { cat "$spin_cg/cgroup.procs" "$forks_cg"/forks/cgroup.procs | sort | tr '\n' ' '; }
pids_before=$(processes)
starts() { kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}={.status.containerStatuses[0].state.running.startedAt}/{.status.containerStatuses[0].restartCount} {end}'; }
before=$(starts)
old_pid=$(systemctl show -p MainPID --value skiff-agent)
check "systemctl restart skiff-agent" timeout 300 systemctl restart skiff-agent
check "a new agent process" bash -c "[ \"\$(systemctl show -p MainPID --value skiff-agent)\" != $old_pid ]"
[ "$VARIANT" = backports ] && check "the restarted agent is in its leaf again" test "$(agent_cgroup)" = /system.slice/skiff-agent.service/agent
check "pods kept their containers across the restart" until_true 60 bash -c "[ \"\$(kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}={.status.containerStatuses[0].state.running.startedAt}/{.status.containerStatuses[0].restartCount} {end}')\" = '$before' ]"
sleep 20  # the new agent has synced every pod by now (it said READY=1 before its first sync)
check "the same $(wc -w <<<"$pids_before") container processes after the restart" test "$(processes)" = "$pids_before"
check "the API still shows the same containers" test "$(starts)" = "$before"
echo "   before: $before"; echo "   after:  $(starts)"
check "spin still burns cpu in its cgroup" bash -c "[ -n \"\$(cat $spin_cg/cgroup.procs)\" ]"

# Stop both daemons; the pods are still there until `skiffd stop-pods` ends them.
check "systemctl stop" timeout 120 systemctl stop skiff-agent skiff-master
check "pods outlive the stopped agent" bash -c "[ -n \"\$(cat $spin_cg/cgroup.procs)\" ]"
check "skiffd stop-pods" /usr/local/bin/skiffd stop-pods --data-dir /var/lib/skiff/agent
left=$(find "$pods_parent" -mindepth 1 -maxdepth 1 -type d -name 'pod-*' 2>/dev/null)
check "no pod cgroup left under $pods_parent ($left)" test -z "$left"
check "no pod process left (skiff-init, sleep)" bash -c "! pgrep -f '[s]kiff-init' && ! pgrep -x sleep"

[ $failures = 0 ] || { echo "== journal"; journal 100; }
echo "== $failures failure(s) on $VARIANT"
exit $failures
