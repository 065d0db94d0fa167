#!/bin/bash
# Tests/vm/test-vm.sh IMAGE_DIR — what `make test-vm` runs: stages `make install` into a shared
# folder with kubectl, then boots each guest (image.sh) and runs guest-test.sh in it. Fails when
# any check in any guest fails, or a guest cannot be built or booted; never skips.
set -euo pipefail
VM_DIR=${1:?usage: test-vm.sh IMAGE_DIR}
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "test-vm: needs root (debootstrap, chroot, qemu)" >&2; exit 1; }
KUBECTL=${KUBECTL:-$(command -v kubectl || true)}
[ -n "$KUBECTL" ] || { echo "test-vm: no kubectl on PATH (set KUBECTL=)" >&2; exit 1; }
file -L "$KUBECTL" | grep -q "statically linked" \
    || { echo "test-vm: $KUBECTL is not statically linked; the guest has no libraries for it" >&2; exit 1; }

share=$(mktemp -d /tmp/skiff-vm-share.XXXXXX)
trap 'rm -rf "$share"' EXIT
start=$SECONDS
make --no-print-directory install DESTDIR="$share/stage" >"$share/install.log" 2>&1 \
    || { tail -30 "$share/install.log"; echo "test-vm: make install failed" >&2; exit 1; }
echo "[test-vm] make install (DESTDIR) in $((SECONDS - start)) s"
install -m 755 "$(readlink -f "$KUBECTL")" "$share/kubectl"
cp Tests/vm/guest-test.sh "$share/"

failed=()
for variant in ${VM_VARIANTS:-backports bookworm}; do
    t0=$SECONDS
    bash Tests/vm/image.sh "$VM_DIR" "$variant" || { failed+=("$variant (image)"); continue; }
    echo "[test-vm] $variant guest ready in $((SECONDS - t0)) s; booting"
    if bash Tests/vm/boot.sh "$VM_DIR/$variant" "$share" "bash ./guest-test.sh $variant"; then
        echo "[test-vm] $variant: passed in $((SECONDS - t0)) s"
    else
        failed+=("$variant")
    fi
done
# make uninstall takes back every file make install staged (the data directories are not staged).
make --no-print-directory uninstall DESTDIR="$share/stage" >/dev/null
left=$(find "$share/stage" -not -type d)
[ -z "$left" ] && echo "[test-vm] make uninstall removed every installed file" \
    || { echo "[test-vm] make uninstall left: $left" >&2; failed+=("uninstall"); }
echo "[test-vm] total $((SECONDS - start)) s"
[ ${#failed[@]} = 0 ] || { echo "[test-vm] FAILED: ${failed[*]}" >&2; exit 1; }
