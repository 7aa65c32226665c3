"""The compute-receipt circuit: priced, timed, within its usage, rate bound to the model, committed.

One circuit class per :class:`ReceiptDisclosure` (signals are declared on the
class, so :func:`receipt_circuit_class` builds and caches a subclass per
disclosure). Signals, public ones in this order (``public_signal_names``):

=========  ==========================================================================
output     ``commitment`` = Poseidon(11) of the receipt fields (``RECEIPT_FIELD_ORDER``)
           and ``salt``: equal to ``zkreceipt.receipts.receipt_commitment(receipt, salt)``
public     ``not_before, not_after, max_duration, gpu_count`` (the policy)
public     ``rate_fp`` (``PUBLIC_RATE``) or ``rate_table_root`` (``RATE_TABLE``)
public     the disclosed receipt fields, in ``RECEIPT_FIELD_ORDER``
private    the other receipt fields, in ``RECEIPT_FIELD_ORDER``; ``salt``; for ``RATE_TABLE``
           also ``rate_fp``, ``rate_path_siblings[depth]``, ``rate_path_bits[depth]``
=========  ==========================================================================

Constraints (cost in R1CS constraints; every bound is proven, so nothing wraps mod r):

1. pricing, 210: ``units_fp·rate_fp = q·1000 + rem``, ``0 ≤ rem < 1000``,
   ``units_fp, rate_fp < 2^48``, ``q < 2^87`` (``fixed_mul``: 49 + 49 + 88 + 22 + 1),
   and ``price_fp = q`` (1). Products stay below 2^96 < r.
2. time, 369: ``started_at, completed_at, not_before, not_after, max_duration < 2^40``
   (5 × 41), ``not_before ≤ started_at ≤ completed_at ≤ not_after`` (3 × 41) and
   ``duration = completed_at − started_at ≤ max_duration`` (41).
3. usage, 85: ``gpu_count < 2^16`` (17), ``gpu_seconds = duration·gpu_count`` (1),
   ``units_fp ≤ gpu_seconds·UNITS_SCALE`` (67; both sides < 2^66).
4. rate binding: ``PUBLIC_RATE`` 0 (the public rate is range-checked in 1);
   ``RATE_TABLE`` 242·depth + 241: leaf = Poseidon(model, rate_fp) (240), its
   Merkle path (242 per level), the root equals ``rate_table_root`` (1).
5. commitment, 466: Poseidon(11) (465) bound to the output (1).

Total: 1130 for ``PUBLIC_RATE``, 1371 + 242·depth for ``RATE_TABLE`` (2339 at depth 4).
Text fields (ids, provider, client, model, unit type) enter only the hashes,
so any field element is accepted for them; the statement builder derives them
with ``text_to_field``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

from zkreceipt.circuits.errors import PolicyError
from zkreceipt.circuits.ordering import assert_le_in_range
from zkreceipt.circuits.receipt_policy import GPU_COUNT_BITS, POLICY_INPUT_NAMES, ReceiptDisclosure

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
from zkreceipt.circuit.gadgets import (
    FixedMulResult,
    assert_less_or_equal,
    assert_merkle_inclusion,
    assert_range,
    fixed_mul,
    poseidon_gadget,
)
from zkreceipt.receipts import RECEIPT_FIELD_ORDER
from zkreceipt.receipts.fixed_point import RATE_BITS, TIMESTAMP_BITS, UNITS_BITS, UNITS_SCALE

USAGE_BITS = (((1 << TIMESTAMP_BITS) - 1) * ((1 << GPU_COUNT_BITS) - 1) * UNITS_SCALE).bit_length()  # 66
COMPILED_CACHE_SIZE = 16


@dataclass(frozen=True)
class ReceiptWires:
    """Internal values of a compiled receipt circuit, for ``CompiledCircuit.evaluate``/``wire_index``.

    ``rate_leaf`` is None under ``PUBLIC_RATE``.
    """

    pricing: FixedMulResult
    duration: Variable
    gpu_seconds: Variable
    rate_leaf: Variable | None
    commitment: Variable


class ReceiptCircuit(Circuit):
    """Base of the per-disclosure receipt circuits; get one with :func:`receipt_circuit`.

    The annotations list the signals a subclass declares (public or private as
    its disclosure says); the ``rate_table_*``/``rate_path_*`` ones exist under
    ``RATE_TABLE`` only.
    """

    disclosure: ClassVar[ReceiptDisclosure | None] = None

    commitment: Variable
    not_before: Variable
    not_after: Variable
    max_duration: Variable
    gpu_count: Variable
    receipt_id: Variable
    job_id: Variable
    provider: Variable
    client: Variable
    model: Variable
    unit_type: Variable
    units_fp: Variable
    price_fp: Variable
    started_at: Variable
    completed_at: Variable
    salt: Variable
    rate_fp: Variable
    rate_table_root: Variable
    rate_path_siblings: list[Variable]
    rate_path_bits: list[Variable]

    def define(self, api: CircuitAPI) -> None:
        self.constrain(api)

    def constrain(self, api: CircuitAPI) -> ReceiptWires:
        """Add every constraint (see the module docstring) and return the internal values."""
        disclosure = type(self).disclosure
        if disclosure is None:
            raise PolicyError("disclosure", "ReceiptCircuit is a base class: use receipt_circuit(disclosure)")
        with api.scope("pricing"):
            pricing = fixed_mul(api, self.units_fp, self.rate_fp, UNITS_SCALE, UNITS_BITS, RATE_BITS)
            api.assert_equal(pricing.quotient, self.price_fp, label="price_fp = ⌊units_fp·rate_fp / 1000⌋")
        with api.scope("time"):
            duration = self._constrain_time(api)
        with api.scope("usage"):
            assert_range(api, self.gpu_count, GPU_COUNT_BITS)
            gpu_seconds = api.mul(duration, self.gpu_count, label="gpu_seconds = duration·gpu_count")
            # units_fp < 2^48 (pricing), gpu_seconds·1000 < 2^40·2^16·1000 < 2^66 (time, range above)
            assert_le_in_range(api, self.units_fp, gpu_seconds * UNITS_SCALE, USAGE_BITS)
        rate_leaf = None
        if disclosure.uses_rate_table:
            with api.scope("rate table"):
                rate_leaf = poseidon_gadget(api, [self.model, self.rate_fp])
                assert_merkle_inclusion(
                    api, rate_leaf, self.rate_path_siblings, self.rate_path_bits, self.rate_table_root
                )
        with api.scope("commitment"):
            commitment = poseidon_gadget(api, [*(getattr(self, name) for name in RECEIPT_FIELD_ORDER), self.salt])
            api.set_output(self.commitment, commitment)
        return ReceiptWires(pricing, duration, gpu_seconds, rate_leaf, commitment)

    def _constrain_time(self, api: CircuitAPI) -> Variable:
        """The window and ordering checks; returns duration = completed_at − started_at (< 2^40)."""
        assert_less_or_equal(api, self.not_before, self.started_at, TIMESTAMP_BITS)
        assert_less_or_equal(api, self.started_at, self.completed_at, TIMESTAMP_BITS)
        assert_less_or_equal(api, self.completed_at, self.not_after, TIMESTAMP_BITS)
        duration = self.completed_at - self.started_at
        assert_range(api, self.max_duration, TIMESTAMP_BITS)
        # duration ∈ [0, 2^40): started_at ≤ completed_at, both < 2^40, proven just above
        assert_le_in_range(api, duration, self.max_duration, TIMESTAMP_BITS)
        return duration


def _signals(disclosure: ReceiptDisclosure) -> dict[str, Signal]:
    """The declarations of the circuit for ``disclosure``, in the documented order."""
    signals: dict[str, Signal] = {"commitment": PublicOutput()}
    signals.update((name, PublicInput()) for name in POLICY_INPUT_NAMES)
    signals["rate_table_root" if disclosure.uses_rate_table else "rate_fp"] = PublicInput()
    signals.update((name, PublicInput()) for name in disclosure.public_fields)
    signals.update((name, PrivateInput()) for name in disclosure.private_fields)
    signals["salt"] = PrivateInput()
    if disclosure.uses_rate_table:
        signals["rate_fp"] = PrivateInput()
        signals["rate_path_siblings"] = PrivateInput(count=disclosure.rate_table_depth)
        signals["rate_path_bits"] = PrivateInput(count=disclosure.rate_table_depth)
    return signals


@functools.cache
def receipt_circuit_class(disclosure: ReceiptDisclosure) -> type[ReceiptCircuit]:
    """The :class:`ReceiptCircuit` subclass that declares the signals of ``disclosure`` (cached)."""
    if not isinstance(disclosure, ReceiptDisclosure):
        raise PolicyError("disclosure", f"must be a ReceiptDisclosure, got {type(disclosure).__name__}")
    namespace = {
        "disclosure": disclosure,
        "__doc__": f"The receipt circuit of {disclosure.key}.",
        **_signals(disclosure),
    }
    return type("ReceiptCircuit", (ReceiptCircuit,), namespace)


def receipt_circuit(disclosure: ReceiptDisclosure) -> ReceiptCircuit:
    """An instance of the receipt circuit for ``disclosure``, ready for ``compile_circuit``."""
    return receipt_circuit_class(disclosure)()


@functools.lru_cache(maxsize=COMPILED_CACHE_SIZE)
def compile_receipt_circuit(disclosure: ReceiptDisclosure) -> CompiledCircuit:
    """The compiled receipt circuit of ``disclosure`` (compiled once per disclosure, then cached)."""
    return compile_circuit(receipt_circuit(disclosure))
