#!/bin/bash
# Checks the packages made by src-tauri/packaging/make-package.sh as someone
# installing them would meet them (`make package-test`, part of `make test`):
#   - lintian: no errors on the .deb; rpmlint: no errors on the .rpm;
#   - dpkg-deb: the files and Depends the package must have, a valid desktop entry
#     with a neutral name, icons in every size, the MIME type of handover files;
#   - apt-get install ./daybook_*.deb; ldd finds every library; `daybook --version`;
#     the installed app under Xvfb through WebDriver (tests/desktop/tests/installed.rs);
#   - apt-get purge removes every file it installed.
# A machine that already has a Daybook package installed is left alone: the install
# steps are skipped with a message (they would replace the person's own copy).
#
#   tests/package/check.sh PACKAGE_DIR E2E_COMMAND...
# E2E_COMMAND runs the installed-app WebDriver test (mk/package.mk passes it).
set -euo pipefail
dir=$1
shift
sudo=$([ "$(id -u)" = 0 ] || echo sudo)
deb=$(ls "$dir"/daybook_*.deb)
rpm=$(ls "$dir"/daybook-*.rpm)
fail() { echo "package check: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== lintian $(basename "$deb")"
# Errors fail; warnings are shown, every instance.
lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v 'root privileges' | tee "$work/lintian.txt" || true
if grep -q '^E:' "$work/lintian.txt"; then fail "lintian reports errors"; fi

echo "== rpmlint $(basename "$rpm")"
# rpmlint checks the signature against rpm's key database: a private one here, holding
# the signing key's public half, so the machine's own is not touched.
mkdir -p "$work/rpmhome"
echo "%_dbpath $work/rpmhome/rpmdb" > "$work/rpmhome/.rpmmacros"
if [ -n "${RPM_SIGNING_GNUPGHOME:-}" ]; then
    GNUPGHOME=$RPM_SIGNING_GNUPGHOME gpg --armor --export > "$work/rpmhome/key.asc"
    HOME=$work/rpmhome rpm --import "$work/rpmhome/key.asc"
fi
HOME=$work/rpmhome rpmlint "$rpm" | tee "$work/rpmlint.txt" || true
grep -Eq '(^|[^0-9])0 errors' "$work/rpmlint.txt" || fail "rpmlint reports errors"

echo "== dpkg-deb: control and files"
dpkg-deb -f "$deb" Package Version Depends Description | tee "$work/control.txt"
depends=$(dpkg-deb -f "$deb" Depends)
for need in libwebkit2gtk-4.1-0 libgtk-3-0 libheif1; do
    [[ ",$depends," == *"$need"* ]] || fail "Depends lacks $need: $depends"
done
dpkg-deb -c "$deb" | awk '{print $6}' | sed -e 's|^\./||' -e 's|^|/|' | grep -v '/$' | sort > "$work/files.txt"
for f in /usr/bin/daybook-app /usr/bin/daybook \
    /usr/share/applications/Daybook.desktop \
    /usr/share/doc/daybook/copyright /usr/share/doc/daybook/changelog.gz \
    /usr/share/doc/daybook/third-party-licences.json \
    /usr/share/doc/daybook/sbom/daybook-app.cdx.json /usr/share/doc/daybook/sbom/daybook.cdx.json \
    /usr/share/man/man1/daybook.1.gz /usr/share/man/man1/daybook-report.1.gz \
    /usr/share/man/man1/daybook-app.1.gz /usr/share/doc/daybook/CHANGELOG.md.gz \
    /usr/share/bash-completion/completions/daybook \
    /usr/share/zsh/vendor-completions/_daybook \
    /usr/share/fish/vendor_completions.d/daybook.fish \
    /usr/share/mime/packages/daybook-handover.xml; do
    grep -qx "$f" "$work/files.txt" || fail "the package lacks $f"
done
for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
    grep -qx "/usr/share/icons/hicolor/$size/apps/daybook-app.png" "$work/files.txt" \
        || fail "no $size icon"
done
dpkg-deb -x "$deb" "$work/root"
desktop-file-validate "$work/root/usr/share/applications/Daybook.desktop"
grep -qx 'MimeType=application/x-daybook-handover;' "$work/root/usr/share/applications/Daybook.desktop" \
    || fail "the desktop entry does not open handover files"
grep -q '^Exec=daybook-app %f$' "$work/root/usr/share/applications/Daybook.desktop" \
    || fail "the desktop entry does not pass the file"
# Nothing someone glancing at the menu, the package list or the process list
# would read as what the diary is for.
if grep -Eiq 'stalk|harass|abuse|victim|police' \
    "$work/root/usr/share/applications/Daybook.desktop" "$work/control.txt"; then
    fail "the menu entry or the package description is not neutral"
fi
python3 -c 'import json,sys; [json.load(open(p)) for p in sys.argv[1:]]' \
    "$work/root/usr/share/doc/daybook/sbom/"*.cdx.json \
    "$work/root/usr/share/doc/daybook/third-party-licences.json"
grep -q 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
    "$work/root/usr/share/doc/daybook/copyright"

if dpkg-query -W -f='${Status}' daybook 2>/dev/null | grep -q "ok installed"; then
    echo "package check: a daybook package is already installed here; not replacing it."
    echo "package check: skipped the install, start and purge steps."
    exit 0
fi

echo "== apt-get install $(basename "$deb")"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
cleanup_install() { $sudo apt-get purge -y -qq daybook >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup_install EXIT
dpkg -L daybook | sort > "$work/installed.txt"
for bin in /usr/bin/daybook-app /usr/bin/daybook; do
    libs=$(ldd "$bin")
    if [[ "$libs" == *"not found"* ]]; then echo "$libs"; fail "$bin: a library is missing"; fi
done
version=$(daybook --version)
[ "$version" = "daybook $(dpkg-deb -f "$deb" Version)" ] || fail "daybook --version said: $version"
echo "$version"
man -w daybook >/dev/null 2>&1 || [ -f /usr/share/man/man1/daybook.1.gz ] || fail "no manual page"
# dpkg's triggers ran update-mime-database and update-desktop-database: a handover
# file now has its type, and Daybook is the program that opens it.
if command -v update-mime-database >/dev/null 2>&1; then
    [ -f /usr/share/mime/application/x-daybook-handover.xml ] \
        || fail "the handover file type was not registered"
fi
if command -v gio >/dev/null 2>&1; then
    # A file that starts as every handover file does (an empty one is always
    # text/plain to GIO).
    printf 'age-encryption.org/v1\n-> scrypt x 18\n' > "$work/case.daybook-handover"
    type=$(gio info -a standard::content-type "$work/case.daybook-handover" \
        | sed -n 's/.*standard::content-type: //p')
    [ "$type" = application/x-daybook-handover ] || fail "a handover file's type is '$type'"
    # Read whole before matching: with pipefail, grep -q stopping early would fail
    # the pipe.
    opener=$(gio mime application/x-daybook-handover)
    [[ "$opener" == *"Default application for"*"Daybook.desktop"* ]] \
        || fail "Daybook does not open handover files: $opener"
fi

echo "== the installed app, through WebDriver"
DAYBOOK_INSTALLED_APP=/usr/bin/daybook-app "$@"

echo "== apt-get purge daybook"
$sudo apt-get purge -y -qq daybook >/dev/null
trap 'rm -rf "$work"' EXIT
left=""
while read -r f; do
    [ -d "$f" ] && continue
    [ -e "$f" ] && left="$left $f"
done < "$work/installed.txt"
[ -z "$left" ] || fail "left behind after purge:$left"
dpkg-query -W -f='${Status}' daybook 2>/dev/null | grep -q "installed" && fail "still installed"
echo "package check: all passed"
