#!/bin/bash
# Session 4: §10's long-context sweeps again, on the round-3 sample models (untied head, SAL with RoPE).
# It sweeps whatever sample-models/ holds: session 5 ran it on the round-4 models as
#   engine/bench-results/2026-11-29-round3-models/run.sh engine/bench-results/2026-11-29-round4-models
# Run from anywhere on a quiet machine; writes next to this script unless given a folder.
cd "$(dirname "$0")/../../.."   # the repository root
O=${1:-engine/bench-results/2026-11-29-round3-models}; mkdir -p $O
J="java --add-modules jdk.incubator.vector -Xmx8g -jar engine/target/taipan.jar"
F="java --add-modules jdk.incubator.vector -Xms128m -Xmx128m -jar engine/target/taipan.jar"
date; uptime
$J bench --model sample-models/taipan-small --sweep 1K,4K,16K,64K,256K,1M --sweep-decode 512 --prefill 512 --json $O/taipan.json > $O/taipan.txt 2>&1; echo taipan rc=$?
$J bench --model sample-models/mamba2-small --sweep 1K,4K,16K,64K,256K,1M --sweep-decode 512 --prefill 512 --json $O/mamba2.json > $O/mamba2.txt 2>&1; echo mamba2 rc=$?
$J bench --model sample-models/transformer-small --sweep 1K,4K,16K,64K,256K,1M --memory-limit 100M --prefill 512 --json $O/transformer.json > $O/transformer.txt 2>&1; echo transformer rc=$?
date; uptime
# peak RSS with the heap fixed at 128 MB (a context-length buffer would overflow it at 1M)
$F bench --model sample-models/taipan-small --probe-mb 16 --sweep 4K,64K,1M --sweep-decode 256 --prefill 512 --json $O/taipan-xmx128m.json > $O/taipan-xmx128m.txt 2>&1; echo taipan-128m rc=$?
$F bench --model sample-models/mamba2-small --probe-mb 16 --sweep 4K,64K,1M --sweep-decode 256 --prefill 512 --json $O/mamba2-xmx128m.json > $O/mamba2-xmx128m.txt 2>&1; echo mamba2-128m rc=$?
date; uptime
