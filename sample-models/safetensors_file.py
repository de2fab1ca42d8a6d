"""What respread_digits.py and reorder_layers.py share: reading a .safetensors file with its header
checked, and writing files through a temp file and a rename. Python 3 standard library only."""
import json
import os
import struct
import tempfile


def read(path):
    """Returns (header dict, file bytes, offset of the data section); clear errors name the file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise SystemExit(f"{path}: truncated (no header length)")
    n = struct.unpack_from("<Q", data, 0)[0]
    if 8 + n > len(data):
        raise SystemExit(f"{path}: header length {n} runs past the end of the file ({len(data)} bytes)")
    try:
        header = json.loads(data[8:8 + n])
    except ValueError as e:
        raise SystemExit(f"{path}: header is not valid JSON ({e})")
    if not isinstance(header, dict):
        raise SystemExit(f"{path}: header is not a JSON object")
    return header, data, 8 + n


def atomic_write(path, data):
    """Writes bytes to a temp file beside path, fsyncs, makes it 0644 and renames it over path."""
    folder = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".tmp.", dir=folder)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
