# Daybook: `make run` starts the app, `make test` runs every test.
# Both install what a fresh Debian 12 machine lacks (apt-get, only when missing).

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Tools the tests use as independent checkers, and libraries the build links.
APT_PACKAGES := age qpdf poppler-utils sqlite3 openssl nodejs libheif-dev pkg-config gcc python3 tar coreutils xxd time util-linux

.PHONY: ui-test run test deps check-rust lint unit test-units bench clean cli

include mk/desktop.mk
include mk/reliability.mk
include mk/package.mk

# Every cargo run below uses the one target directory mk/desktop.mk works out
# ($CARGO_TARGET_DIR, else target/), so the desktop steps reuse what these built.

check-rust:
	@command -v $(CARGO) >/dev/null || { echo "Daybook needs Rust (cargo). Install it with rustup: https://rustup.rs"; exit 1; }

deps: check-rust
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# Builds and starts the desktop app. Without a display (a server, a container) it
# says so and leaves the command line ready instead of failing.
run: deps desktop-deps cli
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  $(MAKE) --no-print-directory desktop-release; \
	  echo; \
	  echo "There is no display here, so the Daybook window cannot open."; \
	  echo "From a desktop session, run: make run"; \
	  echo "To see it without a screen: xvfb-run -a $(DESKTOP_TARGET)/release/$(DESKTOP_APP_BIN)"; \
	  echo "The command line is ready: $(DESKTOP_TARGET)/release/daybook --help"; \
	else \
	  $(MAKE) --no-print-directory desktop-run DESKTOP_PROFILE=release; \
	fi

cli: deps
	$(DESKTOP_CARGO) build --release -p daybook-cli

# Formatting of every crate; clippy for the core and the command line. The desktop
# crates are compiled by the tests (clippy for them: make desktop-lint).
lint: deps
	$(DESKTOP_CARGO) fmt --all -- --check
	$(DESKTOP_CARGO) clippy -p daybook-core -p daybook-cli --all-targets -- -D warnings

# The core and command-line tests only: no Tauri, no webview libraries.
unit: deps
	$(DESKTOP_CARGO) test

# Every test of every crate in one cargo run, so each crate is built once, with one
# set of features: the core, command-line and shell tests (the shell's on Tauri's
# mock runtime), and the app binary and end-to-end tests that desktop-test-e2e then
# runs under a display (here they skip: DAYBOOK_E2E is not set).
test-units: deps desktop-deps
	$(DESKTOP_CARGO) test --workspace

# The UI's pure helpers (ui/dom.js), with Node's own test runner: no packages.
ui-test: deps
	node --test tests/ui/

test: lint supply-chain test-units ui-test desktop-test-e2e-built package-test

bench: deps
	$(DESKTOP_CARGO) bench -p daybook-core
	$(MAKE) --no-print-directory desktop-bench

clean:
	$(DESKTOP_CARGO) clean
