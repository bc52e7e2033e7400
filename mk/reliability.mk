# The long tests, kept out of `make test` so that it stays under ten minutes. Each is
# an ordinary test marked `#[ignore = "long: make reliability"]` (or, for the desktop
# benchmark, `#[ignore = "benchmark: …"]`), so `cargo test -- --ignored` runs them too.
#
#   make reliability          all of them: core and CLI, then the desktop ones
#   make reliability-unit     core and CLI: 3 GB attach through the CLI (writes ~6 GB
#                             to the temp dir), 1 GiB streamed through a handover,
#                             every byte of a handover flipped in turn
#   make reliability-campaigns  the randomised campaigns alone: 1,000 SIGKILLed
#                             operations (a migration among them), 1,000 flipped bytes
#                             in each of a diary, a handover and a backup, 1,000,000
#                             hostile inputs, 1,000 copies with a cut-short log, 10
#                             processes on one diary for 10 minutes, and every app
#                             command called with hostile arguments; each writes its
#                             table into docs/reliability.md
#   make reliability-desktop  the desktop app: a 2 GiB attach cancelled, and the
#                             10,000-entry benchmark (writes bench.json)
#   make desktop-bench        the desktop benchmark alone
#
# Included from the root Makefile after mk/desktop.mk, whose DESKTOP_* variables and
# desktop-deps / desktop-build targets it uses (and the root's `deps`).

.PHONY: reliability reliability-unit reliability-campaigns reliability-desktop desktop-bench

reliability: reliability-unit reliability-desktop

reliability-unit: deps
	$(DESKTOP_CARGO) test --tests -- --ignored --nocapture

reliability-campaigns: deps desktop-deps
	$(DESKTOP_CARGO) test -p daybook-core --test flip_campaign --test hostile_campaign \
		--test lost_write_campaign -p daybook-cli --test kill_campaign -- --ignored --nocapture
	$(DESKTOP_CARGO) test -p daybook-cli --test load_campaign -- --ignored --nocapture
	$(DESKTOP_CARGO) test -p daybook-desktop --lib ipc_campaign -- --ignored --nocapture

reliability-desktop: desktop-deps
	$(call desktop_e2e,,--ignored)

desktop-bench: desktop-deps
	$(call desktop_e2e,--test bench,--ignored)
