#!/usr/bin/env bash
# Builds the app image and runs its bundled `taipan` command: --version, generate on the bundled model, bench on
# a tiny setting, and a bad-input error. Checks exit codes and output, and that the run wrote only under the
# user's ~/.cache/taipan-workbench and ~/.config/taipan-workbench (here: throwaway $XDG_CACHE_HOME/$XDG_CONFIG_HOME)
# and nothing into the image.
#   installer/test-app-image.sh              # build (Maven + jlink + jpackage app-image), then test
#   installer/test-app-image.sh --no-build   # test the image already in installer/target/image
# Extra arguments go to Maven (e.g. -o). TAIPAN_BENCH_ARGS overrides the bench options (not --json/--kernels).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
start=$SECONDS
fail() { printf 'test-app-image: FAIL: %s\n' "$*" >&2; exit 1; }
note() { printf 'test-app-image [%4ss]: %s\n' "$((SECONDS - start))" "$*" >&2; }

build=1
if [[ "${1:-}" == --no-build ]]; then build=0; shift; fi
if (( build )); then
  note "building the app image (installer/build.sh -Dinstaller.types=app-image $*)"
  installer/build.sh -q -Dinstaller.types=app-image "$@"
  note "built"
fi

IMAGE="$ROOT/installer/target/image/Taipan Workbench"
TAIPAN="$IMAGE/bin/taipan"
[[ -x "$TAIPAN" ]] || fail "$TAIPAN missing: build it with installer/build.sh"
[[ -x "$IMAGE/bin/Taipan Workbench" ]] || fail "workbench launcher missing"
[[ -d "$IMAGE/lib/runtime" ]] || fail "no bundled runtime"
grep -q '^MODULES=.*jdk\.incubator\.vector' "$IMAGE/lib/runtime/release" || fail "runtime lacks jdk.incubator.vector"
MODEL_DIRS=("$IMAGE"/lib/app/models/*/)
[[ -f "${MODEL_DIRS[0]}config.json" ]] || fail "no bundled model under $IMAGE/lib/app/models"
note "bundled models: $(for d in "${MODEL_DIRS[@]}"; do basename "$d"; done | paste -sd' ' -)"

# Throwaway XDG dirs, so every file the run writes for the user can be accounted for. (Not HOME: Java takes
# user.home from the password database, not from $HOME. test-deb.sh runs as a real throwaway user instead.)
SANDBOX=$(mktemp -d)
trap 'rm -rf "$SANDBOX"' EXIT
export XDG_CACHE_HOME=$SANDBOX/cache XDG_CONFIG_HOME=$SANDBOX/config
mkdir -p "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME"
unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS
cd "$SANDBOX"                        # and a working dir without sample-models/, so the repo's models are not used
MARKER=$SANDBOX/marker
touch "$MARKER"
sleep 1                              # mtimes have 1 s resolution on some filesystems

run() { # run NAME CMD...: stdout to $SANDBOX/NAME.out, stderr to .err; returns the exit code
  local name=$1; shift
  local t0=$SECONDS rc=0
  "$@" >"$SANDBOX/$name.out" 2>"$SANDBOX/$name.err" || rc=$?
  note "$name: exit $rc in $((SECONDS - t0)) s"
  return $rc
}
show() { cat "$SANDBOX/$1.out" "$SANDBOX/$1.err" | sed -n '1,40s/^/    | /p' >&2; }

# 1. --version names the pom's version
VERSION=$(grep -m 1 '^  <version>' "$ROOT/pom.xml" | sed 's:.*<version>\(.*\)</version>.*:\1:')
run version "$TAIPAN" --version || { show version; fail "taipan --version failed"; }
grep -q "${VERSION%%-*}" "$SANDBOX/version.out" || { show version; fail "taipan --version does not print $VERSION"; }

# 2. generate on every bundled model, 8 tokens, greedy
for dir in "${MODEL_DIRS[@]}"; do
  name=generate-$(basename "$dir")
  run "$name" "$TAIPAN" generate --model "$dir" --prompt "In the beginning" --max-tokens 8 --temperature 0 --seed 1 \
    || { show "$name"; fail "taipan generate on $dir failed"; }
  grep -q 'seed 1' "$SANDBOX/$name.err" || { show "$name"; fail "generate printed no summary line on stderr"; }
  [[ -s "$SANDBOX/$name.out" ]] || { show "$name"; fail "generate printed nothing"; }
  note "  $(tr '\n' ' ' < "$SANDBOX/$name.out" | cut -c 1-200) $(grep 'seed 1' "$SANDBOX/$name.err")"
done

# 3. bench on a tiny setting: the bundled model, 8 decode tokens, one 64-token prefill, no context sweep, small
#    hardware probes. Then the same through ND4J (--kernels nd4j): JavaCPP unpacks its natives on first use, and
#    they must land in $XDG_CACHE_HOME/taipan-workbench/javacpp (~/.cache/...), not in ~/.javacpp or the image.
BENCH_ARGS=(--model "${MODEL_DIRS[0]}" --decode-tokens 8 --prefill 64 --sweep none --repeat 1 --probe-mb 16 --probe-ms 20)
# shellcheck disable=SC2206 # TAIPAN_BENCH_ARGS is a list of options
[[ -n "${TAIPAN_BENCH_ARGS:-}" ]] && BENCH_ARGS=($TAIPAN_BENCH_ARGS)
run bench "$TAIPAN" bench "${BENCH_ARGS[@]}" --json "$SANDBOX/bench.json" || { show bench; fail "taipan bench failed"; }
[[ -s "$SANDBOX/bench.out" && -s "$SANDBOX/bench.json" ]] || { show bench; fail "bench printed no table or wrote no JSON"; }
sed -n '1,24s/^/    | /p' "$SANDBOX/bench.out" >&2
run bench-nd4j "$TAIPAN" bench "${BENCH_ARGS[@]}" --kernels nd4j --json "$SANDBOX/bench-nd4j.json" \
  || { show bench-nd4j; fail "taipan bench --kernels nd4j failed"; }
compgen -G "$XDG_CACHE_HOME/taipan-workbench/javacpp/nd4j-native-*/*" >/dev/null \
  || { show bench-nd4j; fail "ND4J's natives were not unpacked under \$XDG_CACHE_HOME/taipan-workbench/javacpp"; }

# 4. bad input: a clear error naming the folder, a non-zero exit, no stack trace
if run bad-model "$TAIPAN" generate --model "$SANDBOX/no-such-model" --prompt x --max-tokens 1; then
  fail "generate on a missing model folder succeeded"
fi
grep -q "no-such-model" "$SANDBOX/bad-model.err" || { show bad-model; fail "the error does not name the folder"; }
! grep -q '^\s*at [a-z]' "$SANDBOX/bad-model.err" || { show bad-model; fail "a stack trace instead of a message"; }

# 5. where did it write? Nothing in the image; in the XDG dirs only the app's own folder.
written=$(find "$IMAGE" -newer "$MARKER" -print)
[[ -z "$written" ]] || fail "the run wrote into the app image: $written"
stray=$(find "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME" -mindepth 1 -maxdepth 1 ! -name taipan-workbench -print)
[[ -z "$stray" ]] || fail "the run wrote outside the user's taipan-workbench dirs: $stray"
note "user dirs after the run: $(du -sh "$XDG_CACHE_HOME/taipan-workbench"/* "$XDG_CONFIG_HOME"/* 2>/dev/null | sed "s|$SANDBOX/||" | tr '\n\t' '  ')"

note "PASS (app image $(du -sh "$IMAGE" | cut -f1), total $((SECONDS - start)) s)"
