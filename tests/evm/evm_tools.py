"""Running the pinned Node tools of ``tests/evm`` (solc-js, @ethereumjs/evm, snarkjs) from tests.

The tools come from ``tests/evm/package.json`` / ``package-lock.json`` (``cd tests/evm && npm ci``).
Nothing here reaches the network: ``evm_tool.mjs`` and ``node_modules/.bin/snarkjs`` run directly.

    from evm_tools import evm_tool
    compiled = evm_tool("compile", {"sources": {"V.sol": source}})
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

EVM_DIR = Path(__file__).resolve().parent
NODE_MODULES = EVM_DIR / "node_modules"
EVM_TOOL = EVM_DIR / "evm_tool.mjs"
#: Packages evm_tool.mjs imports; all must be installed for the EVM tests to run.
REQUIRED_PACKAGES = ("solc", "@ethereumjs/evm", "@ethereumjs/common", "@ethereumjs/util", "snarkjs", "ejs")
#: Limit for one run; compiling two verifiers takes ~5 s, a batch of calls ~2 s.
DEFAULT_TIMEOUT = 120.0


class NodeRunError(RuntimeError):
    """node or a pinned package is missing, a run timed out, exited non-zero, or printed no JSON."""


def missing_tools() -> str | None:
    """Why the EVM tests cannot run (None if they can)."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    missing = [name for name in REQUIRED_PACKAGES if not (NODE_MODULES / name / "package.json").exists()]
    if missing:
        return f"npm packages {', '.join(missing)} are missing: run `cd {EVM_DIR} && npm ci`"
    return None


def run_node(command: list[str], stdin: str = "", timeout: float = DEFAULT_TIMEOUT) -> str:
    """Run ``command`` in tests/evm and return its stdout; NodeRunError (with stderr) on failure."""
    problem = missing_tools()
    if problem:
        raise NodeRunError(problem)
    try:
        completed = subprocess.run(
            command,
            check=False,
            cwd=EVM_DIR,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
        )
    except subprocess.TimeoutExpired:
        raise NodeRunError(f"{' '.join(command)} timed out after {timeout:.0f} s") from None
    if completed.returncode != 0:
        raise NodeRunError(
            f"{' '.join(command)} exited with {completed.returncode}\n"
            f"--- stderr ---\n{completed.stderr[-4000:]}\n--- stdout ---\n{completed.stdout[-2000:]}"
        )
    return completed.stdout


def evm_tool(command: str, request: dict[str, Any], timeout: float = DEFAULT_TIMEOUT) -> Any:
    """``node evm_tool.mjs <command>`` with ``request`` as JSON on stdin; its JSON answer."""
    stdout = run_node(["node", str(EVM_TOOL), command], json.dumps(request), timeout)
    try:
        return json.loads(stdout)
    except json.JSONDecodeError:
        raise NodeRunError(f"evm_tool.mjs {command} printed no JSON: {stdout[:500]!r}") from None


def snarkjs(*args: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT) -> str:
    """Run the pinned snarkjs CLI; its stdout."""
    return run_node([str(NODE_MODULES / ".bin" / "snarkjs"), *map(os.fspath, args)], timeout=timeout)
