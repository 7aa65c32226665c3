"""Seed files for the reader fuzzers, every reader zkreceipt has, and the verdict on one input.

:func:`build_corpus` makes one valid file per reader with zkreceipt itself (so the seeds
follow the formats as they change): a small circuit's .r1cs, .wtns, .sym, development
.zkey, verification key, proof and public signals; a receipt bundle and an invoice
bundle proved through the CLI; the example receipt, invoice and rate table; key files;
and a power-1 prepared .ptau cut from the checked-in ceremony fixture.

:data:`READERS` maps a reader's name to its seed, its input kind (see
:mod:`fuzz_mutations`) and the function that reads a file. :func:`outcome` runs one and
classifies what happened: it read, or raised a typed error (a
:class:`~zkreceipt.errors.ZkReceiptError`), or raised anything else (a finding). Some
readers also use what they read (verify the proof, check the witness), as the CLI would.

The bundle readers come from the CLI's support modules; when the bundle format changes,
only this table needs adapting.
"""

from __future__ import annotations

import functools
import json
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from zkreceipt.errors import ZkReceiptError

PTAU_FIXTURE = Path(__file__).resolve().parents[1] / "interop" / "fixtures" / "pot10_final.ptau"
SEED_LIST = "seeds.json"


@dataclass(frozen=True)
class Reader:
    """``seed``: the seed file's name in the corpus; ``kind``: binary, json or text;
    ``read(path, corpus)``: read (and use) the file; ``private``: write inputs 0600."""

    seed: str
    kind: str
    read: Callable[[Path, Path], Any]
    private: bool = False


# --- readers ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _reference(corpus: Path) -> tuple[Any, list[int], Any]:
    """The corpus's own verification key, public signals and proof (read once)."""
    from zkreceipt.formats.snarkjs_json import read_proof, read_public_signals, read_verification_key

    return read_verification_key(corpus / "vk.json"), read_public_signals(corpus / "public.json"), read_proof(corpus / "proof.json")


def _read_proof(path: Path, corpus: Path) -> Any:
    from zkreceipt.formats.snarkjs_json import read_proof
    from zkreceipt.groth16 import verify

    vk, signals, _ = _reference(corpus)
    return verify(vk, signals, read_proof(path))


def _read_public(path: Path, corpus: Path) -> Any:
    from zkreceipt.formats.snarkjs_json import read_public_signals
    from zkreceipt.groth16 import verify

    vk, _, proof = _reference(corpus)
    return verify(vk, read_public_signals(path, expected_count=vk.n_public), proof)


def _read_vk(path: Path, corpus: Path) -> Any:
    from zkreceipt.formats.snarkjs_json import read_verification_key
    from zkreceipt.groth16 import verify

    vk = read_verification_key(path)
    _, signals, proof = _reference(corpus)
    return verify(vk, signals, proof) if len(signals) == vk.n_public else None


def _read_receipt(path: Path, corpus: Path) -> Any:
    from zkreceipt.receipts import DEFAULT_RATE_TABLE, check_pricing, read_receipt_file

    receipt = read_receipt_file(path)
    return check_pricing(receipt, DEFAULT_RATE_TABLE)


def _read_invoice(path: Path, corpus: Path) -> Any:
    from zkreceipt.cli.invoice_commands import read_invoice_file
    from zkreceipt.receipts import check_invoice

    return check_invoice(read_invoice_file(path), "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")


def _read_rates(path: Path, corpus: Path) -> Any:
    from zkreceipt.receipts import load_rate_table

    return load_rate_table(path)


def _read_bundle(path: Path, corpus: Path) -> Any:
    from zkreceipt.cli.bundle_support import read_bundle

    return read_bundle(path)


def _read_invoice_bundle(path: Path, corpus: Path) -> Any:
    from zkreceipt.cli.invoice_commands import read_invoice_bundle

    return read_invoice_bundle(path)


def _read_signing_key(path: Path, corpus: Path) -> Any:
    from zkreceipt.receipts import load_signing_key

    return load_signing_key(path)


def _read_verify_key(path: Path, corpus: Path) -> Any:
    from zkreceipt.receipts import load_verify_key

    return load_verify_key(path)


def _read_accounting_key(path: Path, corpus: Path) -> Any:
    from zkreceipt.receipts import load_accounting_key

    return load_accounting_key(path).address


def _read_r1cs(path: Path, corpus: Path) -> Any:
    from zkreceipt.formats import read_r1cs, read_wtns

    r1cs = read_r1cs(path).r1cs
    witness = read_wtns(corpus / "witness.wtns")
    return r1cs.first_unsatisfied(witness) if len(witness) == r1cs.n_wires else None


def _read_wtns(path: Path, corpus: Path) -> Any:
    from zkreceipt.formats import read_r1cs, read_wtns

    witness = read_wtns(path)
    r1cs = read_r1cs(corpus / "circuit.r1cs").r1cs
    return r1cs.first_unsatisfied(witness) if len(witness) == r1cs.n_wires else None


def _read_zkey(path: Path, corpus: Path) -> Any:
    from zkreceipt.formats.zkey_keys import read_proving_key

    return read_proving_key(path)


def _read_ptau(path: Path, corpus: Path) -> Any:
    from zkreceipt.formats import read_ptau

    return read_ptau(path)


def _read_sym(path: Path, corpus: Path) -> Any:
    from zkreceipt.formats import read_sym

    table = read_sym(path, n_wires=9)
    return [table.wire_name(wire) for wire in range(9)]


READERS: dict[str, Reader] = {
    "proof": Reader("proof.json", "json", _read_proof),
    "public": Reader("public.json", "json", _read_public),
    "vk": Reader("vk.json", "json", _read_vk),
    "receipt": Reader("receipt.json", "json", _read_receipt),
    "invoice": Reader("invoice.json", "json", _read_invoice),
    "rates": Reader("rates.json", "json", _read_rates),
    "bundle": Reader("bundle.json", "json", _read_bundle),
    "invoice_bundle": Reader("invoice_bundle.json", "json", _read_invoice_bundle),
    "signing_key": Reader("signing_key.json", "json", _read_signing_key, private=True),
    "verify_key": Reader("verify_key.json", "json", _read_verify_key),
    "accounting_key": Reader("accounting_key.json", "json", _read_accounting_key, private=True),
    "r1cs": Reader("circuit.r1cs", "binary", _read_r1cs),
    "wtns": Reader("witness.wtns", "binary", _read_wtns),
    "zkey": Reader("circuit.zkey", "binary", _read_zkey),
    "ptau": Reader("tiny.ptau", "binary", _read_ptau),
    "sym": Reader("circuit.sym", "text", _read_sym),
}


# --- one input ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """``kind``: "ok" (read), "typed" (a ZkReceiptError) or "untyped" (anything else: a finding);
    ``detail``: the error type and message, with the traceback for an untyped one."""

    kind: str
    detail: str = ""


def outcome(reader: Reader, data: bytes, path: Path, corpus: Path) -> Outcome:
    """Write ``data`` to ``path`` (0600 for private readers) and run ``reader`` on it."""
    if path.exists():
        path.unlink()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if reader.private else 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    try:
        reader.read(path, corpus)
    except ZkReceiptError as error:
        return Outcome("typed", f"{type(error).__name__}: {str(error)[:200]}")
    except Exception as error:  # noqa: BLE001 - anything untyped is what the fuzzer looks for
        return Outcome("untyped", f"{type(error).__name__}: {str(error)[:300]}\n{traceback.format_exc()}")
    return Outcome("ok")


# --- seeds ----------------------------------------------------------------------------------


def _invoke(home: Path, *args: object) -> None:
    from zkreceipt.cli.main import cli

    result = CliRunner(env={"ZKRECEIPT_HOME": str(home)}).invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, (args, result.output, result.exception)


def _tiny_ptau(path: Path) -> None:
    """A prepared power-1 .ptau whose points are the first points of each section of the fixture."""
    from zkreceipt.field import Fq
    from zkreceipt.formats.binfile import FIELD_BYTES, SectionData, int_bytes, u32, write_bin_file
    from zkreceipt.formats.ptau_file import PtauHeader, PtauReader, PtauSection

    power = 1
    tiny = PtauHeader(power, power)
    sections = [SectionData.of(PtauSection.HEADER, u32(FIELD_BYTES) + int_bytes(Fq.modulus) + u32(power) + u32(power))]
    with PtauReader(PTAU_FIXTURE) as fixture:
        for section in (*PtauSection,)[1:]:
            if section == PtauSection.HEADER:
                continue
            if section == PtauSection.CONTRIBUTIONS:
                sections.append(SectionData.of(section, fixture.contributions_raw() or b""))
                continue
            count = tiny.point_count(section)
            span = fixture._reader.require(section)
            width = span.size // fixture.header.point_count(section)
            sections.append(SectionData.of(section, fixture._reader.read_span(span, 0, count * width)))
    write_bin_file(path, "ptau", 1, sections)


def build_corpus(directory: Path) -> dict[str, Path]:
    """Write one valid seed per reader into ``directory``; {reader name: seed path}."""
    from zkreceipt.circuit import compile_circuit
    from zkreceipt.circuits.mul_chain import MulChain
    from zkreceipt.formats import R1csFile, write_r1cs, write_wtns
    from zkreceipt.formats.snarkjs_json import write_proof, write_public_signals, write_verification_key
    from zkreceipt.formats.zkey_keys import write_proving_key
    from zkreceipt.groth16 import prove, setup_development
    from zkreceipt.receipts import generate_signing_key, save_signing_key, save_verify_key
    from zkreceipt.receipts.example_files import example_path

    directory.mkdir(parents=True, exist_ok=True)
    home = directory / "home"
    compiled = compile_circuit(MulChain(6))  # 9 wires, like the .sym below
    witness = compiled.solve({"a": 3, "b": 5}).values
    pk = setup_development(compiled.r1cs)
    write_r1cs(directory / "circuit.r1cs", R1csFile.from_r1cs(compiled.r1cs, n_outputs=1, n_prv_inputs=2))
    write_wtns(directory / "witness.wtns", witness)
    write_proving_key(directory / "circuit.zkey", pk)
    write_verification_key(directory / "vk.json", pk.vk)
    write_proof(directory / "proof.json", prove(pk, witness))
    write_public_signals(directory / "public.json", witness[1 : pk.n_public + 1].to_ints())
    names = ["main.out", "main.a", "main.b", *(f"main.x[{i}]" for i in range(compiled.r1cs.n_wires - 4))]
    sym = [f"{i + 1},{i + 1},0,{name}" for i, name in enumerate(names)] + [f"{len(names) + 1},-1,1,main.gone"]
    (directory / "circuit.sym").write_text("\n".join(sym) + "\n")
    _tiny_ptau(directory / "tiny.ptau")

    for name, example in (("receipt.json", "compute_receipt.json"), ("invoice.json", "invoice_function.json")):
        (directory / name).write_bytes(example_path(example).read_bytes())
    (directory / "rates.json").write_bytes(example_path("rates.json").read_bytes())
    signing_key = generate_signing_key()
    save_signing_key(signing_key, directory / "signing_key.json", overwrite=True)
    save_verify_key(signing_key.verify_key, directory / "verify_key.json", overwrite=True)

    keys = directory / "receipt_keys"
    signed_receipt = directory / "receipt.signed.json"
    _invoke(home, "keygen")  # the home's provider key, trusted by its profile
    _invoke(home, "sign", directory / "receipt.json", "--out", signed_receipt)
    _invoke(home, "setup", "--keys-dir", keys)  # trusted too
    _invoke(home, "prove", signed_receipt, "--keys-dir", keys, "--out", directory / "bundle.json")
    _invoke(home, "invoice", "keygen", "--out", directory / "accounting_key.json")
    signed = directory / "invoice.signed.json"
    _invoke(home, "invoice", "sign", directory / "invoice.json", "--key", directory / "accounting_key.json", "--out", signed)
    _invoke(home, "invoice", "setup", "--kind", "function")
    _invoke(home, "invoice", "prove", signed, "--accounting-key", directory / "accounting_key.json", "--out", directory / "invoice_bundle.json")

    seeds = {name: directory / reader.seed for name, reader in READERS.items()}
    for name, path in seeds.items():
        assert outcome(READERS[name], path.read_bytes(), directory / f"check-{name}", directory).kind == "ok", name
    (directory / SEED_LIST).write_text(json.dumps({name: str(path) for name, path in seeds.items()}))
    return seeds
