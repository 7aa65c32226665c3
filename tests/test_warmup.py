"""The kernel warm-up: every group runs, in child processes too, and a failing group is reported."""

from __future__ import annotations

import subprocess
import sys

import pytest

from zkreceipt import warmup


@pytest.mark.parametrize("name", sorted(warmup.GROUPS))
def test_every_group_runs(name: str) -> None:
    warmup.GROUPS[name]()


def test_the_command_sets_name_known_groups() -> None:
    assert set(warmup.ALL_GROUPS) <= set(warmup.GROUPS) and set(warmup.VERIFY_GROUPS) <= set(warmup.GROUPS)


def test_groups_run_in_child_processes_and_failures_are_reported() -> None:
    assert warmup.compile_kernels(("verify-g2", "final-exp")) > 0
    with pytest.raises(RuntimeError, match="kernel warm-up failed:\nnone: .*unknown warm-up group 'none'"):
        warmup.compile_kernels(("none",))


def test_module_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "zkreceipt.warmup", "verify-g1", "miller"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("zkreceipt kernels ready (")
