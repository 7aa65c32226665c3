"""The root command group; each sub-command lives in its own module and is registered here."""

from __future__ import annotations

import os

import click

from .. import __version__
from .file_commands import r1cs_group, zkey_group
from .groth16_commands import groth16
from .receipt_commands import receipt_cli_commands
from .selftest_command import selftest


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zkreceipt")
def cli() -> None:
    """Groth16 proofs over BN254 for compute receipts (snarkjs-compatible)."""


cli.add_command(selftest)
cli.add_command(groth16)
cli.add_command(r1cs_group)
cli.add_command(zkey_group)
for command in receipt_cli_commands():
    cli.add_command(command)


def main() -> None:
    # Idle OpenMP worker threads otherwise spin after each parallel kernel, taking a core
    # from other processes on small machines; the runtime reads this when it first starts.
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    cli(prog_name="zkreceipt")
