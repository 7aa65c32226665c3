"""Typed errors of the circom witness calculator (all :class:`~zkreceipt.errors.ZkReceiptError`: CLI exit 2)."""

from __future__ import annotations

from ..errors import CircuitError, FormatError, ZkReceiptError


class WitnessInputError(FormatError):
    """The input JSON is malformed, or does not fit the circuit's input signals (circom's message)."""


class CircuitAssertionError(CircuitError):
    """The circuit refused the input while computing: a failed ``assert`` or another runtime error
    the witness generator reports (circom's message, with the template and line it gives)."""


class WasmModuleError(FormatError):
    """The file is not a circom 2 witness generator wasmtime can run, or it misbehaved (trap, bad count)."""


class WasmRuntimeMissingError(ZkReceiptError):
    """wasmtime, the optional dependency that runs circom's WebAssembly, is not installed."""
