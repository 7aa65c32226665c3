"""``zkreceipt selftest`` through click's runner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from zkreceipt.cli.main import cli
from zkreceipt import selftest as selftest_module


def test_selftest_passes_and_reports_every_check() -> None:
    result = CliRunner().invoke(cli, ["selftest", "--size", "64", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["name"] for r in rows} >= {"Fr mul", "Fq mul", "Fr batch inverse", "Fr NTT", "Fr inverse NTT"}
    assert all(r["agrees"] for r in rows)


def test_selftest_fails_loudly_when_the_core_disagrees(monkeypatch) -> None:
    broken = selftest_module.plain.mul

    def wrong_mul(a, b, p):  # a twin that disagrees must make the command fail
        return [x + 1 for x in broken(a, b, p)]

    monkeypatch.setattr(selftest_module.plain, "mul", wrong_mul)
    result = CliRunner().invoke(cli, ["selftest", "--size", "64"])
    assert result.exit_code == 1
    assert "FAILED" in result.output


def test_selftest_rejects_a_tiny_size() -> None:
    result = CliRunner().invoke(cli, ["selftest", "--size", "2"])
    assert result.exit_code == 2
