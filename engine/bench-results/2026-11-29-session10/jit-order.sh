#!/bin/bash
# Session 10: how many processes run the model's kernels slow, with the hardware probe run before the model
# is loaded ("first", what taipan bench did until this session) or after two warm-up prefills ("after", what
# it does now). Alternating, N processes of each; one line per process: mode, then prefill tok/s (512 tokens).
# usage: jit-order.sh MODEL_DIR [N] > OUT   (after `mvn -q -B -o -pl engine test-compile` and ./taipan --version)
cd "$(dirname "$0")/../../.."   # the repository root
M=$1; N=${2:-16}
for i in $(seq 1 "$N"); do
  for mode in first after; do
    java --add-modules jdk.incubator.vector -Xmx8g -Dtaipan.kernels=vector \
      -cp engine/target/taipan.jar:engine/target/test-classes ai.taipan.engine.model.JitOrderProbe "$M" 512 8 $mode 2>&1 \
      | grep -v '^WARNING: Using incubator'
  done
done
