#!/bin/sh
# Builds Daybook's .deb and .rpm with the Tauri bundler (`cargo tauri bundle`) from
# binaries that are already built, so that `make test` packages exactly the build
# its tests ran and `make package` the release build, without compiling twice.
#
#   make-package.sh TARGET_DIR PROFILE OUT_DIR
#
# TARGET_DIR/PROFILE must hold daybook-app and daybook. Everything the package holds
# besides them (manual pages, completions, copyright, changelog, SBOM, licences) is
# made here, offline, from the binaries and the repository. OUT_DIR receives the
# .deb and .rpm; OUT_DIR/stage is scratch.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=$1
profile=$2
out=$(mkdir -p "$3" && cd "$3" && pwd)
cargo=${CARGO:-cargo}

# The bundler reads the binaries from $CARGO_TARGET_DIR/$profile: a staged copy,
# stripped (symbols are no use to the people who install it, and lintian asks).
stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage/$profile" "$stage/files/man" "$stage/files/sbom"
for bin in daybook-app daybook; do
    cp "$target/$profile/$bin" "$stage/$profile/$bin"
    strip --strip-all "$stage/$profile/$bin"
done
cli=$stage/$profile/daybook

"$cli" manual --out "$stage/files/man"
gzip -9n "$stage/files/man"/*.1
"$cli" completions bash > "$stage/files/daybook.bash"
"$cli" completions zsh > "$stage/files/_daybook"
"$cli" completions fish > "$stage/files/daybook.fish"

# /usr/share/doc/daybook: copyright (Debian's machine-readable format, with the full
# licence texts), the changelog, the third-party licences and the SBOM.
indent() { sed -e 's/[[:space:]]*$//' -e 's/^$/./' -e 's/^/ /'; }
{
    cat "$here/copyright.head"
    printf '\nLicense: AGPL-3.0-or-later\n'
    indent < "$root/LICENSE"
    printf '\nLicense: OFL-1.1\n'
    indent < "$root/assets/fonts/OFL.txt"
} > "$stage/files/copyright"
cp "$root/assets/licences/third-party.json" "$stage/files/third-party-licences.json"
if command -v cargo-cyclonedx >/dev/null 2>&1; then
    # CycloneDX writes one SBOM beside each member's Cargo.toml: those of the two
    # programs are moved out of the tree at once, the others removed.
    (cd "$root" && "$cargo" cyclonedx --format json --target x86_64-unknown-linux-gnu \
        --no-build-deps --override-filename daybook-sbom -q)
    mv "$root/src-tauri/daybook-sbom.json" "$stage/files/sbom/daybook-app.cdx.json"
    mv "$root/cli/daybook-sbom.json" "$stage/files/sbom/daybook.cdx.json"
    rm -f "$root/core/daybook-sbom.json" "$root/tests/desktop/daybook-sbom.json"
else
    echo "cargo-cyclonedx is missing: make package-tools installs it" >&2
    exit 1
fi

# What the binaries link, as Debian names it (dpkg-shlibdeps), for Depends.
mkdir -p "$stage/shlibs/debian"
printf 'Source: daybook\n\nPackage: daybook\nArchitecture: any\n' > "$stage/shlibs/debian/control"
depends=$(cd "$stage/shlibs" && dpkg-shlibdeps -O -e"$stage/$profile/daybook-app" -e"$cli" 2>/dev/null \
    | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "dpkg-shlibdeps found no libraries" >&2; exit 1; }

# A Debian-format changelog entry for this version (the project's own changes are in
# CHANGELOG.md, shipped beside it), dated by the last commit so builds repeat.
version=$(sed -n 's/^ *"version": *"\(.*\)",*$/\1/p' "$here/../tauri.conf.json" | head -1)
when=$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)
maintainer=$(sed -n 's/^authors = \["\(.*\)"\]$/\1/p' "$here/../Cargo.toml")
{
    printf 'daybook (%s) unstable; urgency=medium\n\n' "$version"
    printf '  * Daybook %s. The changes are listed in CHANGELOG.md.gz in this folder.\n\n' "$version"
    printf ' -- %s  %s\n' "$maintainer" "$(LC_ALL=C date -u -R -d "@$when")"
} | gzip -9n > "$stage/files/changelog.gz"
gzip -9n < "$root/CHANGELOG.md" > "$stage/files/CHANGELOG.md.gz"
gzip -9n < "$here/daybook-app.1" > "$stage/files/man/daybook-app.1.gz"

# What goes where, for both formats (JSON merge patch over tauri.conf.json).
python3 - "$stage" "$profile" "$depends" > "$stage/overlay.json" <<'PY'
import json, os, sys
stage, profile, depends = sys.argv[1], sys.argv[2], sys.argv[3]
f = f"{stage}/files"
files = {
    "/usr/bin/daybook": f"{stage}/{profile}/daybook",
    "/usr/share/bash-completion/completions/daybook": f"{f}/daybook.bash",
    "/usr/share/zsh/vendor-completions/_daybook": f"{f}/_daybook",
    "/usr/share/fish/vendor_completions.d/daybook.fish": f"{f}/daybook.fish",
    "/usr/share/doc/daybook/copyright": f"{f}/copyright",
    "/usr/share/doc/daybook/changelog.gz": f"{f}/changelog.gz",
    "/usr/share/doc/daybook/CHANGELOG.md.gz": f"{f}/CHANGELOG.md.gz",
    "/usr/share/doc/daybook/third-party-licences.json": f"{f}/third-party-licences.json",
}
for name in sorted(os.listdir(f"{f}/sbom")):
    files[f"/usr/share/doc/daybook/sbom/{name}"] = f"{f}/sbom/{name}"
for name in sorted(os.listdir(f"{f}/man")):
    files[f"/usr/share/man/man1/{name}"] = f"{f}/man/{name}"
# The bundler adds libwebkit2gtk-4.1-0 and libgtk-3-0 itself, unversioned: the
# versioned ones dpkg-shlibdeps found say more, so those two are left to it only
# when it did not find them.
deb_depends = [d.strip() for d in depends.split(",") if d.strip()]
print(json.dumps({"bundle": {"linux": {
    "deb": {"files": files, "depends": deb_depends},
    "rpm": {"files": files},
}}}, indent=1))
PY

debug=
[ "$profile" = debug ] && debug=--debug
(cd "$root/src-tauri" && CARGO_TARGET_DIR="$stage" "$cargo" tauri bundle $debug \
    --bundles deb,rpm --no-binary-patching --config "$stage/overlay.json")
rm -f "$out"/*.deb "$out"/*.rpm
cp "$stage/$profile/bundle/deb/"*.deb "$out/daybook_${version}_amd64.deb"

# The RPM: the bundler lays it out, and rpmbuild writes it again with the headers
# rpmlint asks for that tauri-bundler cannot set (Group, Packager, BuildHost, a
# changelog, documentation flags), the same files and the same Requires. Signed
# when RPM_SIGNING_GNUPGHOME and RPM_SIGNING_KEY name a key (a release's, or the
# throwaway one `make package-test` makes).
tauri_rpm=$(ls "$stage/$profile/bundle/rpm/"*.rpm)
rpmroot=$stage/rpmroot
rm -rf "$rpmroot" "$stage/rpmbuild"
mkdir -p "$rpmroot" "$stage/rpmbuild"
(cd "$rpmroot" && rpm2cpio "$tauri_rpm" | cpio -idm --quiet)
requires=$(rpm -qp --requires "$tauri_rpm" 2>/dev/null | grep -v '^rpmlib(' | paste -sd, -)
summary=$(rpm -qp --qf '%{SUMMARY}' "$tauri_rpm" 2>/dev/null)
{
    printf 'Name: daybook\nVersion: %s\nRelease: 1\nSummary: %s\n' "$version" "$summary"
    printf 'License: AGPL-3.0-or-later\nGroup: Applications/Productivity\nPackager: %s\n' "$maintainer"
    printf 'Requires: %s\nAutoReqProv: no\n\n%%description\n' "$requires"
    rpm -qp --qf '%{DESCRIPTION}\n' "$tauri_rpm" 2>/dev/null
    printf '\n%%install\nmkdir -p %%{buildroot}\ncp -a %s/. %%{buildroot}/\n\n%%files\n' "$rpmroot"
    printf '%%dir /usr/share/doc/daybook\n%%dir /usr/share/doc/daybook/sbom\n'
    (cd "$rpmroot" && find . -type f -o -type l | sed 's|^\.||' | sort)
    printf '\n%%changelog\n* %s %s - %s-1\n- Daybook %s. The changes are listed in /usr/share/doc/daybook/CHANGELOG.md.gz.\n' \
        "$(LC_ALL=C date -u -d "@$when" '+%a %b %d %Y')" "$maintainer" "$version" "$version"
} > "$stage/daybook.spec"
rpmbuild -bb --quiet --define "_topdir $stage/rpmbuild" --define "__os_install_post %{nil}" \
    --define "debug_package %{nil}" --define "_build_id_links none" \
    --define "_buildhost daybook-build" "$stage/daybook.spec" >/dev/null
rpm_out=$(ls "$stage/rpmbuild/RPMS/"*/daybook-*.rpm)
if [ -n "${RPM_SIGNING_GNUPGHOME:-}" ] && [ -n "${RPM_SIGNING_KEY:-}" ]; then
    GNUPGHOME=$RPM_SIGNING_GNUPGHOME rpmsign --addsign --define "_gpg_name $RPM_SIGNING_KEY" \
        --define "_gpg_path $RPM_SIGNING_GNUPGHOME" --define "__gpg $(command -v gpg)" "$rpm_out" >/dev/null
fi
cp "$rpm_out" "$out/"
ls -l "$out"/*.deb "$out"/*.rpm
