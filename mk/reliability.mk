# The long tests, kept out of `make test` so that it stays under ten minutes. Each is
# an ordinary test marked `#[ignore = "long: make reliability"]` (or, for the desktop
# benchmark, `#[ignore = "benchmark: …"]`), so `cargo test -- --ignored` runs them too.
#
#   make reliability          all of them: core and CLI, then the desktop ones
#   make reliability-unit     core and CLI: 3 GB attach through the CLI (writes ~6 GB
#                             to the temp dir), 1 GiB streamed through a handover,
#                             every byte of a handover flipped in turn
#   make reliability-desktop  the desktop app: a 2 GiB attach cancelled, and the
#                             10,000-entry benchmark (writes bench.json)
#   make desktop-bench        the desktop benchmark alone
#
# Included from the root Makefile after mk/desktop.mk, whose DESKTOP_* variables and
# desktop-deps / desktop-build targets it uses (and the root's `deps`).

.PHONY: reliability reliability-unit reliability-desktop desktop-bench

reliability: reliability-unit reliability-desktop

reliability-unit: deps
	$(DESKTOP_CARGO) test --tests -- --ignored --nocapture

reliability-desktop: desktop-deps desktop-build
	$(call reliability_e2e,,--ignored)

desktop-bench: desktop-deps desktop-build
	$(call reliability_e2e,--test bench,--ignored)

# As desktop-test-e2e in mk/desktop.mk runs the e2e tests (offline, under Xvfb, in
# a network namespace when root), with cargo arguments $(1) and test arguments $(2).
define reliability_e2e
	$(DESKTOP_CARGO) test $(DESKTOP_E2E_PKG) --no-run
	@mkdir -p $(DESKTOP_E2E_OUT) $(dir $(DESKTOP_E2E_APP))
	@ln -sfn $(DESKTOP_TARGET)/debug/$(DESKTOP_APP_BIN) $(DESKTOP_E2E_APP)
	@run='ip link set lo up 2>/dev/null; \
	  DAYBOOK_E2E_OUT=$(DESKTOP_E2E_OUT) DAYBOOK_APP=$(DESKTOP_E2E_APP) CARGO_TARGET_DIR=$(DESKTOP_TARGET) \
	  xvfb-run -a -s "-screen 0 1280x900x24" dbus-run-session -- \
	  $(CARGO) test --offline $(DESKTOP_E2E_PKG) $(1) -- --test-threads=1 --nocapture $(2)'; \
	if [ "$$(id -u)" = 0 ] && unshare --net true 2>/dev/null; then \
	  echo "e2e: in a network namespace with no interfaces but loopback"; \
	  unshare --net sh -c "$$run"; \
	else \
	  echo "e2e: not root, running without a network namespace (the socket check still runs)"; \
	  sh -c "$$run"; \
	fi
	@echo "Screenshots, axe reports and bench.json: $(DESKTOP_E2E_OUT)"
endef
