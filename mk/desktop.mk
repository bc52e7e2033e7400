# Daybook desktop app: Tauri v2 shell (src-tauri/), plain web UI (ui/) and the
# end-to-end tests in the real webview (tests/desktop/).
#
#   make desktop-deps     Debian packages and tauri-driver, only what is missing
#   make desktop-build    debug build of the app (what the tests drive)
#   make desktop-release  release build (no devtools, UI embedded)
#   make desktop-run      build and start the app on this display
#   make desktop-test     unit + mock-runtime tests, then the e2e and benchmark tests
#                         under Xvfb, in a network namespace with no interfaces but
#                         loopback when run as root
#
# Both crates are members of the root workspace (not default members, so a plain
# `cargo build` or `cargo test` leaves Tauri out) and use its one Cargo.lock and one
# target directory. The app's binary is `daybook-app`, beside the command line's
# `daybook`. Nothing here needs npm or the network once the dependencies are fetched.

DESKTOP_ROOT   := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
DESKTOP_TARGET ?= $(abspath $(or $(CARGO_TARGET_DIR),$(DESKTOP_ROOT)/target))
DESKTOP_E2E_OUT ?= $(DESKTOP_TARGET)/e2e
DESKTOP_PROFILE ?= debug
DESKTOP_APP_BIN := daybook-app
# The end-to-end tests start the app through a link named `daybook`, the process
# name they look for among the driver's children.
DESKTOP_E2E_APP ?= $(DESKTOP_TARGET)/e2e-app/daybook
# What that link points at: the debug build, or the installed package (mk/package.mk).
DESKTOP_E2E_APP_SOURCE ?= $(DESKTOP_TARGET)/debug/$(DESKTOP_APP_BIN)
CARGO          ?= cargo
DESKTOP_SUDO           := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DESKTOP_APT_PACKAGES := build-essential pkg-config curl file \
	libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libssl-dev libxdo-dev \
	webkit2gtk-driver xvfb xauth dbus-x11 imagemagick poppler-utils \
	libheif-dev dbus iproute2 util-linux fonts-dejavu-core xdotool \
	python3 python3-gi gir1.2-gtk-3.0 python3-xlib

DESKTOP_CARGO := CARGO_TARGET_DIR=$(DESKTOP_TARGET) $(CARGO)
DESKTOP_WORKSPACE := --manifest-path $(DESKTOP_ROOT)/Cargo.toml
DESKTOP_APP_PKG   := $(DESKTOP_WORKSPACE) -p daybook-desktop
DESKTOP_E2E_PKG   := $(DESKTOP_WORKSPACE) -p daybook-desktop-e2e

.PHONY: desktop-lint desktop-deps desktop-build desktop-release desktop-run desktop-test desktop-test-e2e-built \
	desktop-test-unit desktop-test-e2e desktop-clean-e2e

desktop-deps:
	@missing=""; for p in $(DESKTOP_APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(DESKTOP_SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(DESKTOP_SUDO) apt-get install -y --no-install-recommends $$missing; \
	else echo "Debian packages: all present"; fi
	@command -v tauri-driver >/dev/null 2>&1 || $(CARGO) install tauri-driver --locked
	@command -v WebKitWebDriver >/dev/null 2>&1 || { echo "WebKitWebDriver is missing (package webkit2gtk-driver)"; exit 1; }

desktop-build:
	$(DESKTOP_CARGO) build $(DESKTOP_APP_PKG)

desktop-release:
	$(DESKTOP_CARGO) build $(DESKTOP_APP_PKG) --release --features custom-protocol

desktop-run: $(if $(filter release,$(DESKTOP_PROFILE)),desktop-release,desktop-build)
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "There is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set)."; \
	  echo "Run this from a desktop session, or see it headless with:"; \
	  echo "  xvfb-run -a $(DESKTOP_TARGET)/$(DESKTOP_PROFILE)/$(DESKTOP_APP_BIN)"; \
	  exit 1; \
	fi
	$(DESKTOP_TARGET)/$(DESKTOP_PROFILE)/$(DESKTOP_APP_BIN)

desktop-test: desktop-deps desktop-test-unit desktop-test-e2e

# The shell's unit tests and the command tests on Tauri's mock runtime.
desktop-test-unit:
	$(DESKTOP_CARGO) test $(DESKTOP_APP_PKG)

# Builds first (with the network), then runs offline: inside a fresh network
# namespace (only loopback, for WebDriver) when root, else as it is.
# DESKTOP_E2E_ARGS narrows the run, e.g. DESKTOP_E2E_ARGS="--test e2e".
# Runs the e2e tests offline, under Xvfb, in a network namespace when root: cargo
# arguments $(1), test arguments $(2). Also used by mk/reliability.mk.
# The end-to-end test files, run as `--workspace --test NAME…` so that Cargo resolves
# features exactly as `make test-units` did and reuses its build (the app binary is
# built for the shell's `app_binary` test).
DESKTOP_E2E_TESTS := --test app_binary $(foreach t,$(basename $(notdir $(wildcard $(DESKTOP_ROOT)/tests/desktop/tests/*.rs))),--test $(t))
DESKTOP_E2E_SELECT := $(DESKTOP_WORKSPACE) --workspace $(DESKTOP_E2E_TESTS)

define desktop_e2e
	$(DESKTOP_CARGO) test $(DESKTOP_E2E_SELECT) --no-run
	@mkdir -p $(DESKTOP_E2E_OUT) $(dir $(DESKTOP_E2E_APP))
	@ln -sfn $(DESKTOP_E2E_APP_SOURCE) $(DESKTOP_E2E_APP)
	@run='ip link set lo up 2>/dev/null; \
	  DAYBOOK_E2E=1 DAYBOOK_E2E_OUT=$(DESKTOP_E2E_OUT) DAYBOOK_APP=$(DESKTOP_E2E_APP) CARGO_TARGET_DIR=$(DESKTOP_TARGET) \
	  xvfb-run -a -s "-screen 0 1280x900x24" dbus-run-session -- \
	  $(CARGO) test --offline $(if $(1),$(DESKTOP_WORKSPACE) --workspace $(1),$(DESKTOP_E2E_SELECT)) -- --test-threads=1 --nocapture $(2)'; \
	if [ "$$(id -u)" = 0 ] && unshare --net true 2>/dev/null; then \
	  echo "e2e: in a network namespace with no interfaces but loopback"; \
	  unshare --net sh -c "$$run"; \
	else \
	  echo "e2e: not root, running without a network namespace (the socket check still runs)"; \
	  sh -c "$$run"; \
	fi
	@echo "Screenshots, axe reports and bench.json: $(DESKTOP_E2E_OUT)"
endef

desktop-test-e2e: desktop-deps
	$(call desktop_e2e,$(DESKTOP_E2E_ARGS),)

# For `make test`: the same, after test-units has built everything.
desktop-test-e2e-built:
	$(call desktop_e2e,$(DESKTOP_E2E_ARGS),)

desktop-clean-e2e:
	rm -rf $(DESKTOP_E2E_OUT) $(dir $(DESKTOP_E2E_APP))

# Clippy for the desktop crates (kept out of `make test` to save CI time: checking
# the shell's Tauri dependencies takes minutes, and the tests build them anyway).
# `make lint` already checks their formatting.
desktop-lint: desktop-deps
	$(DESKTOP_CARGO) clippy $(DESKTOP_APP_PKG) $(DESKTOP_E2E_PKG) --all-targets -- -D warnings
