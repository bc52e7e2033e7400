#!/usr/bin/env python3
"""Turns `cargo about generate --format json` (standard input) into the compact list
Daybook shows in Settings > About and ships in /usr/share/doc/daybook: every crate
built into the programs with its licence expression, and the text of each licence
as the crates themselves carry it (one copy per distinct text). Run by
`make licences`; never edit the output by hand."""
import json
import sys

about = json.load(sys.stdin)
own = {"daybook-core", "daybook-cli", "daybook-desktop", "daybook-desktop-e2e"}
crates = sorted(
    (
        {
            "name": c["package"]["name"],
            "version": c["package"]["version"],
            "licence": c["license"],
        }
        for c in about["crates"]
        if c["package"]["name"] not in own
    ),
    key=lambda c: (c["name"], c["version"]),
)
texts = []
for lic in about["licenses"]:
    # name@version, as cargo writes a package: never "name version", which in a
    # binary reads like an embedded library's banner ("fdeflate 0.3.7" to lintian).
    users = sorted(
        {f'{u["crate"]["name"]}@{u["crate"]["version"]}' for u in lic["used_by"]}
    )
    users = [u for u in users if u.split("@")[0] not in own]
    if users:
        texts.append({"licence": lic["id"], "crates": users, "text": lic["text"]})
json.dump(
    {
        "generated_by": "cargo about generate --format json | src-tauri/packaging/licences.py (make licences)",
        "crates": crates,
        "texts": texts,
    },
    sys.stdout,
    indent=1,
    ensure_ascii=False,
)
sys.stdout.write("\n")
