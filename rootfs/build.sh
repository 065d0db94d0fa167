#!/usr/bin/env bash
# Builds Skiff's local images: busybox:latest and skiff-test:latest (see README.md here).
#   rootfs/build.sh [OUT_DIR]        OUT_DIR defaults to rootfs/images
# Each image is a folder OUT_DIR/NAME:TAG holding a complete, fully static root filesystem and a
# /.complete marker whose first line is `recipe=<sha256 of this script and probes/*.c>`. An image
# whose marker matches is reused; otherwise it is built in OUT_DIR/.tmp-NAME:TAG and renamed into
# place. Root is needed only to `apt-get update` when the .deb cannot be downloaded without it.
# BUSYBOX_DEB=path/to/busybox-static_*.deb skips the download (offline builds).
set -euo pipefail
umask 022

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/images}
mkdir -p "$out"
out=$(cd "$out" && pwd)

for tool in gcc dpkg-deb flock readelf sha256sum; do
    command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing" >&2; exit 1; }
done

# The recipe: this script and every probe source, names included, in a fixed order.
recipe=$(cd "$here" && for f in build.sh probes/*.c; do printf '%s\n' "$f"; cat "$f"; done | sha256sum | cut -d' ' -f1)

# One build at a time per OUT_DIR; whatever a killed run left in .tmp-* goes.
exec 9>"$out/.lock"
flock 9
work=""
cleanup() {
    rm -rf "$out"/.tmp-* "$out"/.old-*
    [ -z "$work" ] || rm -rf "$work"
}
trap cleanup EXIT
cleanup

current() { # IMAGE: is OUT_DIR/IMAGE complete and built by this recipe?
    [ -f "$out/$1/.complete" ] && [ "$(head -n1 "$out/$1/.complete")" = "recipe=$recipe" ]
}

publish() { # IMAGE: write the marker, then swap OUT_DIR/.tmp-IMAGE into OUT_DIR/IMAGE
    local img=$1 tmp="$out/.tmp-$1"
    printf 'recipe=%s\nbusybox=%s\nbuilt=%s\n' "$recipe" "$bb_version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$tmp/.complete"
    if [ -e "$out/$img" ]; then
        mv -T "$out/$img" "$out/.old-$img"
    fi
    mv -T "$tmp" "$out/$img"
    rm -rf "$out/.old-$img"
}

assert_static() { # DIR: no ELF file under DIR may ask for a dynamic loader
    local f
    while IFS= read -r -d '' f; do
        if readelf -l "$f" 2>/dev/null | grep -q 'Requesting program interpreter'; then
            echo "build.sh: $f is dynamically linked" >&2
            exit 1
        fi
    done < <(find "$1" -type f -perm -u+x -print0)
}

size() { du -sh "$1" | cut -f1; }

bb_version=""
if current busybox:latest; then
    bb_version=$(sed -n 's/^busybox=//p' "$out/busybox:latest/.complete")
    echo "reused busybox:latest ($(size "$out/busybox:latest"), busybox $bb_version) in $out"
else
    start=$SECONDS
    work=$(mktemp -d "$out/.work.XXXXXX")
    deb=${BUSYBOX_DEB:-}
    if [ -z "$deb" ]; then
        apt_opts=(-q)
        # apt would drop to its _apt user, which cannot write to our private directory.
        [ "$(id -u)" != 0 ] || apt_opts+=(-o APT::Sandbox::User=root)
        if ! (cd "$work" && apt-get "${apt_opts[@]}" download busybox-static >/dev/null 2>"$work/apt.err"); then
            if [ "$(id -u)" != 0 ]; then
                cat "$work/apt.err" >&2
                echo "build.sh: apt-get download busybox-static failed; run 'apt-get update' as root and retry" >&2
                exit 1
            fi
            apt-get -qq update
            (cd "$work" && apt-get "${apt_opts[@]}" download busybox-static >/dev/null)
        fi
        deb=$(echo "$work"/busybox-static_*.deb)
    fi
    bb_version=$(dpkg-deb -f "$deb" Version)
    dpkg-deb -x "$deb" "$work/deb"

    root="$out/.tmp-busybox:latest"
    mkdir -p "$root/bin"
    install -m 0755 "$work/deb/bin/busybox" "$root/bin/busybox"
    # Every applet, where busybox itself says it lives (bin, sbin, usr/bin, usr/sbin, /linuxrc).
    while IFS= read -r applet; do
        [ -n "$applet" ] && [ "$applet" != bin/busybox ] || continue
        mkdir -p "$root/$(dirname "$applet")"
        ln -sfn /bin/busybox "$root/$applet"
    done < <("$root/bin/busybox" --list-full)

    # Mount points and the directories every image has; /tmp is sticky and world-writable.
    mkdir -p "$root"/{proc,sys,dev,etc,var,run,mnt}
    install -d -m 0700 "$root/root"
    install -d -m 1777 "$root/tmp"
    cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
    cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nogroup:x:65534:
EOF
    cat >"$root/etc/hosts" <<'EOF'
127.0.0.1	localhost
::1	localhost
EOF
    cat >"$root/etc/nsswitch.conf" <<'EOF'
hosts: files dns
passwd: files
group: files
EOF
    : >"$root/etc/resolv.conf"
    assert_static "$root"
    publish busybox:latest
    echo "built busybox:latest ($(size "$out/busybox:latest"), busybox $bb_version, $((SECONDS - start)) s) in $out"
fi

if current skiff-test:latest; then
    echo "reused skiff-test:latest ($(size "$out/skiff-test:latest")) in $out"
else
    start=$SECONDS
    root="$out/.tmp-skiff-test:latest"
    cp -a "$out/busybox:latest" "$root"
    rm -f "$root/.complete"
    pids=()
    for src in "$here"/probes/*.c; do
        gcc -static -O2 -s -Wall -Wextra -o "$root/bin/$(basename "$src" .c)" "$src" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    assert_static "$root"
    publish skiff-test:latest
    echo "built skiff-test:latest ($(size "$out/skiff-test:latest"), $((SECONDS - start)) s) in $out"
fi
