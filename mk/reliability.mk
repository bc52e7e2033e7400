# The long tests, kept out of `make test` so that it stays under ten minutes. Each is
# an ordinary test marked `#[ignore = "long: make reliability"]` (or, for the desktop
# benchmark, `#[ignore = "benchmark: …"]`), so `cargo test -- --ignored` runs them too.
#
#   make reliability          all of them: core and CLI, then the desktop ones
#   make reliability-unit     core and CLI: 3 GB attach through the CLI (writes ~6 GB
#                             to the temp dir), 1 GiB streamed through a handover,
#                             every byte of a handover flipped in turn
#   make reliability-campaigns  the randomised campaigns alone: 1,000 SIGKILLed
#                             operations, 1,000 flipped bytes in each of a diary, a
#                             handover and a backup, 1,000,000 hostile inputs; each
#                             writes its table into docs/reliability.md
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

reliability-campaigns: deps
	$(DESKTOP_CARGO) test -p daybook-core --test flip_campaign --test hostile_campaign \
		-p daybook-cli --test kill_campaign -- --ignored --nocapture

reliability-desktop: desktop-deps
	$(call desktop_e2e,,--ignored)

desktop-bench: desktop-deps
	$(call desktop_e2e,--test bench,--ignored)
