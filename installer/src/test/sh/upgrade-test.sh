#!/usr/bin/env bash
# Install and upgrade test of the .deb: installs one version, lets a user train a run and trust a plugin, upgrades to
# the next version, and checks that the user's files are byte-identical and still work, then removes the package.
#
#   installer/src/test/sh/upgrade-test.sh [OLD.deb [NEW.deb]]
#
# A .deb not given is built from this checkout: OLD as 0.1.0, NEW as 0.1.1 (OLD_VERSION / NEW_VERSION override),
# with `$MVN -pl installer -am package -DskipTests` (MVN defaults to "mvn -B"; MVN="mvn -B -o" builds offline).
# Needs root (or passwordless sudo) and Debian's dpkg; skips with a message otherwise. It refuses to run where a
# grpowb package is installed already (it would replace and then remove it).
# The user is a throwaway account with its home in a temp folder (Java takes user.home from the password database,
# not from HOME), deleted afterwards; where useradd/runuser are missing it runs as this user with -Duser.home.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
skip() { echo "upgrade-test: skipped: $*"; exit 0; }
fail() { echo "upgrade-test: FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; else skip "needs root or passwordless sudo"; fi
fi
command -v dpkg >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 || skip "needs dpkg and dpkg-deb (Debian, Ubuntu)"
if [ "$(dpkg-query -W -f '${Status}' grpowb 2>/dev/null || true)" = "install ok installed" ]; then
  fail "a grpowb package is installed on this machine already; remove it (dpkg -r grpowb) to run this test"
fi

work="$(mktemp -d /tmp/grpowb-upgrade.XXXXXX)"
chmod 755 "$work"
home="$work/home"
user=""
installed=""
cleanup() {
  if [ -n "$installed" ]; then
    $SUDO dpkg --purge grpowb >/dev/null 2>&1 || echo "upgrade-test: could not remove the grpowb package: dpkg --purge grpowb" >&2
  fi
  if [ -n "$user" ]; then $SUDO userdel "$user" >/dev/null 2>&1 || true; fi
  $SUDO rm -rf "$work"
}
trap cleanup EXIT

# gzip instead of xz: ten times faster to pack here, a few percent larger; the test does not care
export DPKG_DEB_COMPRESSOR_TYPE="${DPKG_DEB_COMPRESSOR_TYPE:-gzip}"
build() {
  local version="$1" out="$2" t
  t="$(now)"
  echo "upgrade-test: building the $version .deb"
  (cd "$repo" && ${MVN:-mvn -B} -q -pl installer -am package -DskipTests -Pinstaller-deb -Dinstaller.version="$version" >&2)
  cp "$repo"/installer/target/dist/grpowb_"$version"-*.deb "$out"
  echo "upgrade-test: built $(basename "$out") ($(du -h "$out" | cut -f1)) in $(took "$t")"
}
old="$work/old.deb"
new="$work/new.deb"
# copied first: building the new one replaces installer/target/dist
if [ $# -ge 1 ]; then cp "$1" "$old"; else build "${OLD_VERSION:-0.1.0}" "$old"; fi
if [ $# -ge 2 ]; then cp "$2" "$new"; else build "${NEW_VERSION:-0.1.1}" "$new"; fi
old_version="$(dpkg-deb -f "$old" Version)"; old_version="${old_version%-*}"
new_version="$(dpkg-deb -f "$new" Version)"; new_version="${new_version%-*}"
[ "$old_version" != "$new_version" ] || fail "both packages are version $old_version"

# dpkg installs no dependencies: fetch the missing ones (xdg-utils on a server, GTK on a minimal system) first
missing=()
for dep in $(dpkg-deb -f "$new" Depends | tr ',' '\n' | awk '{print $1}'); do
  dpkg -s "$dep" >/dev/null 2>&1 || missing+=("$dep")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "upgrade-test: installing dependencies: ${missing[*]}"
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { $SUDO apt-get update >/dev/null 2>&1 && $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

if command -v useradd >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1 && [ -z "$SUDO" ]; then
  user="grpowbt$$"
  useradd --home-dir "$home" --create-home --shell /bin/sh "$user"
  as_user() { runuser -u "$user" -- env -u DISPLAY -u WAYLAND_DISPLAY -u DJL_CACHE_DIR HOME="$home" "$@"; }
else
  mkdir -p "$home"
  as_user() { env -u DISPLAY -u WAYLAND_DISPLAY -u DJL_CACHE_DIR HOME="$home" JAVA_TOOL_OPTIONS="-Duser.home=$home" "$@"; }
fi
grpowb=/opt/grpowb/bin/grpowb

t="$(now)"
$SUDO dpkg -i "$old" >/dev/null
installed=yes
echo "upgrade-test: installed $old_version in $(took "$t")"
as_user "$grpowb" --version | grep -F "grpowb $old_version" >/dev/null || fail "--version does not say $old_version"

# the user's work: a project of their own (a copy of a sample), a run in a store in their home, a trusted plugin
project="$home/arithmetic"
cp -r /opt/grpowb/lib/app/sample-projects/arithmetic "$project"
[ -z "$user" ] || chown -R "$user" "$project"
store="$home/runs.db"
t="$(now)"
as_user "$grpowb" train "$project" --store "$store" --steps 2 >/dev/null 2>"$work/train.err" \
  || { cat "$work/train.err" >&2; fail "grpowb train"; }
echo "upgrade-test: trained 2 steps in $(took "$t")"
as_user "$grpowb" plugins add "$project" /opt/grpowb/lib/app/plugin-examples/single-file/NoRepeatReward.java --trust \
  > "$work/add.out" || { cat "$work/add.out" >&2; fail "grpowb plugins add --trust"; }
grep -E "NoRepeatReward.java +java +loaded" "$work/add.out" >/dev/null || { cat "$work/add.out" >&2; fail "plugin not loaded"; }
trust_file="$(find "$home" -name trusted-plugins -type f)"
[ -n "$trust_file" ] && [ "$(echo "$trust_file" | wc -l)" -eq 1 ] || fail "expected one trust file under $home: $trust_file"
as_user "$grpowb" runs --store "$store" > "$work/runs.before"
grep -E "^1 +arithmetic .* done +2 " "$work/runs.before" >/dev/null || { cat "$work/runs.before" >&2; fail "run 1 not listed as done after 2 steps"; }
# everything but the caches (unpacked PyTorch, compiled plugins), which may be rebuilt at will
(cd "$home" && find . -type f -not -path './.cache/*' | sort | xargs -d '\n' sha256sum) > "$work/user-files.sha256"
echo "upgrade-test: $(wc -l < "$work/user-files.sha256") user files recorded, trust file ${trust_file#"$home"/}"

t="$(now)"
$SUDO dpkg -i "$new" >/dev/null
echo "upgrade-test: upgraded to $new_version in $(took "$t")"
[ "$(dpkg-query -W -f '${Version}' grpowb)" = "$new_version-1" ] || fail "dpkg does not list grpowb $new_version"
version_line="$(as_user "$grpowb" --version)"
echo "upgrade-test: $grpowb --version: $version_line"
echo "$version_line" | grep -F "grpowb $new_version" >/dev/null || fail "--version does not say $new_version"
(cd "$home" && sha256sum --quiet -c "$work/user-files.sha256") || fail "user files changed in the upgrade"
as_user "$grpowb" runs --store "$store" > "$work/runs.after"
diff "$work/runs.before" "$work/runs.after" || fail "the run list changed in the upgrade"
as_user "$grpowb" trust "$project" | grep -E "^trusted +.*NoRepeatReward.java" >/dev/null || fail "the plugin is no longer trusted"
# the file association, by whole name: project.yaml is a workbench project, any other .yaml stays YAML (read through
# GIO, as GTK file managers do; skipped where GIO is not installed)
if command -v gio >/dev/null 2>&1; then
  echo "a: 1" > "$work/other.yaml"
  content_type() { gio info -a standard::content-type "$1" | awk '/content-type/ {print $2}'; }
  [ "$(content_type "$project/project.yaml")" = application/x-grpowb-project ] \
    || fail "project.yaml is $(content_type "$project/project.yaml"), not application/x-grpowb-project"
  [ "$(content_type "$work/other.yaml")" != application/x-grpowb-project ] || fail "every .yaml is claimed"
  echo "upgrade-test: project.yaml is application/x-grpowb-project, other.yaml $(content_type "$work/other.yaml")"
fi

t="$(now)"
$SUDO dpkg -r grpowb >/dev/null
echo "upgrade-test: removed in $(took "$t")"
# -r keeps dpkg's record of the package ("rc"); --purge forgets it, as if it had never been installed
$SUDO dpkg --purge grpowb >/dev/null
installed=""
[ ! -e /opt/grpowb ] || fail "/opt/grpowb left behind: $(find /opt/grpowb | head -5)"
! grep -q grpowb /usr/share/mime/globs2 2>/dev/null || fail "the project.yaml MIME type was left registered"
[ -f "$store" ] && [ -f "$trust_file" ] || fail "removing the package removed user files"
echo "upgrade-test: OK ($old_version -> $new_version: user files byte-identical, run listed, plugin still trusted)"
