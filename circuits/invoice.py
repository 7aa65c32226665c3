"""The invoice-transcript circuit: exact line-item amounts, a balanced ledger, memory within a limit, a commitment.

One circuit class per :class:`InvoiceShape` (task kind, ``max_items`` = N
slots); :func:`invoice_circuit_class` builds and caches it. Signals, public
ones in this order (``public_signal_names``):

=========  ===========================================================================
output     ``commitment``: the chained Poseidon commitment of ``invoice_commitment.py``
public     ``step_gas_price_fp, byte_gas_price_fp`` (nano-tokens), ``memory_limit`` (function only)
private    ``execution_id, task_id, task_created_timestamp, invoice_id, salt``;
           per slot: ``active[N], operation[N], account[N]`` and ``steps[N], peak_memory[N]``
           (function) or ``request_bytes[N], response_bytes[N]`` (API)
=========  ===========================================================================

Constraints (costs in R1CS constraints; N = max_items):

- header, 399: h₀ = Poseidon(kind, header fields, salt) (the kind is a constant, 3 fewer than 402).
- billed gas price < 2^64, 65 (step price for function tasks, byte price for API
  tasks); function tasks also ``memory_limit < 2^64``, 65.
- each slot i:
  ``active`` boolean (1); slot 0 active, later slots only after an active one:
  ``active[i]·(1 − active[i−1]) = 0`` (1); operation = pay + 2·penalty with two
  bits and ``pay·penalty = 0`` (4; charge = 1 − pay − penalty);
  amount exact: function ``steps < 2^64`` (65), ``amount = steps·step_gas_price_fp``
  (1) and ``peak_memory ≤ memory_limit`` (130: memory < 2^64 and the difference);
  API ``request, response < 2^48`` (98), ``amount = (request + response)·byte_gas_price_fp`` (1);
  ``counted = active·amount`` (1), ``signed = counted·(±1 for charge / pay or penalty)`` (1);
  ``hᵢ = active ? Poseidon(hᵢ₋₁, operation, account, usage₁, usage₂) : hᵢ₋₁`` (321 + 1).
  Per slot: 526 (function), 429 (API).
- balance: Σ signed = 0, i.e. Σ charges = Σ pays + Σ penalties (1); commitment output (1).

Total: 531 + 526·N (function), 466 + 429·N (API). No wrapping: amounts are below
2^128 (2^64·2^64; API 2^49·2^64) and N ≤ 64 of them sum below 2^134 < r, so the
balance holds over the integers. Inactive slots contribute no amount and are
skipped by the commitment chain; the statement fills them with zeros.
Header text fields, the timestamp and the unbilled gas price enter only the
commitment, so they need no range check.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

from zkreceipt.circuits.errors import PolicyError
from zkreceipt.circuits.invoice_policy import TASK_KIND_CODES, InvoiceShape

from zkreceipt.circuit import (
    Circuit,
    CircuitAPI,
    CompiledCircuit,
    PrivateInput,
    PublicInput,
    PublicOutput,
    Signal,
    Variable,
    compile_circuit,
)
from zkreceipt.circuit.gadgets import assert_less_or_equal, assert_range, poseidon_gadget, select, to_bits
from zkreceipt.receipts import TaskKind
from zkreceipt.receipts.fixed_point import GAS_PRICE_BITS, MEMORY_BITS, STEPS_BITS, TRANSFER_BYTES_BITS

HEADER_PRIVATE_INPUTS = ("execution_id", "task_id", "task_created_timestamp", "invoice_id")
GAS_PRICE_INPUTS = ("step_gas_price_fp", "byte_gas_price_fp")
USAGE_INPUTS = {TaskKind.FUNCTION: ("steps", "peak_memory"), TaskKind.API: ("request_bytes", "response_bytes")}
COMPILED_CACHE_SIZE = 16


@dataclass(frozen=True)
class InvoiceWires:
    """Internal values of a compiled invoice circuit: per-slot amounts and signed amounts, the commitment."""

    amounts: tuple[Variable, ...]
    signed_amounts: tuple[Variable, ...]
    commitment: Variable


class InvoiceCircuit(Circuit):
    """Base of the per-shape invoice circuits; get one with :func:`invoice_circuit`.

    The annotations list the signals a subclass declares: ``memory_limit``,
    ``steps`` and ``peak_memory`` for function tasks, ``request_bytes`` and
    ``response_bytes`` for API tasks; arrays have ``max_items`` elements.
    """

    shape: ClassVar[InvoiceShape | None] = None

    commitment: Variable
    step_gas_price_fp: Variable
    byte_gas_price_fp: Variable
    memory_limit: Variable
    execution_id: Variable
    task_id: Variable
    task_created_timestamp: Variable
    invoice_id: Variable
    salt: Variable
    active: list[Variable]
    operation: list[Variable]
    account: list[Variable]
    steps: list[Variable]
    peak_memory: list[Variable]
    request_bytes: list[Variable]
    response_bytes: list[Variable]

    def define(self, api: CircuitAPI) -> None:
        self.constrain(api)

    def constrain(self, api: CircuitAPI) -> InvoiceWires:
        """Add every constraint (see the module docstring) and return the internal values."""
        shape = type(self).shape
        if shape is None:
            raise PolicyError("shape", "InvoiceCircuit is a base class: use invoice_circuit(shape)")
        first_usage, second_usage = USAGE_INPUTS[shape.task_kind]
        with api.scope("header"):
            header = [getattr(self, name) for name in HEADER_PRIVATE_INPUTS]
            prices = [getattr(self, name) for name in GAS_PRICE_INPUTS]
            digest = poseidon_gadget(api, [TASK_KIND_CODES[shape.task_kind], *header, *prices, self.salt])
        amounts, signed_amounts = [], []
        for slot in range(shape.max_items):
            with api.scope(f"line item {slot}"):
                active = self.active[slot]
                is_charge = self._constrain_slot_flags(api, slot)
                amount = self._amount(api, shape, slot)
                counted = api.mul(active, amount, label="counted = active·amount")
                signed_amounts.append(api.mul(counted, 2 * is_charge - 1, label="signed = ±counted"))
                amounts.append(amount)
                usage = [getattr(self, first_usage)[slot], getattr(self, second_usage)[slot]]
                absorbed = poseidon_gadget(api, [digest, self.operation[slot], self.account[slot], *usage])
                digest = select(api, active, absorbed, digest)
        with api.scope("balance"):
            api.assert_zero(api.sum(signed_amounts), label="Σ charges = Σ pays + Σ penalties")
        api.set_output(self.commitment, digest)
        return InvoiceWires(tuple(amounts), tuple(signed_amounts), digest)

    def _constrain_slot_flags(self, api: CircuitAPI, slot: int) -> Variable:
        """``active`` is a bit and active slots come first; the operation is a valid code. Returns is_charge."""
        active = self.active[slot]
        api.assert_bool(active, label="active")
        if slot == 0:
            api.assert_equal(active, 1, label="the first line item is active")
        else:
            api.assert_product(active, 1 - self.active[slot - 1], 0, label="active slots come first")
        pay, penalty = to_bits(api, self.operation[slot], 2)
        api.assert_product(pay, penalty, 0, label="operation ∈ {charge 0, pay 1, penalty 2}")
        return 1 - pay - penalty

    def _amount(self, api: CircuitAPI, shape: InvoiceShape, slot: int) -> Variable:
        """The slot's exact amount in nano-tokens (function slots also check peak memory)."""
        if shape.task_kind is TaskKind.FUNCTION:
            assert_range(api, self.steps[slot], STEPS_BITS)
            assert_range(api, self.step_gas_price_fp, GAS_PRICE_BITS)
            assert_less_or_equal(api, self.peak_memory[slot], self.memory_limit, MEMORY_BITS)
            return api.mul(self.steps[slot], self.step_gas_price_fp, label="amount = steps·stepGasPrice")
        assert_range(api, self.request_bytes[slot], TRANSFER_BYTES_BITS)
        assert_range(api, self.response_bytes[slot], TRANSFER_BYTES_BITS)
        assert_range(api, self.byte_gas_price_fp, GAS_PRICE_BITS)
        transferred = self.request_bytes[slot] + self.response_bytes[slot]
        return api.mul(transferred, self.byte_gas_price_fp, label="amount = bytes·byteGasPrice")


def _signals(shape: InvoiceShape) -> dict[str, Signal]:
    """The declarations of the circuit for ``shape``, in the documented order."""
    signals: dict[str, Signal] = {"commitment": PublicOutput()}
    signals.update((name, PublicInput()) for name in GAS_PRICE_INPUTS)
    if shape.meters_memory:
        signals["memory_limit"] = PublicInput()
    signals.update((name, PrivateInput()) for name in (*HEADER_PRIVATE_INPUTS, "salt"))
    slot_inputs = ("active", "operation", "account", *USAGE_INPUTS[shape.task_kind])
    signals.update((name, PrivateInput(count=shape.max_items)) for name in slot_inputs)
    return signals


@functools.cache
def invoice_circuit_class(shape: InvoiceShape) -> type[InvoiceCircuit]:
    """The :class:`InvoiceCircuit` subclass that declares the signals of ``shape`` (cached)."""
    if not isinstance(shape, InvoiceShape):
        raise PolicyError("shape", f"must be an InvoiceShape, got {type(shape).__name__}")
    namespace = {"shape": shape, "__doc__": f"The invoice circuit of {shape.key}.", **_signals(shape)}
    return type("InvoiceCircuit", (InvoiceCircuit,), namespace)


def invoice_circuit(shape: InvoiceShape) -> InvoiceCircuit:
    """An instance of the invoice circuit for ``shape``, ready for ``compile_circuit``."""
    return invoice_circuit_class(shape)()


@functools.lru_cache(maxsize=COMPILED_CACHE_SIZE)
def compile_invoice_circuit(shape: InvoiceShape) -> CompiledCircuit:
    """The compiled invoice circuit of ``shape`` (compiled once per shape, then cached)."""
    return compile_circuit(invoice_circuit(shape))
