#!/bin/bash
# Session 9: the mamba2-130m runs of 2026-11-28-quiet/run.sh, back to back for two builds in one VM window:
#   BEFORE = main at a603f2a (2 x 6 block, scalar SiLU), AFTER = this session's engine (2 x 8 block, vector SiLU).
# usage: run.sh BEFORE_JAR AFTER_JAR OUT_DIR   (each jar built with `mvn -q -B -o -pl engine -DskipTests package`)
cd "$(dirname "$0")/../../.."   # the repository root
B=$1; A=$2; O=${3:-bench-out}; mkdir -p $O
S="--preset mamba2 --hidden-size 768 --layers 24 --state-size 128 --head-dim 64 --vocab 50288 --sweep none"
run() { date; uptime; java --add-modules jdk.incubator.vector -Xmx8g -jar "$1" bench $S "${@:3}" --json $O/$2.json > $O/$2.txt 2>&1; echo "$2 rc=$?"; }
run "$B" before-f32-vector --dtype f32 --kernels vector
run "$A" after-f32-vector --dtype f32 --kernels vector
run "$B" before-bf16-vector --dtype bf16 --kernels vector
run "$A" after-bf16-vector --dtype bf16 --kernels vector
run "$A" after-calib --dtype f32 --calibrate
run "$A" after-f32-auto --dtype f32 --kernels auto
run "$A" after-bf16-auto --dtype bf16 --kernels auto
date; uptime
