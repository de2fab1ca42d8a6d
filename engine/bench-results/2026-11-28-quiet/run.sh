#!/bin/bash
cd "$(dirname "$0")/../../.."   # the repository root
J="java --add-modules jdk.incubator.vector -Xmx8g -jar engine/target/taipan.jar"
S="--preset mamba2 --hidden-size 768 --layers 24 --state-size 128 --head-dim 64 --vocab 50288 --sweep none"
O=${1:-bench-out}; mkdir -p $O
date; uptime
$J bench $S --dtype f32 --calibrate --json $O/calib.json > $O/calib.txt 2>&1; echo calib rc=$?
for dt in f32 bf16; do for k in vector auto; do
  date; uptime; $J bench $S --dtype $dt --kernels $k --json $O/m130-$dt-$k.json > $O/m130-$dt-$k.txt 2>&1; echo $dt $k rc=$?
done; done
date; uptime
# M130_ONLY=1: stop after the mamba2-130m runs (BENCHMARKS §16 ran it so)
[ -n "${M130_ONLY:-}" ] && exit 0
$J bench --model sample-models/taipan-small --sweep 1K,4K,16K,64K,256K,1M --sweep-decode 512 --prefill 512 --json $O/taipan.json > $O/taipan.txt 2>&1; echo taipan rc=$?
$J bench --model sample-models/mamba2-small --sweep 1K,4K,16K,64K,256K,1M --sweep-decode 512 --prefill 512 --json $O/mamba2.json > $O/mamba2.txt 2>&1; echo mamba2 rc=$?
$J bench --model sample-models/transformer-small --sweep 1K,4K,16K,64K,256K,1M --memory-limit 100M --prefill 512 --json $O/transformer.json > $O/transformer.txt 2>&1; echo transformer rc=$?
date; uptime
