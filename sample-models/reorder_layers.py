#!/usr/bin/env python3
"""Copy a model folder with its layers in another order (config.json layer_types + tensor names).

    reorder_layers.py SRC_DIR DST_DIR ORDER [--set KEY=JSON ...] [--drop TEXT ...]

ORDER lists, for each new layer index, the old index it comes from, e.g. "0,6,1,2,3,4,5" moves
taipan-small's SAL (old layer 6) to layer 1, right after the first Mamba-2 layer. --set overrides a
config field (e.g. --set sal_rope=true --set capacity=1.0); --drop leaves out every tensor whose name
contains TEXT (e.g. --drop .mixer.gate. with layer_types set to make the SAL a sliding_attention
layer). Tensors are copied byte for byte; only 'backbone.layers.<i>.' prefixes are renamed. Writes DST_DIR/config.json and model.safetensors
through temp files and renames. Python 3 standard library only.

Why (sample-models/README.md, "What was tried" 8): behind six Mamba-2 layers the SAL found the
right earlier definition but its values carried almost nothing of the digit there; right after the
first Mamba-2 layer (whose short convolution already sees the key bytes) the SAL reads token
identities directly, as a Transformer's second attention layer does.
"""
import json
import os
import struct
import sys

from safetensors_file import atomic_write, read


def main(argv):
    if len(argv) < 3 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    src, dst, order_text = argv[0], argv[1], argv[2]
    overrides, drops = {}, []
    rest = argv[3:]
    while rest:
        if rest[0] == "--drop" and len(rest) >= 2:
            drops.append(rest[1])
        elif rest[0] == "--set" and len(rest) >= 2 and "=" in rest[1]:
            key, value = rest[1].split("=", 1)
            overrides[key] = json.loads(value)
        else:
            raise SystemExit(f"unexpected argument {rest[0]!r}; expected --set KEY=JSON or --drop TEXT")
        rest = rest[2:]
    cfg_path = os.path.join(src, "config.json")
    with open(cfg_path) as f:
        config = json.load(f)
    types = config.get("layer_types")
    if not isinstance(types, list):
        raise SystemExit(f"{cfg_path}: field 'layer_types' is missing")
    order = [int(x) for x in order_text.split(",")]
    if sorted(order) != list(range(len(types))):
        raise SystemExit(f"ORDER {order_text} is not a permutation of 0..{len(types) - 1} "
                         f"({cfg_path}: {len(types)} layer_types)")
    st_path = os.path.join(src, "model.safetensors")
    header, data, base = read(st_path)
    renamed, body = {}, bytearray()
    for name, meta in header.items():
        if name == "__metadata__":
            renamed[name] = meta
            continue
        if any(d in name for d in drops):
            continue
        begin, end = meta["data_offsets"]
        if not 0 <= begin <= end <= len(data) - base:
            raise SystemExit(f"{st_path}: tensor '{name}' data_offsets {meta['data_offsets']} lie outside the file")
        if name.startswith("backbone.layers."):
            old = int(name.split(".")[2])
            name = name.replace(f"backbone.layers.{old}.", f"backbone.layers.{order.index(old)}.", 1)
        renamed[name] = dict(meta, data_offsets=[len(body), len(body) + end - begin])
        body += data[base + begin:base + end]
    head = json.dumps(renamed, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    config["layer_types"] = [types[o] for o in order]
    config.update(overrides)
    os.makedirs(dst, exist_ok=True)
    atomic_write(os.path.join(dst, "model.safetensors"), struct.pack("<Q", len(head)) + head + bytes(body))
    atomic_write(os.path.join(dst, "config.json"), (json.dumps(config, indent=2) + "\n").encode())
    print(f"{dst}: layer_types {config['layer_types']}" + (f", set {overrides}" if overrides else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
