"""Circuit classes and their input/output declarations.

A circuit is a subclass of :class:`Circuit` that declares its signals as class
attributes and writes its constraints in ``define``::

    class Pricing(Circuit):
        price = PublicOutput()
        rates = PublicInput(count=4)
        units = PrivateInput()
        model = PrivateInput()

        def define(self, api):
            ...

While the circuit is compiled, ``self.units`` is a :class:`Variable` and
``self.rates`` a list of four; outside compilation these attributes cannot be
read. Instance attributes set in ``__init__`` (sizes, constants) are ordinary
Python values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import CircuitError

if TYPE_CHECKING:
    from .api import CircuitAPI

_BINDINGS = "_zkreceipt_bound_signals"


class Visibility(enum.Enum):
    """Where a signal's wires go: outputs, then public inputs, then private inputs (circom's order)."""

    OUTPUT = "output"
    PUBLIC = "public"
    PRIVATE = "private"


class Signal:
    """A declared scalar (``count=None``) or fixed-length array of field elements."""

    visibility: Visibility

    def __init__(self, count: int | None = None) -> None:
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
            raise CircuitError(f"{type(self).__name__}: count must be a positive int or None, got {count!r}")
        self.count = count
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @property
    def width(self) -> int:
        """Number of wires: 1 for a scalar, ``count`` for an array."""
        return 1 if self.count is None else self.count

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        bound = instance.__dict__.get(_BINDINGS)
        if bound is None:
            raise CircuitError(
                f"{self.name!r} is a circuit signal: its variables exist only inside define() while "
                "compile_circuit runs; give values to compiled.solve({...}) instead"
            )
        return bound[self.name]

    def __set__(self, instance: object, value: object) -> None:
        raise CircuitError(
            f"{self.name!r} is a declared circuit signal and cannot be reassigned; "
            "bind an output with api.set_output(self.<output>, value)"
        )

    def __repr__(self) -> str:
        shape = "" if self.count is None else f"count={self.count}"
        return f"{type(self).__name__}({shape})"


class PublicInput(Signal):
    """A public input: its value is part of the proof's public signals."""

    visibility = Visibility.PUBLIC


class PrivateInput(Signal):
    """A private input (part of the witness only)."""

    visibility = Visibility.PRIVATE


class PublicOutput(Signal):
    """A public output: computed by the circuit (``api.set_output``), published with the proof."""

    visibility = Visibility.OUTPUT


@dataclass(frozen=True)
class SignalLayout:
    """Where a declared signal's wires are in the final witness.

    ``wires``: final wire indices, one per element (one for a scalar).
    """

    name: str
    visibility: Visibility
    count: int | None
    wires: tuple[int, ...]

    def element_names(self) -> list[str]:
        """``name`` for a scalar, ``name[i]`` for each array element."""
        return [self.name] if self.count is None else [f"{self.name}[{i}]" for i in range(self.count)]


class Circuit:
    """Base class of circuits: declare :class:`Signal` class attributes, implement ``define``."""

    def define(self, api: CircuitAPI) -> None:
        """Add the constraints, using ``api`` and the declared signals."""
        raise CircuitError(f"{type(self).__name__} must implement define(self, api)")

    @classmethod
    def signals(cls) -> list[Signal]:
        """Declared signals in declaration order (base classes first; a redefinition keeps its place)."""
        found: dict[str, Signal] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Signal):
                    found[name] = value
                elif name in found:
                    del found[name]  # a subclass replaced the declaration with something else
        return list(found.values())


def bind_signals(circuit: Circuit, values: dict[str, Any]) -> None:
    """Make the declared signals of ``circuit`` readable as ``values`` (used by the compiler)."""
    circuit.__dict__[_BINDINGS] = values
