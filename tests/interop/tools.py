"""Running the pinned Node tools (snarkjs, circom2) from tests.

The tools come from ``tests/interop/package.json`` / ``package-lock.json``
(``cd tests/interop && npm ci``). Nothing here reaches the network: the binaries in
``node_modules/.bin`` are run directly, never through ``npx`` (which could download).

    from tests.interop.tools import snarkjs, circom2, tools_available
    result = snarkjs("groth16", "verify", vk, public, proof, check=False)
    assert result.ok
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

INTEROP_DIR = Path(__file__).resolve().parent
NODE_MODULES = INTEROP_DIR / "node_modules"
BIN_DIR = NODE_MODULES / ".bin"
#: Default limit for one tool run; a setup of the test circuits takes a few seconds.
DEFAULT_TIMEOUT = 180.0

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class NodeToolError(RuntimeError):
    """A Node tool is missing, timed out, or exited non-zero (when a success was required)."""


@dataclass(frozen=True)
class ToolResult:
    """What a tool run produced; ``stdout``/``stderr`` have ANSI colour codes removed."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def node_available() -> bool:
    return shutil.which("node") is not None


def tool_path(name: str) -> Path:
    """``node_modules/.bin/<name>``; NodeToolError if it is not installed."""
    path = BIN_DIR / name
    if not path.exists():
        raise NodeToolError(f"{path} is missing: run `cd {INTEROP_DIR} && npm ci`")
    return path


def tools_available() -> bool:
    """True if node and the pinned snarkjs and circom2 are installed."""
    return node_available() and all((BIN_DIR / name).exists() for name in ("snarkjs", "circom2"))


def run_tool(
    name: str,
    *args: str | os.PathLike[str],
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    check: bool = True,
) -> ToolResult:
    """Run ``node_modules/.bin/<name> args…``.

    With ``check`` (the default) a non-zero exit raises NodeToolError carrying the
    command, exit code and the tail of stderr and stdout; a timeout always raises.
    """
    command = [str(tool_path(name)), *(os.fspath(a) for a in args)]
    started = time.monotonic()
    try:
        completed = subprocess.run(
            command,
            cwd=cwd if cwd is not None else INTEROP_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise NodeToolError(f"{' '.join(command)} timed out after {timeout:.0f} s") from exc
    result = ToolResult(
        tuple(command),
        completed.returncode,
        _ANSI.sub("", completed.stdout),
        _ANSI.sub("", completed.stderr),
        time.monotonic() - started,
    )
    if check and not result.ok:
        raise NodeToolError(
            f"{' '.join(command)} exited with {result.returncode}\n"
            f"--- stderr ---\n{result.stderr[-4000:]}\n--- stdout ---\n{result.stdout[-4000:]}"
        )
    return result


def snarkjs(
    *args: str | os.PathLike[str],
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    check: bool = True,
) -> ToolResult:
    """Run the pinned snarkjs CLI (see :func:`run_tool`)."""
    return run_tool("snarkjs", *args, cwd=cwd, timeout=timeout, check=check)


def circom2(
    *args: str | os.PathLike[str],
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    check: bool = True,
) -> ToolResult:
    """Run the pinned circom compiler (WASM build, circom 2.2.3).

    It runs sandboxed (WASI) with the working directory and its parents pre-opened and
    relative paths resolved from the working directory; the default, tests/interop,
    makes ``-l node_modules`` resolve ``include "circomlib/circuits/…"``.
    """
    return run_tool("circom2", *args, cwd=cwd, timeout=timeout, check=check)
