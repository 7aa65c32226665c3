"""The few pieces of the Solidity ABI the registry needs: selectors, words, arrays, revert reasons.

Every value is a ``uint256`` word (32 bytes, big-endian) or an address (a word holding 20
bytes); a dynamic array of static arrays is encoded as its length then its words inline,
behind an offset in the head (Solidity ABI specification, "Formal Specification of the
Encoding"). Selectors and error ids are the first 4 bytes of the Keccak-256 of the canonical
signature.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..keccak import keccak256
from .inputs import RegistryError

WORD_BYTES = 32
_ADDRESS = re.compile("0x[0-9a-fA-F]{40}")


def selector(signature: str) -> bytes:
    """The 4-byte id of a function or error ``signature`` such as ``anchor(uint256[8],uint256[8])``."""
    return keccak256(signature.encode("ascii"))[:4]


def word(value: int) -> bytes:
    """``value`` as one ABI word; RegistryError unless 0 ≤ value < 2^256."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 256:
        raise RegistryError(f"ABI word {value!r:.80} is not an int in [0, 2^256)")
    return value.to_bytes(WORD_BYTES, "big")


def words(values: Iterable[int]) -> bytes:
    return b"".join(word(v) for v in values)


def address_value(address: str) -> int:
    """A 0x-prefixed 20-byte hex address as an int (its ABI word); RegistryError if it is not one."""
    if not isinstance(address, str) or not _ADDRESS.fullmatch(address):
        raise RegistryError(f"address {address!r:.80} is not 0x followed by 40 hex digits")
    return int(address, 16)


#: An argument: an int is a ``uint256`` (or address) word, a tuple a static array (its words
#: inline), a list a dynamic array of ints or tuples (an offset in the head; length and words after).
Argument = int | tuple[Any, ...] | list[Any]


def encode_arguments(arguments: Sequence[Argument]) -> bytes:
    """The ABI encoding of ``arguments`` (see :data:`Argument`), without a selector."""
    head_size = sum(WORD_BYTES if isinstance(a, list) else len(_flat(a)) * WORD_BYTES for a in arguments)
    head, tail = b"", b""
    for argument in arguments:
        if isinstance(argument, list):
            head += word(head_size + len(tail))
            tail += word(len(argument)) + words(v for item in argument for v in _flat(item))
        else:
            head += words(_flat(argument))
    return head + tail


def call_data(signature: str, arguments: Sequence[Argument]) -> bytes:
    """A call's data: the selector of ``signature``, then ``arguments`` ABI-encoded."""
    return selector(signature) + encode_arguments(arguments)


def _flat(value: Argument) -> list[int]:
    if isinstance(value, tuple):
        return [v for item in value for v in _flat(item)]
    if isinstance(value, list):
        raise RegistryError("ABI: a dynamic array inside an array is not supported here")
    return [value]


def decode_words(data: bytes) -> list[int]:
    """``data`` as a list of words; RegistryError if it is not a whole number of words."""
    if len(data) % WORD_BYTES:
        raise RegistryError(f"ABI data of {len(data)} bytes is not a whole number of words")
    return [int.from_bytes(data[i : i + WORD_BYTES], "big") for i in range(0, len(data), WORD_BYTES)]


def revert_reason(data: bytes, error_signatures: Sequence[str]) -> str:
    """A revert's data as text: ``Name(arg, …)`` for a custom error among ``error_signatures``
    (uint arguments in decimal, addresses in hex); ``"(no data)"`` or the raw hex otherwise."""
    if not data:
        return "(no data)"
    for signature in error_signatures:
        if data[:4] == selector(signature):
            kinds = signature[signature.index("(") + 1 : -1].split(",") if not signature.endswith("()") else []
            values = decode_words(data[4:])
            if len(values) != len(kinds):
                break
            shown = [f"0x{v:040x}" if kind == "address" else str(v) for kind, v in zip(kinds, values)]
            return f"{signature[: signature.index('(')]}({', '.join(shown)})"
    return "0x" + data.hex()
