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

.PHONY: build init-static rootfs run stop test bench fmt lint deps client-tools

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
test: deps client-tools rootfs init-static
	$(SWIFT) build --build-tests
	SKIFF_TOOLS=$(TOOLS) SKIFF_INIT=$(INIT_STATIC) $(SWIFT) test --skip-build

# The master's figures, then the node's: container start beside crun and runc (Debian packages,
# the measured anchors), pod startup and the agent's memory and CPU, on release builds (as root).
# BENCH_ARGS=--no-node skips the node part; BENCH_BUILD picks the SwiftPM scratch directory.
bench: DEB_PACKAGES += crun runc
bench: BENCH_BUILD ?= $(CURDIR)/.build
bench: deps rootfs init-static
	$(SWIFT) build -c release --scratch-path $(BENCH_BUILD) --product skiffd
	$(SWIFT) build -c release --scratch-path $(BENCH_BUILD) --product skiff-bench
	$(BENCH_BUILD)/release/skiff-bench --skiffd $(BENCH_BUILD)/release/skiffd \
		--skiff-init $(INIT_STATIC) --image-dir $(CURDIR)/rootfs/images $(BENCH_ARGS)

fmt:
	$(SWIFT) format --in-place --recursive --configuration .swift-format Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive --configuration .swift-format Sources Tests Package.swift
