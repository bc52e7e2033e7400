# Packages: a .deb and an .rpm of the desktop app and the command line, made offline
# with the Tauri bundler (`cargo tauri bundle`) from binaries already built.
#
#   make package        release build (with `cargo auditable`), then the packages in
#                       target/package/ (deb, rpm)
#   make package-test   packages the debug build `make test` has just built and
#                       tested, then checks them as an installer meets them
#                       (tests/package/check.sh: lintian, rpmlint, install, start
#                       through WebDriver, purge). Part of `make test`.
#   make supply-chain   cargo deny: licences, banned crates, sources (deny.toml)
#   make licences       regenerates assets/licences/third-party.json (cargo about)
#   make icons          regenerates src-tauri/icons/ from assets/icon.svg (the first
#                       PNG in tauri.conf.json's bundle.icon is the window's icon)
#   make package-tools  installs what these need, only what is missing
#
# Included from the root Makefile after mk/desktop.mk (DESKTOP_* variables).

PACKAGE_OUT ?= $(DESKTOP_TARGET)/package
PACKAGE_APT := lintian rpm rpmlint desktop-file-utils binutils man-db shared-mime-info python3-venv \
	dpkg-dev cpio gnupg
# Pinned, installed with --locked from crates.io only when missing.
# Each: crate@version:binary[:features].
PACKAGE_CARGO_TOOLS := tauri-cli@2.12.4:cargo-tauri cargo-deny@0.20.2:cargo-deny \
	cargo-about@0.9.3:cargo-about:cli cargo-cyclonedx@0.5.9:cargo-cyclonedx \
	cargo-auditable@0.7.7:cargo-auditable

.PHONY: package package-test package-tools supply-chain licences icons

package-tools:
	@missing=""; for p in $(PACKAGE_APT); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(DESKTOP_SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(DESKTOP_SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@for t in $(PACKAGE_CARGO_TOOLS); do \
	  IFS=: read -r spec bin features <<< "$$t"; \
	  command -v $$bin >/dev/null 2>&1 || $(CARGO) install $${spec%%@*} --version $${spec##*@} \
	    --locked $${features:+--features $$features}; \
	done

# Also checks the release workflow against GitHub's schema (check-jsonschema, from
# PyPI into a virtualenv in the target directory; its schemas come with it, offline).
PACKAGE_VENV := $(DESKTOP_TARGET)/tools-venv
supply-chain: package-tools
	$(CARGO) deny --manifest-path $(DESKTOP_ROOT)/Cargo.toml --workspace check licenses bans sources
	@[ -x $(PACKAGE_VENV)/bin/check-jsonschema ] || { python3 -m venv $(PACKAGE_VENV) \
	  && $(PACKAGE_VENV)/bin/pip install -q check-jsonschema==0.39.0; }
	$(PACKAGE_VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows \
	  $(DESKTOP_ROOT)/.github/workflows/release.yml

licences: package-tools
	cd $(DESKTOP_ROOT) && $(CARGO) about generate --workspace --offline --fail --format json \
	  | python3 src-tauri/packaging/licences.py > assets/licences/third-party.json

icons: package-tools
	cd $(DESKTOP_ROOT)/src-tauri && $(CARGO) tauri icon ../assets/icon.svg --output icons \
	  && $(CARGO) tauri icon ../assets/icon.svg --output icons --png 16,24,48,256,512
	cd $(DESKTOP_ROOT)/src-tauri/icons && rm -rf android ios Square*Logo.png StoreLogo.png 128x128@2x.png icon.png

package: deps desktop-deps package-tools
	$(DESKTOP_CARGO) auditable build $(DESKTOP_WORKSPACE) --release -p daybook-cli \
	  -p daybook-desktop --features daybook-desktop/custom-protocol
	$(DESKTOP_ROOT)/src-tauri/packaging/make-package.sh $(DESKTOP_TARGET) release $(PACKAGE_OUT)

# After `make test-units` and the e2e run: the same binaries, packaged and installed.
# The .rpm is signed with a throwaway key made for the run (a release signs with the
# project's key: docs/packaging.md), so that rpmlint checks a signed package.
package-test: package-tools
	@gnupg=$$(mktemp -d); trap 'GNUPGHOME=$$gnupg gpgconf --kill all 2>/dev/null; rm -rf $$gnupg' EXIT; \
	GNUPGHOME=$$gnupg gpg --batch --quiet --passphrase '' --quick-gen-key \
	  "Daybook package test (throwaway) <test@daybook.invalid>" ed25519 sign never 2>/dev/null \
	&& export RPM_SIGNING_GNUPGHOME=$$gnupg RPM_SIGNING_KEY="Daybook package test (throwaway)" \
	&& $(DESKTOP_ROOT)/src-tauri/packaging/make-package.sh $(DESKTOP_TARGET) debug $(PACKAGE_OUT)/test \
	&& $(DESKTOP_ROOT)/tests/package/check.sh $(PACKAGE_OUT)/test \
	  $(MAKE) --no-print-directory -C $(DESKTOP_ROOT) desktop-test-e2e-built \
	    DESKTOP_E2E_ARGS="--test installed" DESKTOP_E2E_APP_SOURCE=/usr/bin/daybook-app \
	    DESKTOP_E2E_APP=$(PACKAGE_OUT)/e2e-app/daybook
