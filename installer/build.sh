#!/usr/bin/env bash
# One command for the packaged installer: builds engine, visualizer, app and the launcher shim (tests
# skipped: run them with `mvn -B verify`), copies the runtime class path and runs package.sh (jlink + jpackage).
#   installer/build.sh                      # Linux: app image + .deb under installer/target/{image,dist}
#   installer/build.sh -o                   # same, Maven offline
#   installer/build.sh -Dinstaller.types=app-image   # only the app image
# Extra arguments go to Maven. Same as: mvn -B -Pinstaller -pl installer -am package -DskipTests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn=mvn
[[ -x ./mvnw ]] && mvn=./mvnw
# forceCreation: a jar left from an older build would keep its old manifest (Implementation-Version, `taipan -V`)
exec "$mvn" -B -ntp -Pinstaller -pl installer -am package -DskipTests -Dmaven.jar.forceCreation=true "$@"
