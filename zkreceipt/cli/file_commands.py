"""``zkreceipt r1cs info`` (as snarkjs); the ``zkey`` commands live in :mod:`.zkey_commands`."""

from __future__ import annotations

import click

from ..formats import read_r1cs
from .common import reports_bad_input

FILE = click.Path(dir_okay=False)


@click.group("r1cs")
def r1cs_group() -> None:
    """Inspect circom .r1cs files."""


@r1cs_group.command("info")
@click.argument("r1cs", default="circuit.r1cs", type=FILE)
@reports_bad_input
def r1cs_info(r1cs: str) -> None:
    """Counts of wires, constraints and inputs of R1CS (as ``snarkjs r1cs info``)."""
    header = read_r1cs(r1cs).header
    click.echo("Curve: bn-128")
    click.echo(f"# of Wires: {header.n_wires}")
    click.echo(f"# of Constraints: {header.n_constraints}")
    click.echo(f"# of Private Inputs: {header.n_prv_inputs}")
    click.echo(f"# of Public Inputs: {header.n_pub_inputs}")
    click.echo(f"# of Labels: {header.n_labels}")
    click.echo(f"# of Outputs: {header.n_outputs}")
