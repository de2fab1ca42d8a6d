#!/usr/bin/env python3
"""Prints the comparison tables of sample-models/README.md (Markdown) from the models' eval JSON.

    python3 sample-models/compare.py [MODEL_DIR...]      default: the three sample models
Reads MODEL_DIR/eval.json and MODEL_DIR/eval-anywhere.json (written by sample-models/eval.sh).
"""
import json, os, sys

models = sys.argv[1:] or ["sample-models/taipan-small", "sample-models/mamba2-small", "sample-models/transformer-small"]
names = [os.path.basename(m.rstrip("/")) for m in models]

def load(m, f):
    p = os.path.join(m, f)
    return json.load(open(p)) if os.path.exists(p) else None

def ctx(c):
    return f"{c // 1024}K" if c >= 1024 and c % 1024 == 0 else str(c)

def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f}%"

def task_table(fname, title):
    runs = [load(m, fname) for m in models]
    if not all(runs):
        return
    print(f"**{title}** ({runs[0]['settings']['samples']} sequences per cell; seed {runs[0]['settings']['seed']}; "
          f"exact match of the whole answer, teacher-forced argmax = greedy)\n")
    contexts = sorted({t["context"] for t in runs[0]["tasks"]})
    tasks = list(dict.fromkeys(t["task"] for t in runs[0]["tasks"]))
    print("| task | model | " + " | ".join(ctx(c) for c in contexts) + " |")
    print("|---|---|" + "---:|" * len(contexts))
    for task in tasks:
        for n, r in zip(names, runs):
            cells = []
            for c in contexts:
                t = next((t for t in r["tasks"] if t["task"] == task and t["context"] == c), None)
                cells.append("-" if t is None else f"{pct(t['exact_match'])} ({t['exact']}/{t['answers']})")
            print(f"| {task} | {n} | " + " | ".join(cells) + " |")
        chance = next(t["chance"] for t in runs[0]["tasks"] if t["task"] == task)
        print(f"| {task} | *chance* | " + " | ".join(f"{100 * chance:.2g}%" for _ in contexts) + " |")
    print()

runs = [load(m, "eval.json") for m in models]
if all(runs):
    print("**Held-out text** (KJV validation split, last 5% of the file; bits/byte over the last 25% of each window; "
          f"{runs[0]['settings']['text_windows']} windows per context)\n")
    contexts = [t["context"] for t in runs[0]["text"]]
    print("| model | parameters | " + " | ".join(ctx(c) for c in contexts) + " |")
    print("|---|---:|" + "---:|" * len(contexts))
    for n, r in zip(names, runs):
        print(f"| {n} | {r['parameters']:,} | " + " | ".join(f"{t['bits_per_byte']:.3f}" for t in r["text"]) + " |")
    print()
task_table("eval.json", "Retrieval, evidence within 128 tokens of the answer (taipan-small's SAL window), context growing from the training length (256) to 64× it; transformer-small: to 4K")
task_table("eval-anywhere.json", "Retrieval, evidence anywhere in the context")
