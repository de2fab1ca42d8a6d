#!/usr/bin/env python3
"""Re-spread the digit rows of a byte-level model's (tied) embedding, in place, atomically.

Why (sample-models/README.md, "What was tried" 8): in the training mix digits occur only as the
random keys' values of the synthetic tasks (the KJV text has none), so until a model can recall,
every digit is unpredictable and the best a tied head can do is give all ten the same logit. After
round 2 the ten digit rows differed from their mean by 0.08 (the letters by 1.1, all rows ~1 long),
so a layer that finds the right earlier digit has almost nothing to copy. The Transformer, whose
first attention layer reads the embeddings directly, got past this; taipan-small's SAL, behind six
Mamba-2 layers, attended to the right definition but predicted all digits at 0.10.

This sets row d (bytes '0'..'9') to mean(digit rows) + s * g_d, with g_d a seeded random unit vector
and s the mean distance of the letter rows ('a'..'z') from their mean, so the digits are as distinct
as the letters. Only the 10 rows change; everything else is copied byte for byte.

usage: respread_digits.py MODEL_DIR [--seed S]      (Python 3 standard library only)
       respread_digits.py MODEL_DIR --measure       print the digit and letter spreads (and an untied
                                                    lm_head's), change nothing
                                                    (the figures of sample-models/README.md, "What was tried" 8)
"""
import math
import os
import random
import struct
import sys

from safetensors_file import atomic_write, read

NAME = "backbone.embeddings.weight"


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    folder = argv[0]
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 0
    path = os.path.join(folder, "model.safetensors")
    header, data, base = read(path)
    data = bytearray(data)
    if NAME not in header:
        raise SystemExit(f"{path}: no tensor '{NAME}'")
    meta = header[NAME]
    if meta["dtype"] != "F32":
        raise SystemExit(f"{path}: '{NAME}' is {meta['dtype']}; this script edits F32 weights (train with --dtype f32)")
    vocab, dim = meta["shape"]
    if vocab < 123:
        raise SystemExit(f"{path}: '{NAME}' has {vocab} rows; a byte-level vocabulary (256) is expected")

    def mean(rows):
        return [sum(r[k] for r in rows) / len(rows) for k in range(dim)]

    def dist(a, b):
        return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)))

    def spreads(tensor_base):
        """(mean of the digit rows, digit spread, letter spread) of the [vocab, dim] F32 tensor at tensor_base."""
        row = lambda i: list(struct.unpack_from(f"<{dim}f", data, tensor_base + 4 * i * dim))
        digits = [row(i) for i in range(ord("0"), ord("9") + 1)]
        letters = [row(i) for i in range(ord("a"), ord("z") + 1)]
        dm, lm = mean(digits), mean(letters)
        return dm, sum(dist(r, dm) for r in digits) / 10, sum(dist(r, lm) for r in letters) / 26

    base_data = base
    base += meta["data_offsets"][0]
    dm, spread_before, s = spreads(base)
    if "--measure" in argv:
        print(f"{path}: digit spread {spread_before:.3f}, letter spread {s:.3f} (mean distance of the rows from their mean)")
        head = header.get("lm_head.weight")
        if head is not None and head["dtype"] == "F32" and head["shape"] == [vocab, dim]:
            _, hd, hl = spreads(base_data + head["data_offsets"][0])
            print(f"{path}: untied lm_head: digit spread {hd:.3f}, letter spread {hl:.3f}")
        return 0
    rng = random.Random(seed)
    for d in range(10):
        g = [rng.gauss(0.0, 1.0) for _ in range(dim)]
        norm = math.sqrt(sum(x * x for x in g))
        new = [m + s * x / norm for m, x in zip(dm, g)]
        struct.pack_into(f"<{dim}f", data, base + 4 * (ord("0") + d) * dim, *new)
    atomic_write(path, bytes(data))
    print(f"{path}: digit rows re-spread (seed {seed}): mean distance from their mean {spread_before:.3f} -> {s:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
