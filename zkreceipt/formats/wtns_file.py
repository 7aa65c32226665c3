"""circom/snarkjs witness files, ``.wtns`` version 2.

Container: :mod:`zkreceipt.formats.binfile`, magic ``"wtns"``. Sections
(``snarkjs/src/wtns_utils.js``; circom's ``witness_calculator.js`` writes the same bytes):

* 1 header (40 bytes): ``n8 u32`` (= 32), ``prime[n8]`` (= r), ``nWitness u32``.
* 2 values: ``nWitness × n8`` bytes, each a **standard-form** little-endian Fr element;
  value 0 is the constant 1 (wire order as in the ``.r1cs``).

A witness holds the private inputs, so :func:`write_wtns` writes it with mode 0600.
"""

from __future__ import annotations

from enum import IntEnum

from ..errors import FieldMismatchError
from ..field import FieldVector, Fr
from .binfile import FIELD_BYTES, BinFileReader, PathLike, SectionData, int_bytes, u32, write_bin_file

MAGIC = "wtns"
VERSION = 2


class WtnsSection(IntEnum):
    HEADER = 1
    VALUES = 2


SECTION_NAMES = {WtnsSection.HEADER: "header", WtnsSection.VALUES: "witness values"}


def read_wtns(path: PathLike) -> FieldVector:
    """The witness of a ``.wtns`` file as an Fr vector (every value checked < r)."""
    with BinFileReader(path, MAGIC, {VERSION}, SECTION_NAMES) as reader:
        header = reader.cursor(WtnsSection.HEADER)
        header.prime(Fr.modulus, "prime")
        n_witness = header.u32("nWitness")
        header.expect_end()
        values = reader.cursor(WtnsSection.VALUES)
        witness = values.field_standard(Fr, n_witness, "witness values")
        values.expect_end()
    return witness


def write_wtns(path: PathLike, witness: FieldVector) -> None:
    """Write ``witness`` (an Fr vector, wire 0 first) as a snarkjs-compatible ``.wtns`` (mode 0600)."""
    if witness.field is not Fr:
        raise FieldMismatchError(f"{path}: a witness is a vector over Fr, got one over {witness.field.name}")
    header = u32(FIELD_BYTES) + int_bytes(Fr.modulus) + u32(len(witness))
    sections = [
        SectionData.of(WtnsSection.HEADER, header),
        SectionData.of(WtnsSection.VALUES, witness.to_bytes("little")),
    ]
    write_bin_file(path, MAGIC, VERSION, sections, private=True)
