"""circom and snarkjs files.

Binary files share the iden3 container (:mod:`.binfile`); one module per file type:

* :mod:`.r1cs_file`: circom ``.r1cs`` ↔ :class:`zkreceipt.r1cs.R1CS` (:func:`read_r1cs`, :func:`write_r1cs`)
* :mod:`.wtns_file`: ``.wtns`` ↔ Fr vector (:func:`read_wtns`, :func:`write_wtns`)
* :mod:`.zkey_file`: snarkjs Groth16 ``.zkey`` ↔ :class:`Groth16Zkey` (:func:`read_zkey`, :func:`write_zkey`)
* :mod:`.ptau_file`: snarkjs ``.ptau`` (:class:`PtauReader`, :func:`read_ptau`)
* :mod:`.sym_file`: circom ``.sym`` signal names (:func:`read_sym` → :class:`SymbolTable`)
* :mod:`.snarkjs_json`: verification key, proof and public-signal JSON

Every reader treats its input as untrusted and raises a
:class:`~zkreceipt.errors.FormatError` subclass naming the file and section.
"""

from __future__ import annotations

from .binfile import BinFileError, InvalidFieldElementError, InvalidPointError, TruncatedFileError
from .ptau_file import Ptau, PtauHeader, PtauReader, PtauTooSmallError, read_ptau
from .r1cs_file import R1csFile, R1csHeader, read_r1cs, write_r1cs
from .sym_file import SymbolTable, SymFileError, read_sym
from .wtns_file import read_wtns, write_wtns
from .zkey_file import (
    Groth16Zkey,
    ZkeyCoefficients,
    ZkeyContribution,
    ZkeyContributions,
    read_zkey,
    write_zkey,
)

__all__ = [
    "BinFileError",
    "Groth16Zkey",
    "InvalidFieldElementError",
    "InvalidPointError",
    "Ptau",
    "PtauHeader",
    "PtauReader",
    "PtauTooSmallError",
    "R1csFile",
    "R1csHeader",
    "SymFileError",
    "SymbolTable",
    "TruncatedFileError",
    "ZkeyCoefficients",
    "ZkeyContribution",
    "ZkeyContributions",
    "read_ptau",
    "read_r1cs",
    "read_sym",
    "read_wtns",
    "read_zkey",
    "write_r1cs",
    "write_wtns",
    "write_zkey",
]
