"""A small circuit and truncated powers-of-tau files for the phase-2 setup tests (no Node)."""

from __future__ import annotations

from pathlib import Path

from zkreceipt.circuits.mul_chain import MulChain

from zkreceipt.circuit import compile_circuit
from zkreceipt.field import FieldVector
from zkreceipt.formats.binfile import G1_BYTES, G2_BYTES, BinFileReader, SectionData, write_bin_file
from zkreceipt.formats.ptau_file import LAGRANGE_SECTIONS, MAGIC, SECTION_NAMES, VERSION, PtauHeader, PtauSection
from zkreceipt.r1cs import R1CS

#: The checked-in power-10 ceremony (snarkjs powersoftau new/contribute/prepare phase2).
POT10 = Path(__file__).parents[1] / "interop" / "fixtures" / "pot10_final.ptau"
G2_SECTIONS = {PtauSection.TAU_G2, PtauSection.BETA_G2, PtauSection.LAGRANGE_TAU_G2}


def mul_chain(length: int = 6) -> tuple[R1CS, FieldVector]:
    """MulChain(length) and its witness for a = 3, b = 5."""
    compiled = compile_circuit(MulChain(length))
    return compiled.r1cs, compiled.solve({"a": 3, "b": 5}).values


def truncated_ptau(path: Path, power: int, *, prepared: bool = True) -> Path:
    """A valid ptau of a smaller ``power`` cut out of POT10: every point section of a
    power-p file is a prefix of the power-10 one (Lagrange block k starts at 2^k − 1)."""
    with BinFileReader(POT10, MAGIC, {VERSION}, SECTION_NAMES) as source:
        header = source.section_bytes(PtauSection.HEADER)
        ceremony_power = int.from_bytes(header[-4:], "little")
        small = PtauHeader(power, ceremony_power)
        sections = [SectionData.of(PtauSection.HEADER, header[:-8] + power.to_bytes(4, "little") + header[-4:])]
        for section in PtauSection:
            if section == PtauSection.HEADER or (not prepared and section in LAGRANGE_SECTIONS):
                continue
            data = source.section_bytes(section)
            if section != PtauSection.CONTRIBUTIONS:
                data = data[: small.point_count(section) * (G2_BYTES if section in G2_SECTIONS else G1_BYTES)]
            sections.append(SectionData.of(section, data))
    write_bin_file(path, MAGIC, VERSION, sections)
    return path
