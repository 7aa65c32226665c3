"""``zkreceipt wtns calculate``: circom's witness generator run in process, as ``snarkjs wtns calculate``.

Imports only the witness package (wasmtime, no numba): the command starts quickly.
"""

from __future__ import annotations

import click

from .common import reports_bad_input

FILE = click.Path(dir_okay=False)


@click.group("wtns")
def wtns_group() -> None:
    """circom witnesses (as ``snarkjs wtns …``)."""


@wtns_group.command("calculate")
@click.argument("wasm", default="circuit.wasm", type=FILE)
@click.argument("input_json", default="input.json", type=FILE)
@click.argument("witness", default="witness.wtns", type=FILE)
@reports_bad_input
def calculate_command(wasm: str, input_json: str, witness: str) -> None:
    """Compute WITNESS (.wtns, mode 0600) for INPUT_JSON with circom's WASM; no Node needed.

    The circuit's log(...) lines are printed; a failed assert or an input that does not fit
    the circuit exits 2 with circom's message, and nothing is written.
    """
    from ..witness import wtns_calculate

    wtns_calculate(wasm, input_json, witness, on_log=click.echo)
