#!/bin/bash
# Session 11 (AMD EPYC Zen 4 VM): session 10's run.sh unchanged (two builds alternating, three rounds, F32 and
# BF16, then F16), run from here so the commands in engine/BENCHMARKS.md §22 name this folder.
# usage: run.sh BEFORE_JAR AFTER_JAR OUT_DIR   (each jar built with `mvn -q -B -o -pl engine -DskipTests package`)
exec bash "$(dirname "$0")/../2026-11-29-session10/run.sh" "$@"
