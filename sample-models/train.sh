#!/usr/bin/env bash
# Trains the three sample models exactly as shipped (run from the repository root; see
# sample-models/README.md). Needs sample-models/data/kjv.txt (sample-models/data/prepare.sh).
#
#   sample-models/train.sh [STEPS] [RUNS]     defaults: 3600 steps (the shipped models), runs/
#
# The three runs start together in the background (one worker thread each; on the 2-core machine
# that made the shipped models they ran concurrently) and log to RUNS/NAME.log. Each writes
# RUNS/NAME/{config.json, model.safetensors, MODEL_CARD.md, train_log.jsonl, checkpoints/}; an
# interrupted run continues with:  ./taipan train --resume --out RUNS/NAME
# taipan-small is trained with --gumbel-noise-scale 0 (see sample-models/README.md, "What was tried").
# Same data, same seed, same token budget for all three: the data stream depends only on
# (seed, step, sequence index), so every model sees the same sequences in the same order.
set -euo pipefail
steps="${1:-3600}"
taipan="${TAIPAN:-./taipan}"   # e.g. TAIPAN="java --add-modules jdk.incubator.vector -jar a-copy-of-taipan.jar"
runs="${2:-runs}"
K=sample-models/data/kjv.txt
[ -f "$K" ] || { echo "train.sh: $K is missing: run sample-models/data/prepare.sh first" >&2; exit 1; }
mkdir -p "$runs"
# Round 2 recipe (round 1 = 900 steps of batch 4, needle in the mix, lr 2e-3, C 0.15: see sample-models/README.md)
DATA="--data $K@0.4 --data task:mqar,max-distance=64@0.3 --data task:phonebook,max-distance=128@0.3"
COMMON="--hidden-size 64 --steps $steps --batch 8 --seq-len 256 --lr 3e-3 --warmup 100 --seed 1 --checkpoint-every 100 --log-every 20 --threads 1 --dtype f32"
nohup $taipan train --preset taipan --layers 7 --window 128 --capacity 0.2 --gumbel-noise-scale 0 $DATA $COMMON --out "$runs/taipan-small" > "$runs/taipan-small.log" 2>&1 &
nohup $taipan train --preset mamba2 --layers 8 $DATA $COMMON --out "$runs/mamba2-small" > "$runs/mamba2-small.log" 2>&1 &
nohup $taipan train --preset transformer --layers 4 --intermediate-size 200 $DATA $COMMON --out "$runs/transformer-small" > "$runs/transformer-small.log" 2>&1 &
echo "started 3 runs; follow them with: tail -f $runs/*.log"
