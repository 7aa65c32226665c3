"""circom symbol files, ``.sym``: the name of every signal and the witness wire it landed on.

``circom --sym`` writes one text line per signal label, ``labelId,wireId,componentId,name``:

* ``labelId``: the label index (the ids the ``.r1cs`` wire-to-label map, section 3, refers to),
  strictly increasing;
* ``wireId``: the signal's position in the witness after circom's simplification, or −1 when
  the signal was eliminated (it equals another signal or a constant);
* ``componentId``: the template instance that declares the signal;
* ``name``: the dotted signal path, e.g. ``main.enough.lt.in[1]``.

This is what ``snarkjs r1cs print`` and ``wtns debug`` read to name wires. The file is
untrusted: every line is checked and a bad one raises :class:`SymFileError` naming the line.
Files over :data:`MAX_SYM_BYTES` are refused unread, and an id's digits are counted
before ``int()`` (at most :data:`MAX_ID_DIGITS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..errors import FileAccessError, FormatError
from ..jsonio import read_capped_bytes
from .binfile import PathLike

#: ``wireId`` of a signal circom eliminated.
ELIMINATED = -1
#: Largest id accepted (ids are held as int64; circom's are u32/u64 counts far below this).
MAX_ID = (1 << 63) - 1
#: Digits counted before ``int()``: a longer id is out of range without being converted.
MAX_ID_DIGITS = 40
#: Largest .sym file read: ~50 bytes a signal, so ~5 million signals (circom's largest
#: circuits have fewer), which parse into ~2 GB of Python objects at most.
MAX_SYM_BYTES = 256 * 1024 * 1024
_ID_TEXT = re.compile(r"-?[0-9]+")


class SymFileError(FormatError):
    """A ``.sym`` file that is not what circom writes."""


@dataclass(frozen=True, eq=False)
class SymbolTable:
    """The signals of a circom circuit, one entry per ``.sym`` line, in file order.

    ``label_ids``, ``wire_ids``, ``component_ids``: (n,) int64 (``wire_ids`` −1 where the
    signal was eliminated); ``names``: the n dotted signal names.
    """

    label_ids: np.ndarray
    wire_ids: np.ndarray
    component_ids: np.ndarray
    names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.names)

    @cached_property
    def _wire_by_name(self) -> dict[str, int]:
        return {name: int(wire) for name, wire in zip(self.names, self.wire_ids, strict=True)}

    def wire_of(self, name: str) -> int | None:
        """The witness wire of signal ``name``; None when circom eliminated it.

        Raises KeyError for a name the circuit does not have.
        """
        wire = self._wire_by_name[name]
        return None if wire == ELIMINATED else wire

    @cached_property
    def wire_names(self) -> dict[int, str]:
        """Wire → the first signal name circom gave it (several signals may share a wire)."""
        names: dict[int, str] = {}
        for name, wire in zip(self.names, self.wire_ids.tolist(), strict=True):
            if wire != ELIMINATED:
                names.setdefault(wire, name)
        return names

    def wire_name(self, wire: int) -> str:
        """A readable name for ``wire``: its signal name, ``one`` for wire 0, else ``wire<i>``."""
        if wire == 0:
            return "one"
        return self.wire_names.get(wire, f"wire{wire}")


def _parse_id(text: str, what: str, where: str, minimum: int) -> int:
    text = text.strip()
    if not _ID_TEXT.fullmatch(text):
        raise SymFileError(f"{where}: {what} {text[:40]!r} is not an integer")
    if len(text) > MAX_ID_DIGITS:
        raise SymFileError(f"{where}: {what} of {len(text)} digits is out of range")
    value = int(text, 10)
    if not minimum <= value <= MAX_ID:
        raise SymFileError(f"{where}: {what} {value} is out of range")
    return value


def parse_sym(text: str, source: str = "<sym>", *, n_wires: int | None = None) -> SymbolTable:
    """Parse ``.sym`` text. ``n_wires`` (from the ``.r1cs`` header), when given, bounds the wire ids."""
    labels: list[int] = []
    wires: list[int] = []
    components: list[int] = []
    names: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{source}: line {number}"
        if not line.strip():
            continue
        fields = line.split(",", 3)
        if len(fields) != 4:
            raise SymFileError(f"{where}: expected labelId,wireId,componentId,name, got {line[:80]!r}")
        label = _parse_id(fields[0], "labelId", where, 0)
        wire = _parse_id(fields[1], "wireId", where, ELIMINATED)
        component = _parse_id(fields[2], "componentId", where, 0)
        name = fields[3].strip()
        if labels and label <= labels[-1]:
            raise SymFileError(f"{where}: labelId {label} does not follow {labels[-1]} (ids must increase)")
        if n_wires is not None and wire >= n_wires:
            raise SymFileError(f"{where}: wireId {wire} is not below the circuit's {n_wires} wires")
        if not name:
            raise SymFileError(f"{where}: the signal name is empty")
        if name in seen:
            raise SymFileError(f"{where}: signal {name!r} appears twice")
        seen.add(name)
        labels.append(label)
        wires.append(wire)
        components.append(component)
        names.append(name)
    return SymbolTable(
        np.array(labels, dtype=np.int64),
        np.array(wires, dtype=np.int64),
        np.array(components, dtype=np.int64),
        tuple(names),
    )


def read_sym(path: PathLike, *, n_wires: int | None = None) -> SymbolTable:
    """Read and validate a circom ``.sym`` file (see :func:`parse_sym`)."""
    data = read_capped_bytes(path, MAX_SYM_BYTES, SymFileError, "symbol file", access_error=FileAccessError)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SymFileError(f"{path}: not UTF-8 text (byte {error.start})") from None
    return parse_sym(text, str(path), n_wires=n_wires)
