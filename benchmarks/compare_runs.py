"""Running both provers for ``compare.py``: the pinned snarkjs install, child processes, CLIs.

Every measurement runs in a child process of its own, under GNU ``/usr/bin/time`` for its
peak RSS. Wall times of CLI runs are whole processes (start-up, key parsing, proving,
writing the JSON).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compare_inputs import CircuitFiles

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
SNARKJS_CLI = NODE_MODULES / "snarkjs" / "build" / "cli.cjs"
SNARKJS_VERSION = "0.7.6"
GNU_TIME = "/usr/bin/time"
#: Runs the zkreceipt CLI with this interpreter (the ``zkreceipt`` script may belong to another).
ZKRECEIPT_CLI = [sys.executable, "-c", "import sys; sys.argv[0] = 'zkreceipt'; from zkreceipt.cli import main; main()"]


class CompareError(RuntimeError):
    """A tool is missing, failed, or a proof did not verify: the comparison is void."""


@dataclass(frozen=True)
class ProcessRun:
    """One finished child process: wall seconds, peak RSS in MB, CPU seconds (user + system), exit code, output."""

    seconds: float
    max_rss_mb: float | None
    returncode: int
    stdout: str
    stderr: str
    cpu_s: float | None = None


@dataclass(frozen=True)
class CliTimes:
    """Whole-process CLI timings on one circuit: medians over ``repeats`` runs, peak RSS of prove."""

    prove_s: float
    verify_s: float
    prove_max_rss_mb: float | None


def _installed_matches_lock() -> bool:
    """True if node_modules holds exactly the packages package-lock.json pins (npm's hidden lockfile)."""
    installed = NODE_MODULES / ".package-lock.json"
    if not (installed.exists() and SNARKJS_CLI.exists()):
        return False
    pinned = json.loads((HERE / "package-lock.json").read_text())["packages"]
    pinned.pop("", None)  # the root project itself
    if pinned.get("node_modules/snarkjs", {}).get("version") != SNARKJS_VERSION:
        raise CompareError(f"benchmarks/package-lock.json must pin snarkjs {SNARKJS_VERSION}")
    return bool(json.loads(installed.read_text()).get("packages") == pinned)


def ensure_snarkjs() -> Path:
    """benchmarks/node_modules as package-lock.json pins it (``npm ci`` when missing or stale)."""
    if _installed_matches_lock():
        return NODE_MODULES
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise CompareError("node and npm are needed to run snarkjs")
    done = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not _installed_matches_lock():
        raise CompareError(f"npm ci in {HERE} failed: {done.stderr.strip()[-800:]}")
    return NODE_MODULES


def node_version() -> str:
    done = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def run_process(
    command: list[str], *, timeout: float = 3600.0, cwd: Path | None = None, env: dict[str, str] | None = None
) -> ProcessRun:
    """Run ``command`` to completion (``env`` added to this environment): its wall time, output,
    peak RSS and CPU time.

    The peak RSS and CPU seconds come from GNU ``/usr/bin/time -f "%M %U %S"`` (None without
    it). Not from ``os.wait4`` here: Linux starts a child's ``ru_maxrss`` at its parent's RSS
    when it execs, so every child of this ~200 MB process would report at least that.
    """
    env = {
        **os.environ,
        **(env or {}),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
    }
    with tempfile.TemporaryDirectory(prefix="zkreceipt-run-") as tmp:
        rss_file = Path(tmp) / "max_rss_kb"
        prefix = [GNU_TIME, "-f", "%M %U %S", "-o", str(rss_file)] if Path(GNU_TIME).exists() else []
        start = time.perf_counter()
        try:
            done = subprocess.run(
                [*prefix, *command],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise CompareError(f"{' '.join(command[:4])} … timed out after {timeout:.0f} s") from exc
        seconds = time.perf_counter() - start
        fields = rss_file.read_text().split()[-3:] if rss_file.exists() else []
        max_rss_mb = int(fields[0]) / 1024 if len(fields) == 3 and fields[0].isdigit() else None
        cpu_s = float(fields[1]) + float(fields[2]) if max_rss_mb is not None else None
    return ProcessRun(seconds, max_rss_mb, done.returncode, done.stdout, done.stderr, cpu_s)


def checked_run(command: list[str], what: str, **kwargs: Any) -> ProcessRun:
    run = run_process(command, **kwargs)
    if run.returncode != 0:
        raise CompareError(f"{what} exited with {run.returncode}:\n{run.stderr[-3000:]}\n{run.stdout[-1000:]}")
    return run


def _peak_mb(run: ProcessRun, self_reported_kb: int | None) -> float | None:
    """The child's peak RSS: from /usr/bin/time, else what it read from /proc/self/status."""
    if run.max_rss_mb is not None:
        return run.max_rss_mb
    return self_reported_kb / 1024 if self_reported_kb is not None else None


def _json_job(directory: Path, name: str, job: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(json.dumps(job, default=str))
    return path


def measure_zkreceipt(
    files: CircuitFiles, *, repeats: int, batch: int, verify_batch: int, export: int
) -> dict[str, Any]:
    """zkreceipt in its own process (``compare_zkreceipt.py``); adds ``max_rss_mb`` of that process."""
    job = {
        "zkey": files.zkey,
        "witnesses": [str(p) for p in files.witnesses[: max(batch, verify_batch, 1)]],
        "repeats": repeats,
        "batch": batch,
        "verify_batch": verify_batch,
        "receipts": files.receipt_count > 0,
        "export": export,
        "export_dir": files.directory,
    }
    path = _json_job(files.directory, "zkreceipt_job.json", job)
    with tempfile.TemporaryDirectory(prefix="zkreceipt-checked-") as cache:  # the key's first load checks its G2 points
        run = checked_run(
            [sys.executable, str(HERE / "compare_zkreceipt.py"), str(path)],
            "compare_zkreceipt.py",
            env={"ZKRECEIPT_CACHE_DIR": cache},
        )
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    result["max_rss_mb"] = _peak_mb(run, result["vm_hwm_kb"])
    return result


def measure_snarkjs(
    files: CircuitFiles, *, repeats: int, throughput_proofs: int, in_flight: list[int], verify: list[dict[str, str]]
) -> dict[str, Any]:
    """snarkjs as a library in one Node process (``compare_snarkjs.mjs``); adds ``max_rss_mb``."""
    proofs_out = files.directory / "snarkjs_proofs.json"
    job = {
        "zkey": files.zkey,
        "witnesses": [str(p) for p in files.witnesses[: max(throughput_proofs, repeats, 1)]],
        "warmup": 1,
        "repeats": repeats,
        "throughput_proofs": throughput_proofs,
        "in_flight": in_flight,
        "verification_key": files.verification_key,
        "verify": verify,
        "proofs_out": proofs_out,
    }
    path = _json_job(files.directory, "snarkjs_job.json", job)
    run = checked_run(["node", str(HERE / "compare_snarkjs.mjs"), str(path)], "compare_snarkjs.mjs")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    if not (result["verify_ok"] and all(result["verify_ok"])):
        raise CompareError(f"{files.name}: snarkjs rejected zkreceipt proofs: {result['verify_ok']}")
    result["max_rss_mb"] = _peak_mb(run, result["vm_hwm_kb"])
    result["proofs"] = json.loads(proofs_out.read_text())
    return result


def _median_run(runs: list[ProcessRun]) -> float:
    return statistics.median(run.seconds for run in runs)


def measure_clis(files: CircuitFiles, repeats: int) -> dict[str, CliTimes]:
    """``snarkjs groth16 prove/verify`` and ``zkreceipt groth16 prove/verify`` on the same files.

    Proves alternate between the tools, then each CLI verifies the other's latest proof
    (exit code 0 required), so the timings double as a correctness check.
    """
    d, zkey, vk, wtns = files.directory, str(files.zkey), str(files.verification_key), str(files.witnesses[0])
    snarkjs = ["node", str(SNARKJS_CLI), "groth16"]
    zkreceipt = [*ZKRECEIPT_CLI, "groth16"]
    proves: dict[str, list[ProcessRun]] = {"zkreceipt": [], "snarkjs": []}
    verifies: dict[str, list[ProcessRun]] = {"zkreceipt": [], "snarkjs": []}
    for _ in range(repeats):
        for tool, command in (("zkreceipt", zkreceipt), ("snarkjs", snarkjs)):
            outputs = [f"cli_{tool}_proof.json", f"cli_{tool}_public.json"]
            proves[tool].append(checked_run([*command, "prove", zkey, wtns, *outputs], f"{tool} prove", cwd=d))
    for _ in range(repeats):
        for tool, command, other in (("zkreceipt", zkreceipt, "snarkjs"), ("snarkjs", snarkjs, "zkreceipt")):
            inputs = [f"cli_{other}_public.json", f"cli_{other}_proof.json"]
            verifies[tool].append(checked_run([*command, "verify", vk, *inputs], f"{tool} verify", cwd=d))
    return {
        tool: CliTimes(
            prove_s=_median_run(proves[tool]),
            verify_s=_median_run(verifies[tool]),
            prove_max_rss_mb=max((r.max_rss_mb for r in proves[tool] if r.max_rss_mb is not None), default=None),
        )
        for tool in proves
    }


@dataclass(frozen=True)
class ColdStart:
    """Whole processes on empty kernel caches (fresh ``NUMBA_CACHE_DIR`` each): ``zkreceipt demo``
    (which compiles its kernels in parallel first), then ``zkreceipt verify`` of the demo's bundle,
    and the warm-up CI runs before the tests (``python -m zkreceipt.warmup``)."""

    demo: ProcessRun
    verify: ProcessRun
    warmup: ProcessRun


def measure_cold_start(directory: Path) -> ColdStart:
    directory.mkdir(parents=True, exist_ok=True)
    home = directory / "home"

    def fresh(name: str) -> dict[str, str]:
        cache = directory / name
        shutil.rmtree(cache, ignore_errors=True)
        return {"NUMBA_CACHE_DIR": str(cache), "ZKRECEIPT_HOME": str(home), "ZKRECEIPT_CACHE_DIR": str(directory / f"{name}-checked")}

    shutil.rmtree(home, ignore_errors=True)
    demo = checked_run([*ZKRECEIPT_CLI, "demo"], "zkreceipt demo (cold)", env=fresh("numba-demo"))
    bundle, keys = home / "demo" / "bundle.json", home / "demo" / "keys"
    verify = checked_run([*ZKRECEIPT_CLI, "verify", str(bundle), "--keys-dir", str(keys)], "zkreceipt verify (cold)", env=fresh("numba-verify"))
    warmup = checked_run([sys.executable, "-m", "zkreceipt.warmup"], "python -m zkreceipt.warmup (cold)", env=fresh("numba-warmup"))
    return ColdStart(demo, verify, warmup)
