"""circom's witness generator (``circuit.wasm``) run in process with wasmtime: no Node needed.

``wtns_calculate(wasm, input_json, wtns)`` writes the same bytes as ``snarkjs wtns calculate``;
``groth16_fullprove(input_json, wasm, zkey)`` proves from an input as ``snarkjs groth16
fullprove``. :class:`WitnessCalculator` compiles a module once for many inputs. Modules:
``inputs`` (input JSON → signals), ``runtime`` (the module under wasmtime, circom's runtime
imports), ``calculator`` (the witness protocol, ``.wtns`` bytes), ``fullprove``.

wasmtime is the optional extra ``zkreceipt[circom]``; without it these raise
:class:`WasmRuntimeMissingError`. Errors: :class:`WitnessInputError` (input JSON, or inputs
that do not fit the circuit), :class:`CircuitAssertionError` (the circuit refused the input:
circom's "Assert Failed." with its template and line), :class:`WasmModuleError` (the module).
"""

from __future__ import annotations

from .calculator import CircomWitness, WitnessCalculator, calculate_witness, fnv1a_64, wtns_calculate
from .errors import CircuitAssertionError, WasmModuleError, WasmRuntimeMissingError, WitnessInputError
from .fullprove import groth16_fullprove
from .inputs import InputSignal, input_signals, read_input_file

__all__ = [
    "CircomWitness",
    "CircuitAssertionError",
    "InputSignal",
    "WasmModuleError",
    "WasmRuntimeMissingError",
    "WitnessCalculator",
    "WitnessInputError",
    "calculate_witness",
    "fnv1a_64",
    "groth16_fullprove",
    "input_signals",
    "read_input_file",
    "wtns_calculate",
]
