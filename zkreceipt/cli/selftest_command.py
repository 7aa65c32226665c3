"""``zkreceipt selftest``: cross-check the compiled core against its plain twins."""

from __future__ import annotations

import json
import sys

import click

from ..selftest import run_selftest


@click.command()
@click.option("--size", "-n", default=1 << 14, show_default=True, help="elements per check")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def selftest(size: int, as_json: bool) -> None:
    """Cross-check the fast field core against Python ints and print throughput."""
    if size < 8:
        raise click.BadParameter("must be at least 8", param_hint="--size")
    results = run_selftest(size)
    if as_json:
        click.echo(json.dumps([r.__dict__ | {"speedup": r.speedup} for r in results], indent=2))
    else:
        click.echo(f"{'check':<28}{'n':>8}  {'ok':<4}{'compiled':>12}{'python-int':>12}{'speed-up':>10}")
        for r in results:
            click.echo(
                f"{r.name:<28}{r.n:>8}  {'yes' if r.agrees else 'NO':<4}"
                f"{r.compiled_seconds * 1e3:>10.2f}ms{r.twin_seconds * 1e3:>10.2f}ms{r.speedup:>9.1f}×"
            )
    if not all(r.agrees for r in results):
        click.echo("selftest FAILED: the compiled core disagrees with its twin", err=True)
        sys.exit(1)
