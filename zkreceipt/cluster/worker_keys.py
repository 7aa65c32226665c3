"""The proving key on a worker: loaded once per process and kept warm across tasks.

Two ways to give workers the key, never inside a task:

* :class:`KeyFile` — a path every worker can read, with the identity the client
  saw (size, mtime, SHA-256). A worker caches the loaded key under the file's
  identity (path, its own size and mtime, the expected SHA-256), so it reads,
  hashes and parses the file once, and refuses a file whose hash is not the
  client's (another key at the same path on another machine).
* :class:`SentKey` — the key object itself, scattered by the client to every
  worker once (``client.scatter(..., broadcast=True)``); Dask keeps it in the
  worker's memory for the batch and tasks receive that same object.

Either way the key object lives as long as the batch, so the prover's in-memory
fixed-base tables (``groth16.prover_bases``, cached per key object) and the
compiled kernels stay warm from one chunk to the next.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ZkReceiptError
from ..formats.zkey_keys import read_proving_key
from ..groth16 import ProvingKey
from .errors import KeyLoadError

#: Keys a worker keeps loaded at once (each with its fixed-base tables, tens of MB).
MAX_WORKER_KEYS = 2


def key_fingerprint(pk: ProvingKey) -> str:
    """SHA-256 (hex) of the verification key's points: the same on the client and on every worker holding ``pk``."""
    vk = pk.vk
    digest = hashlib.sha256()
    for points in (vk.alpha_g1, vk.beta_g2, vk.gamma_g2, vk.delta_g2, vk.gamma_abc_g1, pk.delta_g1):
        digest.update(points.to_montgomery_bytes())
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class KeyFile:
    """A proving-key file (absolute ``path``) as the client saw it: ``size``, ``mtime_ns``, ``sha256``."""

    path: str
    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: str | Path) -> KeyFile:
        """The identity of the key file at ``path``; KeyLoadError naming it if it cannot be read."""
        resolved = Path(path).resolve()
        try:
            stat = resolved.stat()
            return cls(str(resolved), stat.st_size, stat.st_mtime_ns, file_sha256(resolved))
        except OSError as error:
            raise KeyLoadError(f"{path}: cannot read the proving key ({error.strerror or error})") from None


@dataclass(frozen=True)
class SentKey:
    """A proving key sent to the workers, with its :func:`key_fingerprint` (computed once, by the client)."""

    pk: ProvingKey = field(repr=False)
    fingerprint: str


@dataclass(frozen=True)
class LoadedKey:
    pk: ProvingKey = field(repr=False)
    fingerprint: str


_loaded: dict[tuple[str, int, int, str], LoadedKey] = {}
_lock = threading.Lock()
_loads = 0


def worker_key(source: KeyFile | SentKey) -> LoadedKey:
    """The key of ``source`` in this process: loaded on first use, then from the cache (KeyLoadError if unreadable)."""
    if isinstance(source, SentKey):
        return LoadedKey(source.pk, source.fingerprint)
    global _loads
    path = Path(source.path)
    with _lock:
        try:
            stat = path.stat()
        except OSError as error:
            raise KeyLoadError(f"{path}: the worker cannot read the proving key ({error.strerror or error})") from None
        identity = (source.path, stat.st_size, stat.st_mtime_ns, source.sha256)
        if identity not in _loaded:
            if file_sha256(path) != source.sha256:
                raise KeyLoadError(f"{path}: the worker's file is not the client's proving key (SHA-256 differs)")
            try:
                pk = read_proving_key(path)
            except ZkReceiptError as error:
                raise KeyLoadError(f"{path}: the worker cannot load the proving key ({error})") from None
            while len(_loaded) >= MAX_WORKER_KEYS:  # the oldest key goes, and its tables with it
                _loaded.pop(next(iter(_loaded)))
            _loaded[identity] = LoadedKey(pk, key_fingerprint(pk))
            _loads += 1
        return _loaded[identity]


def key_loads() -> int:
    """How many times this process has read a key file (the tests check it is once per key)."""
    return _loads
