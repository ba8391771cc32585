"""Byte builders for hostile model files: safetensors headers, GGUF headers, pickle opcodes and torch zips written by hand,
so a test can say exactly which byte lies (the real writers refuse to write most of these)."""
from __future__ import annotations

import io
import json
import os
import socket
import struct
import zipfile
from pathlib import Path


def safetensors_bytes(header: object, data: bytes = b"", *, raw_header: bytes | None = None, length: int | None = None) -> bytes:
    """An 8-byte little-endian header length, the header (JSON of `header`, or `raw_header` as is), then `data`."""
    body = raw_header if raw_header is not None else json.dumps(header, allow_nan=True).encode()
    return struct.pack("<Q", len(body) if length is None else length) + body + data


def one_tensor_header(**entry: object) -> dict:
    """A valid header of one F32 tensor of shape [2] (8 data bytes), with `entry` keys replaced."""
    return {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]} | entry}


# GGUF value types (gguf/constants.py GGUFValueType)
U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
_SCALAR = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f", BOOL: "<?", U64: "<Q", I64: "<q", F64: "<d"}


def gguf_string(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def gguf_value(kind: int, value: object) -> bytes:
    if kind == STRING:
        return gguf_string(value)
    if kind == ARRAY:
        item_kind, items = value
        return struct.pack("<IQ", item_kind, len(items)) + b"".join(gguf_value(item_kind, item) for item in items)
    return struct.pack(_SCALAR[kind], value)


def gguf_bytes(kv: list[tuple[str | bytes, int, object]] = (), tensors: list[tuple[str, list[int], int, int]] = (), data: bytes = b"",
               *, version: int = 3, n_tensors: int | None = None, n_kv: int | None = None, raw_kv: bytes | None = None) -> bytes:
    """A GGUF file: header counts (overridable, to lie), key-values, tensor infos (name, dims, ggml type, offset), data."""
    out = b"GGUF" + struct.pack("<IQQ", version, len(tensors) if n_tensors is None else n_tensors, len(kv) if n_kv is None else n_kv)
    out += raw_kv if raw_kv is not None else b"".join(gguf_string(key) + struct.pack("<I", kind) + gguf_value(kind, value) for key, kind, value in kv)
    for name, dims, ggml_type, offset in tensors:
        out += gguf_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims) + struct.pack("<IQ", ggml_type, offset)
    out += b"\0" * (-len(out) % 32)  # general.alignment defaults to 32
    return out + data


GGUF_LLAMA_KV = [("general.architecture", STRING, "llama"), ("general.name", STRING, "tiny"), ("llama.block_count", U32, 1),
                 ("llama.embedding_length", U32, 4), ("llama.context_length", U32, 16)]


def gguf_tiny(**changes) -> bytes:
    """A valid tiny llama GGUF: one F32 tensor of 4 floats."""
    arguments = {"kv": GGUF_LLAMA_KV, "tensors": [("token_embd.weight", [4], 0, 0)], "data": struct.pack("<4f", 1, 2, 3, 4)} | changes
    return gguf_bytes(**arguments)


# Pickle opcodes, assembled by hand (pickle.dumps cannot write most hostile streams).
def p_global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def p_str(text: str) -> bytes:
    raw = text.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw


def p_int(value: int) -> bytes:
    if -2**31 <= value < 2**31:
        return b"J" + struct.pack("<i", value)  # BININT
    raw = value.to_bytes((value.bit_length() + 8) // 8, "little", signed=True)
    return b"\x8a" + bytes([len(raw)]) + raw  # LONG1


def p_tuple(*items: bytes) -> bytes:
    return b"(" + b"".join(items) + b"t"


PROTO2, STOP, EMPTY_DICT, EMPTY_TUPLE, REDUCE, SETITEM = b"\x80\x02", b".", b"}", b")", b"R", b"s"


def p_tensor(size: tuple[int, ...] = (2,), storage: str = "FloatStorage", key: str = "0", numel: int = 2) -> bytes:
    """torch._utils._rebuild_tensor_v2(storage persistent id, 0, size, stride, False, OrderedDict())."""
    pid = p_tuple(p_str("storage"), p_global("torch", storage), p_str(key), p_str("cpu"), p_int(numel)) + b"Q"
    stride = p_tuple(*(p_int(1) for _ in size))
    return (p_global("torch._utils", "_rebuild_tensor_v2") + p_tuple(pid, p_int(0), p_tuple(*(p_int(n) for n in size)), stride, b"\x89",
                                                                      p_global("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE) + REDUCE)


def p_state_dict(entries: dict[str, bytes]) -> bytes:
    """{name: tensor opcodes} as an OrderedDict pickle."""
    body = p_global("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE
    for name, value in entries.items():
        body += p_str(name) + value + SETITEM
    return PROTO2 + body + STOP


def p_call(module: str, name: str, *args: bytes) -> bytes:
    """A pickle whose loading would call module.name(*args)."""
    return PROTO2 + p_global(module, name) + p_tuple(*args) + REDUCE + STOP


def torch_zip_bytes(data_pkl: bytes, *, extra: dict[str, bytes] | None = None, compression: int = zipfile.ZIP_STORED) -> bytes:
    """A torch.save-shaped archive: archive/data.pkl, archive/version, archive/data/<key>."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr("archive/data.pkl", data_pkl)
        archive.writestr("archive/version", "3\n")
        archive.writestr("archive/data/0", b"\0" * 8)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def torch_zip_bomb(inflated_bytes: int) -> bytes:
    """A torch zip whose data.pkl inflates to `inflated_bytes` (NONE opcodes, deflated; streamed, never held whole)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("archive/data.pkl", "w", force_zip64=True) as member:
            member.write(PROTO2)
            chunk = b"N" * (1 << 20)
            for _ in range(inflated_bytes // len(chunk)):
                member.write(chunk)
            member.write(STOP)
        archive.writestr("archive/version", "3\n")
    return buffer.getvalue()


def zip_with_patched_entry(data: bytes, *, flag_bits: int | None = None, method: int | None = None) -> bytes:
    """The zip with its first entry's flag bits or compression method rewritten in both headers (encrypted, unknown method)."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    central = out.find(b"PK\x01\x02")
    for offset, flag_at, method_at in ((local, 6, 8), (central, 8, 10)):
        if flag_bits is not None:
            out[offset + flag_at:offset + flag_at + 2] = struct.pack("<H", flag_bits)
        if method is not None:
            out[offset + method_at:offset + method_at + 2] = struct.pack("<H", method)
    return bytes(out)


def make_fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def make_socket(path: Path) -> Path:
    """A bound unix socket file; the socket object is kept alive by the caller's list so the file stays a socket."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    _SOCKETS.append(sock)
    return path


_SOCKETS: list[socket.socket] = []
