#!/usr/bin/env bash
# Packages Taipan Workbench with jlink + jpackage: an app image ("Taipan Workbench") and, on Linux, a .deb
# (taipan-workbench); on Windows a .msi, on macOS a .dmg — all from this one configuration.
#
# Normally run by Maven (`mvn -B -Pinstaller package -DskipTests`, or installer/build.sh), which first copies
# the app's runtime class path into installer/target/jars and builds the launcher shim jar. It can be rerun
# alone after such a build: `bash installer/package.sh`.
#
# Environment (Maven sets the first three):
#   TAIPAN_VERSION   version for the package (default: the parent pom's <version>)
#   TAIPAN_JARS      folder with the runtime jars (default installer/target/jars)
#   TAIPAN_MAIN_JAR  the shim jar, taipan-installer-<version>.jar (default: in installer/target)
#   TAIPAN_TYPES     space-separated jpackage types (default: linux "app-image deb", windows "app-image msi",
#                    mac "app-image dmg")
#   TAIPAN_MODELS    folder of model folders to bundle (default: sample-models; each <name>/config.json +
#                    model.safetensors). Without any, a small random-weight model is made with `taipan init`.
#   TAIPAN_MODULES   comma-separated JDK modules for jlink (default: jdeps on the class path + a baseline)
#   JAVA_HOME        JDK 17+ with jmods (jlink/jpackage); default: the one `jpackage` on PATH belongs to
#
# Output: installer/target/image/Taipan Workbench/ (app image), installer/target/dist/*.deb|*.msi|*.dmg
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
TARGET=$HERE/target

NAME="Taipan Workbench"              # app image / launcher / menu name
PACKAGE=taipan-workbench             # Debian package name, install folder /opt/taipan-workbench, XDG dir name
VENDOR="Taipan Workbench developers"
DESCRIPTION="Desktop research workbench for Taipan (Mamba-2 with Selective Attention Layers)"
COPYRIGHT="Copyright the Taipan Workbench developers"
APP_MAIN=ai.taipan.app.Launcher
CLI_MAIN=ai.taipan.engine.cli.TaipanCli
SHIM_MAIN=ai.taipan.installer.InstalledMain

log() { printf '[installer %4ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf '[installer] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------- tools, OS
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/jpackage" ]]; then
  JDK=$JAVA_HOME
elif command -v jpackage >/dev/null 2>&1; then
  JDK=$(dirname "$(dirname "$(readlink -f "$(command -v jpackage)")")")
else
  die "jpackage not found: install a full JDK 17+ (with jmods) and set JAVA_HOME"
fi
for tool in java jar jlink jpackage jdeps; do
  [[ -x "$JDK/bin/$tool" ]] || die "$JDK/bin/$tool missing: JAVA_HOME must be a full JDK 17+"
done
[[ -d "$JDK/jmods" ]] || die "$JDK/jmods missing: jlink needs the JDK's jmods (on Debian: apt-get install openjdk-17-jdk)"

case "$(uname -s)" in
  Linux*) OS=linux ;;
  Darwin*) OS=mac ;;
  MINGW*|MSYS*|CYGWIN*) OS=windows ;;
  *) die "unsupported OS $(uname -s)" ;;
esac

VERSION=${TAIPAN_VERSION:-$(grep -m 1 '^  <version>' "$ROOT/pom.xml" | sed 's:.*<version>\(.*\)</version>.*:\1:')}
[[ -n "$VERSION" ]] || die "no version: set TAIPAN_VERSION or check $ROOT/pom.xml"
# jpackage wants N[.N[.N]] (msi: each part < 256); -SNAPSHOT and similar suffixes are dropped
APP_VERSION=${VERSION%%-*}
JARS=${TAIPAN_JARS:-$TARGET/jars}
MAIN_JAR=${TAIPAN_MAIN_JAR:-$TARGET/taipan-installer-$VERSION.jar}
MODELS_SRC=${TAIPAN_MODELS:-$ROOT/sample-models}
if [[ -n "${TAIPAN_TYPES:-}" ]]; then
  TYPES=$TAIPAN_TYPES
else
  case $OS in linux) TYPES="app-image deb" ;; windows) TYPES="app-image msi" ;; mac) TYPES="app-image dmg" ;; esac
fi
[[ -d "$JARS" ]] && compgen -G "$JARS/*.jar" >/dev/null || die "no jars in $JARS: run 'mvn -B -Pinstaller package -DskipTests' (or installer/build.sh)"
[[ -f "$MAIN_JAR" ]] || die "$MAIN_JAR missing: run 'mvn -B -Pinstaller package -DskipTests' (or installer/build.sh)"
log "version $VERSION (package $APP_VERSION), $OS, types: $TYPES, JDK $JDK"

# ------------------------------------------------------------------------------------------ stage --input
# Everything in --input lands in <app>/lib/app ($APPDIR); jpackage puts every *.jar there on the class path.
INPUT=$TARGET/input
rm -rf "$INPUT"
mkdir -p "$INPUT/share" "$INPUT/models"
cp "$JARS"/*.jar "$INPUT/"
cp "$MAIN_JAR" "$INPUT/"

# JavaFX's native libraries sit inside its platform jars and are otherwise unpacked to a per-user cache at
# first start. JavaFX first looks beside its jar, so unpacking them here at build time means nothing is
# unpacked at run time (and the app starts faster).
for fxjar in "$INPUT"/javafx-*-{linux,mac,mac-aarch64,win}.jar; do
  [[ -f "$fxjar" ]] || continue
  libs=$("$JDK/bin/jar" tf "$fxjar" | grep -E "^[^/]+\\.(so|dylib|dll)\$" || true)
  [[ -z "$libs" ]] || (cd "$INPUT" && "$JDK/bin/jar" xf "$fxjar" $libs)
done

# Sample models: every <name>/ with config.json and model.safetensors (plus whatever else it holds, e.g. a
# tokenizer or a README) goes to $APPDIR/models/<name>; the launchers say so in -Dtaipan.models.dir.
models=0
if [[ -d "$MODELS_SRC" ]]; then
  for dir in "$MODELS_SRC"/*/; do
    [[ -f "$dir/config.json" && -f "$dir/model.safetensors" ]] || continue
    cp -r "${dir%/}" "$INPUT/models/"
    models=$((models + 1))
    log "bundling model $(basename "$dir") ($(du -sh "$dir" | cut -f1))"
  done
fi

# ------------------------------------------------------------------------------------------- JVM options
# Shared by both launchers. The launchers ignore JDK_JAVA_OPTIONS, so these are all the JVM ever gets.
#  - jdk.incubator.vector: the engine's SIMD kernels (Java 17 incubator module, not resolved by default);
#  - -Xss4m: as the tests run (parent pom surefire.jvm.args);
#  - heap: up to 60% of RAM (long-context benchmarks keep state small, but weights, ND4J and JavaFX need room;
#    ND4J's off-heap limit defaults to the same -Xmx);
#  - taipan.home / taipan.models.dir: the install folder and its bundled models ($APPDIR = <app>/lib/app);
#    taipan.sample.model (below): the model folder the workbench opens at start;
#  - taipan.main: what the shim (ai.taipan.installer.InstalledMain) runs after it has pointed caches and
#    settings at ~/.cache/taipan-workbench and ~/.config/taipan-workbench.
common_opts=(
  "--add-modules jdk.incubator.vector"
  "-Xss4m"
  "-XX:MaxRAMPercentage=60"
  "-Dfile.encoding=UTF-8"
  "-Dtaipan.home=\$APPDIR"
  "-Dtaipan.models.dir=\$APPDIR/models"
)

# --------------------------------------------------------------------------------- bundled default model
if (( models == 0 )); then
  # No trained sample model yet: make a small random-weight one so the package still has something to load.
  log "no model in $MODELS_SRC: making one with 'taipan init' (random weights)"
  if "$JDK/bin/java" --add-modules jdk.incubator.vector -Djava.awt.headless=true \
       -cp "$INPUT/*" "$CLI_MAIN" init --help >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # TAIPAN_INIT_ARGS is a list of options
    "$JDK/bin/java" --add-modules jdk.incubator.vector -Djava.awt.headless=true -cp "$INPUT/*" "$CLI_MAIN" \
      init ${TAIPAN_INIT_ARGS:---preset taipan --seed 1} --out "$INPUT/models/taipan-random"
    models=1
  else
    log "WARNING: 'taipan init' is not available in this build: the package has no bundled model"
  fi
fi
# The workbench opens -Dtaipan.sample.model at start (app ModelLoader.defaultCandidates): TAIPAN_DEFAULT_MODEL,
# else taipan-small, else the first bundled model whose name starts with taipan, else the first one.
DEFAULT_MODEL=${TAIPAN_DEFAULT_MODEL:-}
if [[ -z "$DEFAULT_MODEL" ]] && (( models > 0 )); then
  if [[ -d "$INPUT/models/taipan-small" ]]; then
    DEFAULT_MODEL=taipan-small
  else
    # (globs, not `ls | head`: with pipefail, head closing the pipe early fails the build with SIGPIPE)
    candidates=("$INPUT"/models/taipan*/ "$INPUT"/models/*/)
    for c in "${candidates[@]}"; do
      [[ -f "$c/config.json" ]] && { DEFAULT_MODEL=$(basename "$c"); break; }
    done
  fi
fi
if [[ -n "$DEFAULT_MODEL" ]]; then
  [[ -f "$INPUT/models/$DEFAULT_MODEL/config.json" ]] || die "default model $DEFAULT_MODEL is not among the bundled models"
  common_opts+=("-Dtaipan.sample.model=\$APPDIR/models/$DEFAULT_MODEL")
  log "default model: $DEFAULT_MODEL"
fi

# ----------------------------------------------------------------------------------------- jlink runtime
BASE_MODULES="java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.scripting,java.sql,java.xml,jdk.crypto.ec,jdk.incubator.vector,jdk.jfr,jdk.management,jdk.unsupported,jdk.unsupported.desktop,jdk.zipfs"
jdeps_modules() {
  # jdeps cannot read several of the jars as modules (nd4j-api's module-info names packages it lacks), so it
  # is run once over all their classes, unpacked flat with module descriptors left out. ~1 min; cached by
  # the list of jar names.
  local key cache=$TARGET/jdeps-modules.txt flat=$TARGET/jdeps-classes
  key=$(cd "$INPUT" && ls -- *.jar | sort | cksum | cut -d' ' -f1)
  if [[ -f "$cache" && "$(head -n 1 "$cache")" == "$key" ]]; then
    sed -n 2p "$cache"; return
  fi
  rm -rf "$flat"; mkdir -p "$flat"
  for j in "$INPUT"/*.jar; do
    if command -v unzip >/dev/null 2>&1; then
      unzip -q -o "$j" '*.class' -x 'module-info.class' 'META-INF/*' -d "$flat" 2>/dev/null || true
    else
      (cd "$flat" && "$JDK/bin/jar" xf "$j" && rm -rf META-INF module-info.class)
    fi
  done
  find "$flat" -type f ! -name '*.class' -delete 2>/dev/null || true
  local mods
  mods=$("$JDK/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$flat" 2>/dev/null | tail -n 1)
  rm -rf "$flat"
  [[ "$mods" =~ ^[a-z.,]+$ ]] || { log "WARNING: jdeps gave no module list; using the baseline only"; mods=java.base; }
  printf '%s\n%s\n' "$key" "$mods" > "$cache"
  echo "$mods"
}
if [[ -n "${TAIPAN_MODULES:-}" ]]; then
  MODULES=$TAIPAN_MODULES
else
  found=$(jdeps_modules)
  log "jdeps --print-module-deps: $found"
  MODULES=$(printf '%s\n' "${BASE_MODULES//,/$'\n'}" "${found//,/$'\n'}" | sed '/^$/d' | sort -u | paste -sd, -)
fi
log "jlink modules: $MODULES"
RUNTIME=$TARGET/runtime
rm -rf "$RUNTIME"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --strip-native-commands --compress=2 --output "$RUNTIME"

# -------------------------------------------------------------------------------------------- app image
ICON_PNG=$HERE/resources/taipan-workbench.png
case $OS in
  linux) ICON=$ICON_PNG ;;
  windows) ICON=$HERE/resources/taipan-workbench.ico ;;
  mac)
    # macOS wants .icns: made from the PNG with the system's sips + iconutil
    ICON=$TARGET/taipan-workbench.icns
    iconset=$TARGET/taipan-workbench.iconset; rm -rf "$iconset"; mkdir -p "$iconset"
    for s in 16 32 128 256; do
      sips -z $s $s "$ICON_PNG" --out "$iconset/icon_${s}x${s}.png" >/dev/null
      sips -z $((2 * s)) $((2 * s)) "$ICON_PNG" --out "$iconset/icon_${s}x${s}@2x.png" >/dev/null
    done
    iconutil -c icns "$iconset" -o "$ICON" ;;
esac

# desktop entry + icon: in the app image under lib/app/share; the .deb's postinst installs them
sed "s|@INSTALL_DIR@|/opt/$PACKAGE|g" "$HERE/resources/linux/taipan-workbench.desktop" > "$INPUT/share/$PACKAGE.desktop"
cp "$ICON_PNG" "$INPUT/share/$PACKAGE.png"

# second launcher: the `taipan` command-line tool (same class path, its own options). jpackage REPLACES the
# main launcher's java-options with these, so the common ones are repeated. win-console: a console on Windows.
CLI_PROPS=$TARGET/taipan-launcher.properties
{
  printf 'main-class=%s\n' "$SHIM_MAIN"
  printf 'java-options=%s -Djava.awt.headless=true -Dtaipan.main=%s\n' "${common_opts[*]}" "$CLI_MAIN"
  printf 'win-console=true\n'
} > "$CLI_PROPS"

java_opts=()
for o in "${common_opts[@]}" "-Dtaipan.main=$APP_MAIN"; do java_opts+=(--java-options "$o"); done

IMAGE_DIR=$TARGET/image
rm -rf "$IMAGE_DIR"
log "jpackage app-image"
"$JDK/bin/jpackage" --type app-image --dest "$IMAGE_DIR" \
  --name "$NAME" --app-version "$APP_VERSION" --vendor "$VENDOR" --description "$DESCRIPTION" \
  --copyright "$COPYRIGHT" --icon "$ICON" \
  --input "$INPUT" --main-jar "$(basename "$MAIN_JAR")" --main-class "$SHIM_MAIN" \
  --runtime-image "$RUNTIME" "${java_opts[@]}" \
  --add-launcher "taipan=$CLI_PROPS" \
  ${TAIPAN_JPACKAGE_OPTS:-}
case $OS in
  mac) APP_IMAGE="$IMAGE_DIR/$NAME.app" ;;
  *) APP_IMAGE="$IMAGE_DIR/$NAME" ;;
esac
[[ -d "$APP_IMAGE" ]] || die "jpackage made no $APP_IMAGE"
log "app image: $APP_IMAGE ($(du -sh "$APP_IMAGE" | cut -f1))"

# ------------------------------------------------------------------------------------- installer packages
DIST=$TARGET/dist
mkdir -p "$DIST"
for type in $TYPES; do
  case $type in
    app-image) continue ;;
    deb)
      command -v dpkg-deb >/dev/null 2>&1 || die "deb needs dpkg-deb (part of dpkg)"
      command -v fakeroot >/dev/null 2>&1 || die "deb needs fakeroot (apt-get install fakeroot)"
      # resource-dir overrides jpackage's postinst/prerm: menu entry, icon and /usr/bin/taipan without
      # --linux-shortcut (its xdg-desktop-menu calls fail on headless machines)
      RES=$TARGET/resources-deb
      rm -rf "$RES"; mkdir -p "$RES"
      for f in postinst prerm; do
        sed "s|@INSTALL_DIR@|/opt/$PACKAGE|g" "$HERE/resources/linux/$f" > "$RES/$f"
      done
      rm -f "$DIST/${PACKAGE}_"*.deb
      # dpkg-deb's default xz took 12 min on a busy 2-core machine for a 2.5% smaller file (the jars are
      # compressed already); gzip takes under a minute. Set DPKG_DEB_COMPRESSOR_TYPE=xz to trade back.
      export DPKG_DEB_COMPRESSOR_TYPE=${DPKG_DEB_COMPRESSOR_TYPE:-gzip}
      extra=(--linux-package-name "$PACKAGE" --linux-package-deps libgtk-3-0 --linux-app-category science
             --linux-menu-group Science --linux-deb-maintainer "taipan-workbench@users.noreply.invalid"
             --resource-dir "$RES") ;;
    rpm)
      extra=(--linux-package-name "$PACKAGE" --linux-package-deps gtk3 --linux-app-category Science) ;;
    msi)
      # needs WiX 3 (candle.exe, light.exe) on PATH
      extra=(--win-menu --win-menu-group "$NAME" --win-shortcut --win-dir-chooser
             --win-upgrade-uuid 5b0f6a0e-7c1d-4f43-9a1e-3f2a9e6c1d70 --win-per-user-install) ;;
    dmg|pkg)
      extra=(--mac-package-identifier ai.taipan.workbench --mac-package-name "$NAME") ;;
    *) die "unknown type $type" ;;
  esac
  log "jpackage $type"
  "$JDK/bin/jpackage" --type "$type" --dest "$DIST" --app-image "$APP_IMAGE" \
    --name "$NAME" --app-version "$APP_VERSION" --vendor "$VENDOR" --description "$DESCRIPTION" \
    --copyright "$COPYRIGHT" --icon "$ICON" "${extra[@]}" ${TAIPAN_JPACKAGE_OPTS:-}
done
log "done: $APP_IMAGE"
for f in "$DIST"/*; do
  [[ -f "$f" && "$f" -nt "$INPUT" ]] && log "  $f: $(wc -c < "$f") bytes"
done
true
