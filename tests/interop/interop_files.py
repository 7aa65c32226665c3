"""The files the real tools make for the interop tests, and the cached build that makes them.

Circuits in ``circuits/`` are compiled with circom 2.2.3 (``circom2 --r1cs --wasm --sym``);
for each the build makes a witness (``snarkjs wtns calculate`` on ``<name>.input.json``),
a Groth16 key (``snarkjs groth16 setup`` then one ``zkey contribute``), the verification
key (``zkey export verificationkey``) and a proof (``groth16 prove``). Powers of tau: a
power-6 ceremony is made on the spot (``powersoftau new`` / ``contribute`` /
``prepare phase2``, ~6 s) for the multiplier; the larger circuits use the checked-in
``fixtures/pot10_final.ptau`` (same commands at power 10; preparing it takes ~30 s,
so it is not regenerated per run — see fixtures/README.md).

The build is cached in ``$TMPDIR/zkreceipt-interop/<key>`` where the key hashes the
circuits, inputs, ptau fixture, lock file and this file, so it runs once per change
(``ZKRECEIPT_INTEROP_CACHE`` overrides the directory). Concurrent sessions wait on a
lock instead of building twice.

Test modules import the data classes from here (a uniquely named module), never from
``conftest``: with several test folders collected together, ``conftest`` names
another folder's module.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from tools import INTEROP_DIR, circom2, snarkjs, tools_available

CIRCUITS_DIR = INTEROP_DIR / "circuits"
FIXTURES_DIR = INTEROP_DIR / "fixtures"
FIXTURE_PTAU = FIXTURES_DIR / "pot10_final.ptau"
#: Power of the ceremony generated during the build (enough for the multiplier).
SMALL_PTAU_POWER = 6
#: Circuit name → which ceremony its key uses ("small": generated, "fixture": pot10).
CIRCUITS = {"multiplier": "small", "priced_commitment": "fixture", "mul_chain": "fixture"}
CONTRIBUTION_NAME = "zkreceipt interop test"
ENTROPY = "zkreceipt interop test entropy (not secret)"
COMPLETE_MARKER = "complete.json"


@dataclass(frozen=True)
class PtauFiles:
    """``phase1``: the generated ceremony after one contribution (sections 1–7 only);
    ``prepared``: the same after ``prepare phase2``; ``fixture``: the checked-in power-10 file."""

    phase1: Path
    prepared: Path
    fixture: Path
    small_power: int = SMALL_PTAU_POWER


@dataclass(frozen=True)
class CircuitFiles:
    """Everything the tools made for one circuit (``zkey_setup``: straight from
    ``groth16 setup``; ``zkey``: after one contribution, used for the proof)."""

    name: str
    source: Path
    input: Path
    r1cs: Path
    sym: Path
    wasm: Path
    wtns: Path
    ptau: Path
    zkey_setup: Path
    zkey: Path
    vkey: Path
    proof: Path
    public: Path


@dataclass(frozen=True)
class InteropFiles:
    directory: Path
    ptau: PtauFiles
    circuits: dict[str, CircuitFiles]
    build_seconds: float


def _cache_key() -> str:
    digest = hashlib.sha256()
    inputs = sorted(CIRCUITS_DIR.iterdir()) + [FIXTURE_PTAU, INTEROP_DIR / "package-lock.json", Path(__file__)]
    for path in inputs:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def _layout(directory: Path) -> InteropFiles:
    ptau = PtauFiles(
        phase1=directory / f"pot{SMALL_PTAU_POWER}_0001.ptau",
        prepared=directory / f"pot{SMALL_PTAU_POWER}_final.ptau",
        fixture=FIXTURE_PTAU,
    )
    circuits = {}
    for name, ceremony in CIRCUITS.items():
        out = directory / name
        circuits[name] = CircuitFiles(
            name=name,
            source=CIRCUITS_DIR / f"{name}.circom",
            input=CIRCUITS_DIR / f"{name}.input.json",
            r1cs=out / f"{name}.r1cs",
            sym=out / f"{name}.sym",
            wasm=out / f"{name}_js" / f"{name}.wasm",
            wtns=out / f"{name}.wtns",
            ptau=ptau.prepared if ceremony == "small" else ptau.fixture,
            zkey_setup=out / f"{name}_0000.zkey",
            zkey=out / f"{name}_0001.zkey",
            vkey=out / f"{name}_vkey.json",
            proof=out / f"{name}_proof.json",
            public=out / f"{name}_public.json",
        )
    build_seconds = 0.0
    marker = directory / COMPLETE_MARKER
    if marker.exists():
        build_seconds = json.loads(marker.read_text())["build_seconds"]
    return InteropFiles(directory, ptau, circuits, build_seconds)


def _build_ptau(ptau: PtauFiles, work: Path) -> None:
    fresh = work / f"pot{SMALL_PTAU_POWER}_0000.ptau"
    snarkjs("powersoftau", "new", "bn128", str(SMALL_PTAU_POWER), fresh)
    snarkjs("powersoftau", "contribute", fresh, ptau.phase1, f"--name={CONTRIBUTION_NAME}", f"-e={ENTROPY}")
    snarkjs("powersoftau", "prepare", "phase2", ptau.phase1, ptau.prepared)


def _build_circuit(c: CircuitFiles) -> None:
    out = c.r1cs.parent
    out.mkdir(parents=True)
    circom2(c.source, "--r1cs", "--wasm", "--sym", "-o", out, "-l", "node_modules")
    snarkjs("wtns", "calculate", c.wasm, c.input, c.wtns)
    snarkjs("groth16", "setup", c.r1cs, c.ptau, c.zkey_setup)
    snarkjs("zkey", "contribute", c.zkey_setup, c.zkey, f"--name={CONTRIBUTION_NAME}", f"-e={ENTROPY}")
    snarkjs("zkey", "export", "verificationkey", c.zkey, c.vkey)
    snarkjs("groth16", "prove", c.zkey, c.wtns, c.proof, c.public)


def _build(final: Path) -> None:
    """Build into a scratch directory beside ``final`` and rename it into place."""
    work = Path(tempfile.mkdtemp(dir=final.parent, prefix=".build-"))
    try:
        started = time.monotonic()
        files = _layout(work)
        _build_ptau(files.ptau, work)
        for circuit in files.circuits.values():
            _build_circuit(circuit)
        seconds = time.monotonic() - started
        (work / COMPLETE_MARKER).write_text(json.dumps({"build_seconds": round(seconds, 1)}))
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _cache_root() -> Path:
    configured = os.environ.get("ZKRECEIPT_INTEROP_CACHE")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "zkreceipt-interop"


def require_tools() -> None:
    """Skip the calling test when Node or the pinned npm tools are missing."""
    if not tools_available():
        pytest.skip(f"Node tools missing: run `cd {INTEROP_DIR} && npm ci`")


def build_interop_files() -> InteropFiles:
    """The tools' files for every circuit, built once per change of the inputs (see module doc)."""
    require_tools()
    root = _cache_root()
    root.mkdir(parents=True, exist_ok=True)
    final = root / _cache_key()
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (final / COMPLETE_MARKER).exists():
                shutil.rmtree(final, ignore_errors=True)
                _build(final)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return _layout(final)
