#!/bin/bash
# mamba2-130m shape after the SSD change (315cabb), quiet machine: calibrate, then F32/BF16 × vector/auto
cd "$(dirname "$0")/../../.."   # the repository root
J="java --add-modules jdk.incubator.vector -Xmx8g -jar engine/target/taipan.jar"
S="--preset mamba2 --hidden-size 768 --layers 24 --state-size 128 --head-dim 64 --vocab 50288 --sweep none"
O=${1:-engine/bench-results/2026-11-29-session6}; mkdir -p $O
date; uptime
$J bench $S --dtype f32 --calibrate --json $O/calib.json > $O/calib.txt 2>&1; echo calib rc=$?
for dt in f32 bf16; do for k in vector auto; do
  date; uptime; $J bench $S --dtype $dt --kernels $k --json $O/m130-$dt-$k.json > $O/m130-$dt-$k.txt 2>&1; echo $dt $k rc=$?
done; done
date; uptime
