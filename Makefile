# Skiff — the two commands the README promises: `make run` and `make test`.
# Both install the Debian packages they need (as root, apt-get update first) when missing.

SHELL := /bin/bash
SWIFT ?= swift
DATA ?= $(CURDIR)/.skiff
LISTEN ?= 127.0.0.1:6443
TOOLS := $(CURDIR)/.tools
DEB_PACKAGES := libsqlite3-dev python3-venv libseccomp-dev libcap-dev zlib1g-dev
BIN := $(CURDIR)/.build/debug
# skiff-init with the Swift runtime linked in: no Swift shared library to load on each
# container start (LINUX-NOTES §6). Its own scratch path, so it never mixes with .build.
INIT_STATIC := $(CURDIR)/.build-static/release/skiff-init

.PHONY: build init-static rootfs run stop test bench fmt lint deps client-tools install uninstall test-vm

deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "missing packages:$$missing (run as root, or apt-get install them)"; exit 1; fi; \
		echo "installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

init-static: deps
	$(SWIFT) build -c release --product skiff-init --static-swift-stdlib --scratch-path $(CURDIR)/.build-static

# The real clients the tests drive: kubectl 1.20 from Debian (extracted, never installed over
# /usr/bin/kubectl) and the official Python client in a venv. kubectl 1.30/1.33 ship with the machine.
client-tools: deps
	@bash Tests/clients/fetch-kubectl-1.20.sh $(TOOLS)/kubectl-1.20
	@bash Tests/clients/setup-python.sh $(TOOLS)/venv

# Images are local root filesystems (rootfs/README.md); built from Debian packages, never installed.
rootfs:
	bash rootfs/build.sh $(CURDIR)/rootfs/images

run: build init-static rootfs
	$(BIN)/skiff cluster up --data-dir $(DATA) --listen $(LISTEN) --agent-arg=--init-path=$(INIT_STATIC)

stop:
	@if [ -x $(BIN)/skiff ]; then $(BIN)/skiff cluster down --data-dir $(DATA); else echo "nothing built, nothing running"; fi

# The agents the tests start run the static skiff-init that `make run` uses (SKIFF_INIT).
# A failure is repeated at the end: CI keeps only the tail of a long run's output.
TEST_LOG := $(CURDIR)/.build/test.log
test: deps client-tools rootfs init-static
	$(SWIFT) build --build-tests
	@set -o pipefail; SKIFF_TOOLS=$(TOOLS) SKIFF_INIT=$(INIT_STATIC) $(SWIFT) test --skip-build 2>&1 \
		| tee $(TEST_LOG) || { status=$$?; \
		echo "── what failed (the whole output: $(TEST_LOG)) ──"; \
		grep -E -A4 'recorded an issue|error:|✘ (Test|Suite)' $(TEST_LOG) | grep -v '^✘ Test run' | head -80; \
		exit $$status; }

# The master's figures, then the node's: container start beside crun and runc (Debian packages,
# the measured anchors), pod startup and the agent's memory and CPU, on release builds (as root).
# skiffd is measured as `make install` builds it (static Swift stdlib, .build-static): the
# daemons a server runs. BENCH_ARGS=--no-node skips the node part; BENCH_BUILD picks the SwiftPM
# scratch directory of skiff-bench itself.
bench: DEB_PACKAGES += crun runc
bench: BENCH_BUILD ?= $(CURDIR)/.build
bench: deps rootfs init-static
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path $(CURDIR)/.build-static --product skiffd
	$(SWIFT) build -c release --scratch-path $(BENCH_BUILD) --product skiff-bench
	$(BENCH_BUILD)/release/skiff-bench --skiffd $(STATIC)/skiffd \
		--skiff-init $(INIT_STATIC) --image-dir $(CURDIR)/rootfs/images $(BENCH_ARGS)

# A server install: static-stdlib release builds (no Swift runtime needed on the host), the
# images, and the two systemd units (systemd/README.md). DESTDIR stages the tree elsewhere.
PREFIX ?= /usr/local
BINDIR := $(PREFIX)/bin
# Fixed: the units' StateDirectory= always means /var/lib/skiff.
STATEDIR := /var/lib/skiff
UNITDIR ?= /etc/systemd/system
STATIC := $(CURDIR)/.build-static/release
INSTALLED_BINARIES := skiffd skiff skiff-init

install: deps rootfs
	for product in $(INSTALLED_BINARIES); do \
		$(SWIFT) build -c release --static-swift-stdlib --scratch-path $(CURDIR)/.build-static --product $$product || exit 1; \
	done
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(STATEDIR)/images
	for product in $(INSTALLED_BINARIES); do \
		install -m 755 -s $(STATIC)/$$product $(DESTDIR)$(BINDIR)/$$product || exit 1; \
	done
	@# Each image is copied beside the installed one and renamed over it: running containers keep
	@# the old files as their overlay's lower layer, never a half-rewritten one.
	for image in $(CURDIR)/rootfs/images/*/; do \
		name=$$(basename "$$image"); target=$(DESTDIR)$(STATEDIR)/images/$$name; \
		rm -rf "$$target.new" && cp -a "$$image" "$$target.new" || exit 1; \
		if [ -d "$$target" ]; then mv "$$target" "$$target.old" && mv "$$target.new" "$$target" && rm -rf "$$target.old"; \
		else mv "$$target.new" "$$target"; fi || exit 1; \
	done
	for unit in skiff-master skiff-agent; do \
		sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@STATEDIR@|$(STATEDIR)|g' systemd/$$unit.service \
			> $(DESTDIR)$(UNITDIR)/$$unit.service && chmod 644 $(DESTDIR)$(UNITDIR)/$$unit.service || exit 1; \
	done
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@echo "installed; start with: systemctl enable --now skiff-master skiff-agent"

# Removes what install put there, after stopping the daemons and this node's pods (they run from
# the images). The cluster's data ($(STATEDIR)/master, $(STATEDIR)/agent) stays: it is the user's.
uninstall:
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		systemctl disable --now skiff-agent skiff-master 2>/dev/null || true; fi
	@if [ -z "$(DESTDIR)" ] && [ -x $(BINDIR)/skiffd ] && [ -d $(STATEDIR)/agent ]; then \
		$(BINDIR)/skiffd stop-pods --data-dir $(STATEDIR)/agent || exit 1; fi
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(INSTALLED_BINARIES))
	rm -f $(DESTDIR)$(UNITDIR)/skiff-master.service $(DESTDIR)$(UNITDIR)/skiff-agent.service
	rm -rf $(DESTDIR)$(STATEDIR)/images
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi

# systemd and pure cgroup v2, for real: `make install` into a Debian 12 VM (systemd 252 as shipped,
# and 254 from backports), then Tests/vm/guest-test.sh in each (Tests/vm/README.md).
VM_DIR ?= /var/tmp/skiff-vm-images
test-vm: DEB_PACKAGES += qemu-system-x86 debootstrap e2fsprogs file
test-vm: deps
	bash Tests/vm/test-vm.sh $(VM_DIR)

fmt:
	$(SWIFT) format --in-place --recursive --configuration .swift-format Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive --configuration .swift-format Sources Tests Package.swift
