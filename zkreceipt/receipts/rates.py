"""The rate table: tokens per unit for each model, the ``rate`` in ``price = units × rate``.

The default table holds the published rates (llama3.2 2.0, llama3.2:1b 0.5,
codellama 2.5, stable-diffusion 5.0 tokens per unit). A deployment replaces it
with a JSON file ``{"rates": {"<model>": <rate>, ...}}`` (rates as JSON numbers
or decimal strings, at most 6 places, positive, below 2^48 micro-tokens),
passed explicitly or named by the environment variable ``ZKRECEIPT_RATES``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from ..errors import ReceiptError
from .errors import UnknownModelError
from .fixed_point import RATE_BITS, TOKEN_DECIMALS, TOKEN_SCALE, fixed_to_decimal, fixed_to_text
from .json_input import FieldReader, JsonSource, load_document, read_document_file
from .validation import require_text, require_uint

RATES_ENVIRONMENT_VARIABLE = "ZKRECEIPT_RATES"
MAX_MODELS = 1024


@dataclass(frozen=True)
class RateTable:
    """Rates in micro-tokens per unit, by model name (read-only)."""

    rates_fp: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.rates_fp, Mapping):
            raise ReceiptError(f"rates: must be a mapping of model to rate, got {type(self.rates_fp).__name__}")
        if not self.rates_fp:
            raise ReceiptError("rates: the rate table is empty")
        if len(self.rates_fp) > MAX_MODELS:
            raise ReceiptError(f"rates: {len(self.rates_fp)} models; at most {MAX_MODELS} are allowed")
        for model, rate_fp in self.rates_fp.items():
            require_text(f"rates model name {model!r:.40}", model)
            require_uint(f"rates.{model}", rate_fp, RATE_BITS, TOKEN_DECIMALS)
            if rate_fp == 0:
                raise ReceiptError(f"rates.{model}: a rate must be positive")
        object.__setattr__(self, "rates_fp", MappingProxyType(dict(sorted(self.rates_fp.items()))))

    @property
    def models(self) -> tuple[str, ...]:
        """The models with a rate, sorted."""
        return tuple(self.rates_fp)

    def rate_fp(self, model: str) -> int:
        """The rate of ``model`` in micro-tokens per unit; UnknownModelError if it has none."""
        try:
            return self.rates_fp[model]
        except (KeyError, TypeError):
            raise UnknownModelError(
                f"model: {model!r:.80} has no rate in the rate table (known models: {', '.join(self.models)})"
            ) from None

    def rate(self, model: str) -> Decimal:
        """The rate of ``model`` in tokens per unit, exactly."""
        return fixed_to_decimal(self.rate_fp(model), TOKEN_DECIMALS)

    def to_dict(self) -> dict[str, dict[str, str]]:
        """The table in the JSON file format (rates as 6-place decimal strings)."""
        return {"rates": {model: fixed_to_text(rate, TOKEN_DECIMALS) for model, rate in self.rates_fp.items()}}


DEFAULT_RATE_TABLE = RateTable(
    {
        "llama3.2": 2 * TOKEN_SCALE,
        "llama3.2:1b": TOKEN_SCALE // 2,
        "codellama": 5 * TOKEN_SCALE // 2,
        "stable-diffusion": 5 * TOKEN_SCALE,
    }
)


def parse_rate_table(source: JsonSource) -> RateTable:
    """A validated rate table from JSON text, bytes or a mapping in the ``{"rates": {...}}`` format."""
    reader = FieldReader(load_document(source, "rate table"), "", "rate table")
    reader.check_fields(("rates",))
    rates = reader.child("rates")
    models = list(reader.raw("rates"))
    return RateTable({model: rates.fixed(model, TOKEN_DECIMALS) for model in models})


def load_rate_table(path: str | Path) -> RateTable:
    """The rate table in the JSON file ``path``; ReceiptError naming the file on any problem."""
    data = read_document_file(path, "rate table")
    try:
        return parse_rate_table(data)
    except ReceiptError as error:
        raise type(error)(f"{path}: {error}") from None


def active_rate_table(path: str | Path | None = None) -> RateTable:
    """The table at ``path``, else the file named by ``ZKRECEIPT_RATES``, else the default table."""
    chosen = path if path is not None else os.environ.get(RATES_ENVIRONMENT_VARIABLE)
    return load_rate_table(chosen) if chosen else DEFAULT_RATE_TABLE
