#!/usr/bin/env bash
# Installs the .deb on this machine with dpkg -i, checks what it installed, runs the installed `taipan generate`
# and `taipan bench` as an ordinary user, starts the workbench from its desktop entry under Xvfb, takes a screenshot, then removes
# and purges the package and checks that everything it installed is gone. Run as root on a machine (or
# container) where taipan-workbench is not otherwise in use:
#   sudo installer/test-deb.sh                 # the .deb in installer/target/dist (built first if missing)
#   sudo installer/test-deb.sh path/to.deb
# Installs with apt-get, if missing: xvfb xauth libgtk-3-0 imagemagick x11-utils desktop-file-utils, and the
# .deb's dependencies.
# Leaves: installer/target/test-deb/{screenshot.png,workbench.log,*.out,*.err}.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
start=$SECONDS
PACKAGE=taipan-workbench
INSTALL_DIR=/opt/$PACKAGE
TEST_USER=taipan-test
OUT=$ROOT/installer/target/test-deb
fail() { printf 'test-deb: FAIL: %s\n' "$*" >&2; exit 1; }
note() { printf 'test-deb [%4ss]: %s\n' "$((SECONDS - start))" "$*" >&2; }

[[ $(id -u) -eq 0 ]] || fail "run as root (dpkg -i)"
DEB=${1:-}
if [[ -z "$DEB" ]]; then
  DEB=$(ls -t "$ROOT"/installer/target/dist/${PACKAGE}_*.deb 2>/dev/null | head -n 1 || true)
  if [[ -z "$DEB" ]]; then
    note "no .deb yet: installer/build.sh"
    "$ROOT/installer/build.sh" -q
    DEB=$(ls -t "$ROOT"/installer/target/dist/${PACKAGE}_*.deb 2>/dev/null | head -n 1 || true)
  fi
fi
[[ -f "$DEB" ]] || fail "$DEB not found"
DEB=$(readlink -f "$DEB")
note "package $DEB ($(du -h "$DEB" | cut -f1))"
rm -rf "$OUT"; mkdir -p "$OUT"

# ------------------------------------------------------------------------------------------ preconditions
if dpkg -s "$PACKAGE" >/dev/null 2>&1; then
  fail "$PACKAGE is already installed here; remove it first (dpkg -P $PACKAGE)"
fi
apt_updated=0
apt_install() {
  (( apt_updated )) || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
missing=()
for p in xvfb xauth libgtk-3-0 imagemagick x11-utils desktop-file-utils; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# dpkg -i does not fetch dependencies: install the ones this machine lacks first, so dpkg -i must succeed
for dep in $(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//; s/ //g'); do
  [[ -n "$dep" ]] && ! dpkg -s "$dep" >/dev/null 2>&1 && missing+=("$dep")
done
if (( ${#missing[@]} )); then
  note "apt-get install ${missing[*]}"
  apt_install "${missing[@]}"
fi

# what the file system looks like where the package may write, before
watched=(/opt /usr/bin /usr/share/applications /usr/share/icons/hicolor/256x256/apps)
snapshot() { find "${watched[@]}" -xdev 2>/dev/null | sort; }
snapshot > "$OUT/before.txt"

# --------------------------------------------------------------------------------------------- install
# on any exit: stop what this script started, delete the user it made, purge the package after a failure
XVFB_PID=; APP_PID=; user_created=0; installed=0
cleanup() {
  local rc=$?
  [[ -n "$APP_PID" ]] && kill "$APP_PID" 2>/dev/null || true
  [[ -n "$XVFB_PID" ]] && kill "$XVFB_PID" 2>/dev/null || true
  if (( user_created )); then
    # the throwaway user's processes are all ones this script started; end them by id, then the user
    for pid in $(pgrep -u "$TEST_USER" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    sleep 1; userdel -r "$TEST_USER" 2>/dev/null || true
  fi
  if (( rc != 0 && installed )) && dpkg -s "$PACKAGE" >/dev/null 2>&1; then
    echo "test-deb: purging $PACKAGE after the failure (logs in $OUT)" >&2
    dpkg -P "$PACKAGE" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
note "dpkg -i"
installed=1
dpkg -i "$DEB" > "$OUT/dpkg-i.out" 2>&1 || { cat "$OUT/dpkg-i.out" >&2; fail "dpkg -i failed"; }
[[ "$(dpkg-query -W -f='${Status}' "$PACKAGE")" == "install ok installed" ]] || fail "package not configured"

check_file() { [[ -e "$1" ]] || fail "not installed: $1"; }
check_file "$INSTALL_DIR/bin/Taipan Workbench"
check_file "$INSTALL_DIR/bin/taipan"
check_file "$INSTALL_DIR/lib/runtime/lib/modules"
check_file /usr/share/applications/$PACKAGE.desktop
check_file /usr/share/icons/hicolor/256x256/apps/$PACKAGE.png
[[ -L /usr/bin/taipan && "$(readlink -f /usr/bin/taipan)" == "$INSTALL_DIR/bin/taipan" ]] || fail "/usr/bin/taipan is not a link to $INSTALL_DIR/bin/taipan"
[[ "$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v taipan)" == /usr/bin/taipan ]] || fail "taipan is not on the default PATH"
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate /usr/share/applications/$PACKAGE.desktop || fail "desktop entry invalid"
fi
MODELS=("$INSTALL_DIR"/lib/app/models/*/)
[[ -f "${MODELS[0]}config.json" ]] || fail "no bundled model under $INSTALL_DIR/lib/app/models"
note "installed: $(du -sh "$INSTALL_DIR" | cut -f1) in $INSTALL_DIR; models: $(for d in "${MODELS[@]}"; do basename "$d"; done | paste -sd' ' -)"

# ----------------------------------------------------------------------- run as an ordinary user
# An unprivileged user cannot write into /opt, so anything the app would put there fails loudly here.
id "$TEST_USER" >/dev/null 2>&1 && fail "user $TEST_USER exists already"
useradd -m -s /bin/bash "$TEST_USER"
user_created=1
USER_HOME=$(getent passwd "$TEST_USER" | cut -d: -f6)
as_user() { runuser -u "$TEST_USER" -- env -i HOME="$USER_HOME" USER="$TEST_USER" LANG=C.UTF-8 \
              PATH=/usr/local/bin:/usr/bin:/bin ${DISPLAY:+DISPLAY=$DISPLAY} "$@"; }
MARKER=$OUT/marker; touch "$MARKER"; sleep 1

t0=$SECONDS
if ! as_user taipan generate --model "${MODELS[0]}" --prompt "In the beginning" --max-tokens 8 --temperature 0 \
       --seed 1 > "$OUT/generate.out" 2> "$OUT/generate.err"; then
  cat "$OUT/generate.out" "$OUT/generate.err" >&2; fail "taipan generate (as $TEST_USER) failed"
fi
grep -q 'seed 1' "$OUT/generate.err" || fail "generate printed no summary"
note "taipan generate as $TEST_USER: $((SECONDS - t0)) s: $(tr '\n' ' ' < "$OUT/generate.out" | cut -c 1-200) $(grep 'seed 1' "$OUT/generate.err")"

# bench through ND4J: JavaCPP unpacks ~400 MB of natives on first use; they must go to the user's cache
t0=$SECONDS
if ! as_user taipan bench --model "${MODELS[0]}" --kernels nd4j --decode-tokens 8 --prefill 64 --sweep none \
       --repeat 1 --probe-mb 16 --probe-ms 20 --json "$USER_HOME/bench.json" > "$OUT/bench.out" 2> "$OUT/bench.err"; then
  cat "$OUT/bench.out" "$OUT/bench.err" >&2; fail "taipan bench --kernels nd4j (as $TEST_USER) failed"
fi
compgen -G "$USER_HOME/.cache/taipan-workbench/javacpp/nd4j-native-*/*" >/dev/null \
  || fail "ND4J's natives are not under $USER_HOME/.cache/taipan-workbench/javacpp"
rm -f "$USER_HOME/bench.json"
note "taipan bench --kernels nd4j as $TEST_USER: $((SECONDS - t0)) s; $(grep -m 1 'Decode' "$OUT/bench.out")"

# ------------------------------------------------------------------------------- workbench under Xvfb
DISPLAY_NUM=:${XVFB_DISPLAY:-97}
Xvfb "$DISPLAY_NUM" -screen 0 1440x900x24 -nolisten tcp > "$OUT/xvfb.log" 2>&1 &
XVFB_PID=$!
export DISPLAY=$DISPLAY_NUM
for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.3; done
xdpyinfo > "$OUT/xdpyinfo.txt" 2>&1 || { cat "$OUT/xvfb.log" "$OUT/xdpyinfo.txt" >&2; fail "Xvfb did not start"; }
# start it the way a desktop does: the desktop entry's Exec line
EXEC=$(sed -n 's/^Exec=//p' /usr/share/applications/$PACKAGE.desktop | sed 's/ %[fFuU]//')
note "starting the workbench: $EXEC"
eval "set -- $EXEC"
as_user "$@" > "$OUT/workbench.log" 2>&1 &
APP_PID=$!
shot=$OUT/screenshot.png
ok=0
# up to ~3 minutes (2 shared cores): wait for a "Taipan" window of at least 100x100 to be mapped and drawn — JavaFX
# maps a 10x10 "Taipan Workbench" leader window first — then give the default model time to load
for _ in $(seq 90); do
  sleep 2
  kill -0 "$APP_PID" 2>/dev/null || { cat "$OUT/workbench.log" >&2; fail "the workbench exited"; }
  xwininfo -root -tree 2>/dev/null | grep 'Taipan' | grep -Eq ' [0-9]{3,}x[0-9]{3,}[+-]' || continue
  import -window root "$shot"
  if (( $(convert "$shot" -format '%k' info:) > 16 )); then
    sleep 8
    import -window root "$shot"
    ok=1; break
  fi
done
(( ok )) || { import -window root "$shot" || true; cat "$OUT/workbench.log" >&2; fail "no drawn workbench window after 3 minutes"; }
xwininfo -root -tree | grep 'Taipan' | sed -n '1,3s/^ */    window: /p' >&2
colours=$(convert "$shot" -format '%k' info:)
spread=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
note "screenshot $shot: $(identify -format '%wx%h' "$shot"), $colours colours, grey std-dev $spread"
(( colours > 16 )) || fail "the screenshot is blank ($colours colours)"
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=
kill "$XVFB_PID"; wait "$XVFB_PID" 2>/dev/null || true; XVFB_PID=
unset DISPLAY

# where did the user's runs write? nothing into the install folder; the user's data under the XDG dirs
written=$(find "$INSTALL_DIR" -newer "$MARKER" -print)
[[ -z "$written" ]] || fail "the app wrote into $INSTALL_DIR: $written"
note "user files: $(cd "$USER_HOME" && find . -mindepth 1 -maxdepth 2 ! -name '.bash*' ! -name '.profile' | sort | paste -sd' ' -)"
stray=$(cd "$USER_HOME" && find . -mindepth 1 -maxdepth 1 ! -name '.bash*' ! -name '.profile' \
          ! -name .cache ! -name .config ! -name .java ! -name .local -print)
[[ -z "$stray" ]] || fail "the app wrote outside the XDG dirs in the user's home: $stray"

# ------------------------------------------------------------------------------------- remove, purge
note "dpkg -r"
dpkg -r "$PACKAGE" > "$OUT/dpkg-r.out" 2>&1 || { cat "$OUT/dpkg-r.out" >&2; fail "dpkg -r failed"; }
for f in "$INSTALL_DIR" /usr/bin/taipan /usr/share/applications/$PACKAGE.desktop \
         /usr/share/icons/hicolor/256x256/apps/$PACKAGE.png; do
  [[ -e "$f" || -L "$f" ]] && fail "left after dpkg -r: $f"
done
note "dpkg -P"
dpkg -P "$PACKAGE" > "$OUT/dpkg-P.out" 2>&1 || { cat "$OUT/dpkg-P.out" >&2; fail "dpkg -P failed"; }
dpkg -s "$PACKAGE" >/dev/null 2>&1 && fail "dpkg still knows $PACKAGE after purge"
snapshot > "$OUT/after.txt"
diff -u "$OUT/before.txt" "$OUT/after.txt" > "$OUT/leftovers.diff" || { cat "$OUT/leftovers.diff" >&2; fail "install + removal changed ${watched[*]}"; }
note "PASS: installed, ran, removed; nothing left in ${watched[*]} (total $((SECONDS - start)) s)"
