"""Run snarkjs's MSM (ffjavascript's ``multiExpAffine``) on zkreceipt's points, for comparisons.

``ensure_ffjavascript()`` installs the ffjavascript version snarkjs 0.7.6 uses under
``benchmarks/node_modules`` (git-ignored) on first use; ``run(points, scalars, repeats)``
times ``multiExpAffine`` in one Node process (after a warm-up run) on exactly the
given bases and scalars and returns its timings and result. Used by
``bench_msm.py`` and ``msm_table.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zkreceipt.curve.points import PointVector
from zkreceipt.field import FieldVector

HERE = Path(__file__).resolve().parent
FFJAVASCRIPT = "ffjavascript@0.3.1"  # the version snarkjs 0.7.6 depends on
SCRIPT = HERE / "snarkjs_msm.js"


class Unavailable(RuntimeError):
    """Node or npm is missing, or ffjavascript could not be installed."""


@dataclass(frozen=True)
class NodeResult:
    """Timings (seconds per MSM, after a warm-up) and the result as snarkjs JSON."""

    seconds: list[float]
    threads: int
    result: Any


def ensure_ffjavascript() -> Path:
    """benchmarks/node_modules with ffjavascript installed (installs it once)."""
    modules = HERE / "node_modules"
    if (modules / "ffjavascript" / "package.json").exists():
        return modules
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise Unavailable("node and npm are needed to compare with snarkjs's MSM")
    done = subprocess.run(
        ["npm", "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--prefix", str(HERE), FFJAVASCRIPT],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not (modules / "ffjavascript").exists():
        raise Unavailable(f"npm install {FFJAVASCRIPT} failed: {done.stderr.strip()[-500:]}")
    return modules


def run(points: PointVector, scalars: FieldVector, repeats: int = 3) -> NodeResult:
    """Time ffjavascript's multiExpAffine on these bases (LEM bytes) and scalars (32-byte LE)."""
    modules = ensure_ffjavascript()
    with tempfile.TemporaryDirectory(prefix="zkreceipt-msm-") as tmp:
        bases = Path(tmp) / "bases.bin"
        scalar_file = Path(tmp) / "scalars.bin"
        bases.write_bytes(points.to_montgomery_bytes())
        scalar_file.write_bytes(scalars.to_bytes("little"))
        done = subprocess.run(
            ["node", str(SCRIPT), points.spec.name, str(bases), str(scalar_file), str(repeats)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "NODE_PATH": str(modules)},
        )
    if done.returncode != 0:
        raise Unavailable(f"node {SCRIPT.name} failed: {done.stderr.strip()[-500:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return NodeResult(seconds=out["seconds"], threads=out["threads"], result=out["result"])

