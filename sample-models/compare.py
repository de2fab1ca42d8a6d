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

def by_distance(r, task, label):
    """(exact, answers) of one task in one recall-distance bucket, pooled over the run's contexts."""
    ds = [d for t in r["tasks"] if t["task"] == task for d in t.get("by_distance", []) if d["distance"] == label]
    return sum(d["exact"] for d in ds), sum(d["answers"] for d in ds)

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
def distance_table(fname, title):
    """Exact match by recall distance (answer − evidence), pooled over the contexts, one row per model and task."""
    runs = [load(m, fname) for m in models]
    if not all(runs):
        return
    labels = []
    for r in runs:
        for t in r["tasks"]:
            for d in t.get("by_distance", []):
                if d["answers"] and d["distance"] not in labels:
                    labels.append(d["distance"])
    if not labels:
        return
    order = [d["distance"] for r in runs for t in r["tasks"] for d in t.get("by_distance", [])]
    labels.sort(key=order.index)
    print(f"**{title}** (answers pooled over the contexts of the table above; answers graded in parentheses)\n")
    print("| task | model | " + " | ".join(labels) + " |")
    print("|---|---|" + "---:|" * len(labels))
    tasks = list(dict.fromkeys(t["task"] for t in runs[0]["tasks"]))
    for task in tasks:
        for n, r in zip(names, runs):
            cells = []
            for label in labels:
                ex, ans = by_distance(r, task, label)
                cells.append("-" if ans == 0 else f"{pct(ex / ans)} ({ans})")
            print(f"| {task} | {n} | " + " | ".join(cells) + " |")
    print()

first = load(models[0], "eval.json")
if first:
    md = first["settings"].get("max_distance", 0)
    contexts = sorted({t["context"] for t in first["tasks"]})
    where = f"within {md} tokens of the answer" if md else "anywhere in the context"
    task_table("eval.json", f"Retrieval, evidence {where}, context growing from {ctx(contexts[0])} to {ctx(contexts[-1])} "
                            "(a model with full attention only as far as its quadratic cost allows)")
    distance_table("eval.json", f"Retrieval by recall distance, evidence {where}")
task_table("eval-anywhere.json", "Retrieval, evidence anywhere in the context")

def ablation_table():
    """Each model with a SAL against itself with the SALs' attention switched off (eval.json vs eval-sal-off.json)."""
    pairs = [(n, load(m, "eval.json"), load(m, "eval-sal-off.json")) for n, m in zip(names, models)]
    pairs = [(n, a, b) for n, a, b in pairs if a and b]
    if not pairs:
        return
    a0 = pairs[0][1]
    tctx = [t["context"] for t in a0["text"]]
    mq = [t for t in a0["tasks"] if t["task"] == "mqar"]
    qctx = [t["context"] for t in mq]
    labels = [d["distance"] for d in mq[0].get("by_distance", [])] if mq else []
    print("**What the SAL's attention contributes** (`eval.sh`'s `eval-sal-off`: the same model and examples with "
          "every SAL's attention switched off — `taipan eval --sal-off`, no token selected, the SALs' SwiGLU still runs)\n")
    print("| model | text bits/byte " + " / ".join(ctx(c) for c in tctx) + " | MQAR " + " / ".join(ctx(c) for c in qctx)
          + " | MQAR by recall distance " + " / ".join(labels) + " |")
    print("|---|---|---|---|")
    def mq_by(r, label):
        ex, ans = by_distance(r, "mqar", label)
        return "-" if ans == 0 else f"{pct(ex / ans)}"
    for n, a, b in pairs:
        for tag, r in ((n, a), (n + ", SAL attention off", b)):
            text = " / ".join(f"{t['bits_per_byte']:.3f}" for t in r["text"])
            q = " / ".join(pct(t["exact_match"]) for t in r["tasks"] if t["task"] == "mqar")
            by = " / ".join(mq_by(r, l) for l in labels)
            print(f"| {tag} | {text} | {q} | {by} |")
    print()

ablation_table()
