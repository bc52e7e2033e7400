# Daybook: `make run` starts the app, `make test` runs every test.
# Both install what a fresh Debian 12 machine lacks (apt-get, only when missing).

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Tools the tests use as independent checkers, and libraries the build links.
APT_PACKAGES := age qpdf poppler-utils sqlite3 libheif-dev pkg-config gcc python3 tar coreutils xxd time util-linux

.PHONY: run test deps check-rust lint unit bench clean cli

include mk/desktop.mk

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
	  echo "To see it without a screen: xvfb-run -a $(DESKTOP_TARGET)/release/daybook"; \
	  echo "The command line is ready: ./target/release/daybook --help"; \
	else \
	  $(MAKE) --no-print-directory desktop-run DESKTOP_PROFILE=release; \
	fi

cli: deps
	$(CARGO) build --release -p daybook-cli

lint: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

unit: deps
	$(CARGO) test --workspace

test: lint unit desktop-test

bench: deps
	$(CARGO) bench -p daybook-core

clean:
	$(CARGO) clean
