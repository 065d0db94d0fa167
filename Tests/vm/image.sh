#!/bin/bash
# Tests/vm/image.sh OUTDIR VARIANT — builds (once; later calls reuse it) a Debian 12 guest
# with systemd as PID 1 and pure cgroup v2, for `make test-vm`. Follows
# ../shared/tools/vm/build-image.sh, with Skiff's needs added:
#   VARIANT bookworm   systemd 252 (Debian 12 as shipped: no DelegateSubgroup=)
#   VARIANT backports  systemd 254+ from bookworm-backports (DelegateSubgroup= works)
# Output: OUTDIR/VARIANT/{vmlinuz,initrd.img,rootfs.ext4}. The debootstrap tree OUTDIR/base
# is shared by both variants. Needs root and Debian's mirror (no other network).
set -euo pipefail
OUTDIR=${1:?usage: image.sh OUTDIR bookworm|backports}
VARIANT=${2:?usage: image.sh OUTDIR bookworm|backports}
case $VARIANT in bookworm|backports) ;; *) echo "image.sh: unknown variant $VARIANT" >&2; exit 2 ;; esac
# Bump when the guest set-up below changes.
CONFIG=3
log() { printf '[vm-image %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot)"

missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v mkfs.ext4 >/dev/null || missing+=(e2fsprogs)
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
MIRROR=${MIRROR:-$(
    { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
      grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'
    } | grep -v -e security -e '^$' | grep -m1 '/debian/\?$' || true)}
[ -n "$MIRROR" ] || die "no Debian mirror in the apt sources; set MIRROR="

mkdir -p "$OUTDIR"; OUTDIR=$(cd "$OUTDIR" && pwd)
BASE=$OUTDIR/base
# libsqlite3-0: the master's store. The rest: systemd, what the agent calls (ip for checks), and the kernel.
PKGS=systemd,systemd-sysv,udev,dbus,kmod,iproute2,libseccomp2,libcap2,libsqlite3-0,zlib1g,libstdc++6,procps,util-linux,linux-image-amd64
if [ ! -f "$BASE/.done" ]; then
    log "debootstrap bookworm from $MIRROR (~115 MB, ~90 s)"
    rm -rf "$BASE.tmp"
    debootstrap --variant=minbase --cache-dir="$OUTDIR/cache" --include="$PKGS" bookworm "$BASE.tmp" "$MIRROR" \
        >"$OUTDIR/debootstrap.log" 2>&1 || { tail -20 "$OUTDIR/debootstrap.log" >&2; die "debootstrap failed"; }
    touch "$BASE.tmp/.done"; rm -rf "$BASE"; mv "$BASE.tmp" "$BASE"
fi
mkdir -p "$OUTDIR/cache"

V=$OUTDIR/$VARIANT
STAMP="config=$CONFIG variant=$VARIANT base=$(stat -c %Y "$BASE/.done")"
if [ "$(cat "$V/stamp" 2>/dev/null)" = "$STAMP" ] && [ -f "$V/rootfs.ext4" ]; then
    log "$VARIANT image up to date"; exit 0
fi
log "making the $VARIANT guest"
R=$V/rootfs
# An interrupted earlier build may have left the guest's /proc mounted: never walk into it.
mountpoint -q "$R/proc" 2>/dev/null && umount "$R/proc"
rm -rf --one-file-system "$V"; mkdir -p "$V"; cp -a "$BASE" "$R"

in_chroot_apt() {
    printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"; chmod 755 "$R/usr/sbin/policy-rc.d"
    mount -t proc proc "$R/proc"
    trap 'umount "$R/proc" 2>/dev/null' EXIT
    local rc=0
    chroot "$R" env DEBIAN_FRONTEND=noninteractive "$@" >>"$V/apt.log" 2>&1 || rc=$?
    umount "$R/proc"; trap - EXIT; rm -f "$R/usr/sbin/policy-rc.d"
    [ $rc = 0 ] || { tail -20 "$V/apt.log" >&2; die "in the guest: $* failed"; }
}
if [ "$VARIANT" = backports ]; then
    echo "deb $MIRROR bookworm-backports main" >"$R/etc/apt/sources.list.d/backports.list"
    in_chroot_apt apt-get update -qq
    in_chroot_apt apt-get install -y -qq --no-install-recommends -t bookworm-backports systemd systemd-sysv udev
fi
log "guest systemd: $(chroot "$R" dpkg-query -W -f '${Version}' systemd)"

echo vm >"$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tvm\n' >"$R/etc/hosts"
echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' >"$R/etc/fstab"
grep -qE '^[0-9a-f]{32}$' "$R/etc/machine-id" 2>/dev/null || { head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n'; echo; } >"$R/etc/machine-id"
chroot "$R" passwd -d root >/dev/null
printf '9p\n9pnet\n9pnet_virtio\n' >"$R/etc/modules-load.d/9p.conf"
mkdir -p "$R/mnt/host"
# The runner: mounts the two 9p shares, runs /run/vmctl/cmd once the boot is complete, records
# its exit status and powers the guest off.
cat >"$R/usr/local/sbin/vm-runner" <<'RUNNER'
#!/bin/bash
set -u
mkdir -p /mnt/host /run/vmctl
opts=trans=virtio,version=9p2000.L,msize=524288,cache=none
mount -t 9p -o "$opts" host /mnt/host || echo "vm-runner: no host share" >/dev/ttyS0
mount -t 9p -o "$opts" vmctl /run/vmctl || { echo "vm-runner: no vmctl share" >/dev/ttyS0; exit 0; }
[ -f /run/vmctl/cmd ] || exit 0
timeout 120 systemctl is-system-running --wait >/dev/null 2>&1
cd /mnt/host
bash /run/vmctl/cmd </dev/null >/run/vmctl/output.log 2>&1
echo $? >/run/vmctl/exitcode
sync
systemctl poweroff --force --force
RUNNER
chmod 755 "$R/usr/local/sbin/vm-runner"
cat >"$R/etc/systemd/system/vm-runner.service" <<'UNIT'
[Unit]
Description=Run the command the host shared
After=multi-user.target
[Service]
Type=simple
ExecStart=/usr/local/sbin/vm-runner
StandardOutput=journal+console
StandardError=journal+console
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/vm-runner.service "$R/etc/systemd/system/multi-user.target.wants/vm-runner.service"
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer; do
    ln -sf /dev/null "$R/etc/systemd/system/$u"
done
mkdir -p "$R/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\n' >"$R/etc/systemd/journald.conf.d/volatile.conf"
printf 'virtio_pci\nvirtio_blk\next4\n' >"$R/etc/initramfs-tools/modules"
echo MODULES=list >"$R/etc/initramfs-tools/conf.d/vm-modules.conf"
KVER=$(ls "$R/lib/modules" | sort -V | tail -1)
chroot "$R" update-initramfs -u -k "$KVER" >/dev/null 2>&1 || die "update-initramfs failed"
chroot "$R" apt-get clean
cp "$R/boot/vmlinuz-$KVER" "$V/vmlinuz"; cp "$R/boot/initrd.img-$KVER" "$V/initrd.img"
truncate -s 3G "$V/rootfs.ext4"
mkfs.ext4 -q -F -L vmroot -d "$R" "$V/rootfs.ext4"
rm -rf "$R"   # the disk image holds it; the base tree stays for the other variant
echo "$STAMP" >"$V/stamp"
log "done: $V (kernel $KVER)"
