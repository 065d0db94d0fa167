#!/bin/bash
# Tests/vm/boot.sh IMAGE_DIR SHARE_DIR 'command' — boots a guest made by image.sh, shares
# SHARE_DIR read-write at /mnt/host, runs 'command' there as root under systemd once the boot is
# complete, prints its output, powers off and exits with the command's status (124: VM_TIMEOUT
# reached, 125: the guest died without a status). Follows ../shared/tools/vm/run-in-vm.sh.
# The guest has no network card; its disk is a snapshot, so every boot starts clean.
# Env: VM_TIMEOUT (s, default 900), VM_MEM (MiB, 2048), VM_CPUS (nproc), VM_ACCEL (tcg|kvm; tcg:
# these machines' /dev/kvm cannot run a stock guest kernel).
set -uo pipefail
IMAGE=${1:?usage: boot.sh IMAGE_DIR SHARE_DIR command}
SHARE=${2:?usage: boot.sh IMAGE_DIR SHARE_DIR command}
CMD=${3:?usage: boot.sh IMAGE_DIR SHARE_DIR command}
IMAGE=$(cd "$IMAGE" && pwd); SHARE=$(cd "$SHARE" && pwd)
for f in vmlinuz initrd.img rootfs.ext4; do
    [ -f "$IMAGE/$f" ] || { echo "boot.sh: no $IMAGE/$f; run Tests/vm/image.sh first" >&2; exit 2; }
done
if [ "${VM_ACCEL:-tcg}" = kvm ]; then ACCEL=kvm; CPU=host; else ACCEL=tcg,thread=multi; CPU=max; fi
RUN=$(mktemp -d /tmp/skiff-vm-run.XXXXXX)
QPID=
trap '[ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$RUN"' EXIT
printf '%s\n' "$CMD" >"$RUN/cmd"
: >"$RUN/output.log"
esc() { printf '%s' "${1//,/,,}"; }
APPEND="console=ttyS0 root=/dev/vda rw panic=-1 loglevel=4 systemd.unified_cgroup_hierarchy=1"
APPEND+=" systemd.mask=serial-getty@ttyS0.service systemd.mask=getty@tty1.service"
start=$SECONDS
timeout --kill-after=10 "${VM_TIMEOUT:-900}" qemu-system-x86_64 -name skiff-test-vm -machine q35 \
    -accel "$ACCEL" -cpu "$CPU" -smp "${VM_CPUS:-$(nproc)}" -m "${VM_MEM:-2048}" \
    -nodefaults -no-user-config -display none -no-reboot -nic none -device virtio-rng-pci -monitor none \
    -kernel "$IMAGE/vmlinuz" -initrd "$IMAGE/initrd.img" -append "$APPEND" \
    -drive "file=$(esc "$IMAGE/rootfs.ext4"),format=raw,if=virtio,snapshot=on" \
    -virtfs "local,path=$(esc "$SHARE"),mount_tag=host,security_model=none,multidevs=remap,id=host" \
    -virtfs "local,path=$(esc "$RUN"),mount_tag=vmctl,security_model=none,id=vmctl" \
    -serial "file:$(esc "$RUN/console.log")" </dev/null >"$RUN/qemu.log" 2>&1 &
QPID=$!
tail -f -n +1 --pid="$QPID" "$RUN/output.log"
wait "$QPID"; qrc=$?
QPID=
if [ -s "$RUN/exitcode" ]; then
    rc=$(cat "$RUN/exitcode")
    echo "[boot.sh] exit=$rc after $((SECONDS - start)) s" >&2
    exit "$rc"
fi
echo "[boot.sh] the guest ended without a status (qemu rc=$qrc) after $((SECONDS - start)) s; console:" >&2
tail -40 "$RUN/console.log" >&2; tail -5 "$RUN/qemu.log" >&2
[ "$qrc" = 124 ] || [ "$qrc" = 137 ] && exit 124
exit 125
