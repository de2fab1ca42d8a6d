"""Writes state_dict_cpython.pkl: the data.pkl that torch.save(state_dict) writes, produced by
CPython's own pickle.Pickler (protocol 2, torch.serialization.DEFAULT_PROTOCOL) with torch's
persistent_id logic (torch/serialization.py _save). torch itself is not needed: stand-in objects
carry the same qualified names (torch.FloatStorage, torch._utils._rebuild_tensor_v2, ...), and
the pickler writes only those names, so the byte stream is the one torch.save writes for the
same tensors. The Java test TorchSaveWriter must produce exactly these bytes.

Run: python3 make_state_dict_pickle.py   (from this folder)
"""
import collections
import pickle
import sys
import types

torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils
torch._utils = torch_utils


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks):
    raise AssertionError("never called")


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2


class FloatStorage:
    pass


class BFloat16Storage:
    pass


for cls in (FloatStorage, BFloat16Storage):
    cls.__module__ = "torch"
    cls.__qualname__ = cls.__name__
    setattr(torch, cls.__name__, cls)


class Storage:
    """An untyped storage: type, key assigned on first use (as id_map.setdefault in _save)."""
    def __init__(self, storage_type, numel):
        self.storage_type = storage_type
        self.numel = numel


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce_ex__(self, proto):
        # torch/_tensor.py _reduce_ex_internal: (storage, offset, size, stride, requires_grad, hooks);
        # tuple(self.size()) and self.stride() are new tuples on every call, so never memo hits
        return (_rebuild_tensor_v2,
                (self.storage, self.offset, tuple(list(self.size)), tuple(list(self.stride)), False,
                 collections.OrderedDict()))


id_map = {}


def persistent_id(obj):
    if isinstance(obj, Storage):
        key = id_map.setdefault(id(obj), str(len(id_map)))
        return ("storage", obj.storage_type, key, "cpu", obj.numel)
    return None


emb = Storage(FloatStorage, 12)       # [4, 3], tied with lm_head below
norm = Storage(BFloat16Storage, 3)
big = Storage(FloatStorage, 300)      # numel > 255: BININT2

sd = collections.OrderedDict()
sd["backbone.embedding.weight"] = Tensor(emb, 0, (4, 3), (3, 1))
sd["backbone.norm_f.weight"] = Tensor(norm, 0, (3,), (1,))
sd["row"] = Tensor(emb, 3, (3,), (1,))            # a view with a storage offset
sd["t"] = Tensor(emb, 0, (3, 4), (1, 3))          # a transposed (strided) view
sd["big"] = Tensor(big, 0, (300,), (1,))
sd["lm_head.weight"] = Tensor(emb, 0, (4, 3), (3, 1))
sd._metadata = collections.OrderedDict([("", {"version": 1}), ("backbone", {"version": 1})])

with open("state_dict_cpython.pkl", "wb") as f:
    p = pickle.Pickler(f, protocol=2)
    p.persistent_id = persistent_id
    p.dump(sd)
