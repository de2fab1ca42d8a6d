#!/bin/bash
# Session 11 (AMD EPYC Zen 4 VM): as session 10's run.sh, two builds alternating, three rounds: BEFORE = main at 8e49113, AFTER = this session's engine.
# usage: run.sh BEFORE_JAR AFTER_JAR OUT_DIR   (each jar built with `mvn -q -B -o -pl engine -DskipTests package`)
cd "$(dirname "$0")/../../.."   # the repository root
B=$1; A=$2; O=${3:-bench-out}; mkdir -p $O
S="--preset mamba2 --hidden-size 768 --layers 24 --state-size 128 --head-dim 64 --vocab 50288 --sweep none"
run() { date; uptime; java --add-modules jdk.incubator.vector -Xmx8g -jar "$1" bench $S "${@:3}" --json $O/$2.json > $O/$2.txt 2>&1; echo "$2 rc=$?"; }
for r in 1 2 3; do
  run "$B" before-f32-r$r --dtype f32 --kernels vector
  run "$A" after-f32-r$r --dtype f32 --kernels vector
  run "$B" before-bf16-r$r --dtype bf16 --kernels vector
  run "$A" after-bf16-r$r --dtype bf16 --kernels vector
done
run "$A" after-f16 --dtype f16 --kernels vector
date; uptime
