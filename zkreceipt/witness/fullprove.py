"""``groth16 fullprove``: the witness from circom's WebAssembly, then a Groth16 proof with a snarkjs zkey.

As snarkjs's ``groth16FullProve``: the witness stays in memory (never written), and the
public signals are witness wires 1 … ℓ (outputs, then public inputs: public.json order).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from .calculator import WitnessCalculator
from .errors import WasmModuleError
from .inputs import read_input_file

if TYPE_CHECKING:
    from ..groth16 import Proof


def groth16_fullprove(
    input_json: str | os.PathLike[str],
    wasm: str | os.PathLike[str],
    zkey: str | os.PathLike[str],
    *,
    on_log: Callable[[str], None] | None = None,
) -> tuple[Proof, list[int]]:
    """(proof, public signals) for ``input_json`` on the circuit ``wasm`` with the proving key ``zkey``."""
    from ..field import Fr
    from ..formats.zkey_keys import read_proving_key
    from ..groth16 import prove

    signals = read_input_file(input_json)
    calculator = WitnessCalculator(wasm)
    pk = read_proving_key(zkey)
    witness = calculator.calculate(signals, source=os.fspath(input_json), on_log=on_log)
    if witness.prime != Fr.modulus:
        raise WasmModuleError(f"{calculator.path}: the circuit's field is not BN254's scalar field, the zkey's")
    values = Fr.from_bytes(witness.data)
    return prove(pk, values), values[1 : pk.n_public + 1].to_ints()


__all__ = ["groth16_fullprove"]
