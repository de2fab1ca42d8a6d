"""Writes neox-mini-tokenizer.json: a small tokenizer.json in the exact layout of GPT-NeoX-20B's
(the tokenizer Mamba checkpoints use): NFC normalizer, ByteLevel pre-tokenizer (GPT-2 regex, no
prefix space), byte-level BPE over the 256 GPT-2 byte symbols, ByteLevel decoder, special tokens
<|endoftext|> = 0 and <|padding|> = 1 first, as in GPT-NeoX. The merges are a handful chosen by
hand for English test strings; ids follow GPT-NeoX's layout (specials, then bytes, then merges).
Run: python3 make_neox_mini.py
"""
import json


def bytes_to_unicode():  # the GPT-2 byte <-> symbol table (openai/gpt-2 encoder.py)
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


sym = bytes_to_unicode()
vocab = {"<|endoftext|>": 0, "<|padding|>": 1}
for b in range(256):
    vocab[sym[b]] = 2 + b
merges = ["Ġ t", "h e", "Ġt he", "i n", "Ġ a", "e r", "o n", "Ġ w", "o r", "l l", "Ġw or", "l d", "Ġwor ld",
          "e l", "el l", "H ell", "Hell o", "Ġ s", "i s", "Ġ is", "in g", "Ġ 1", "0 0", "Ġ Ġ", "ĠĠ ĠĠ",
          "Ċ Ċ", "a n", "Ġ an", "Ġan d"]
for m in merges:
    a, b = m.split(" ")
    assert a in vocab and b in vocab, "merge %r uses a token that is not in the vocabulary yet" % m
    vocab.setdefault(a + b, len(vocab))

tok = {
    "version": "1.0",
    "truncation": None,
    "padding": None,
    "added_tokens": [
        {"id": 0, "content": "<|endoftext|>", "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True},
        {"id": 1, "content": "<|padding|>", "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True},
    ],
    "normalizer": {"type": "NFC"},
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
              "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
              "vocab": vocab, "merges": merges},
}
with open("neox-mini-tokenizer.json", "w", encoding="utf-8") as f:
    json.dump(tok, f, ensure_ascii=False, indent=1)
print(len(vocab), "tokens")
