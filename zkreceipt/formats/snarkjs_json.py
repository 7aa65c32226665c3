"""snarkjs's JSON files: ``verification_key.json``, ``proof.json``, ``public.json``.

Field elements and coordinates are decimal strings; points are projective with
z = "1" (G1) or ["1", "0"] (G2), G2 coordinates as [c0, c1] (see
shared/reference/FORMATS.md). Readers validate everything (shape, decimal digits,
ranges, curve and subgroup membership) and raise :class:`FormatError` naming the
file and the entry at fault.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..curve import G1Points, G2Points
from ..errors import CurveError, FormatError
from ..fileio import write_file_atomically
from ..field import Fr
from ..groth16.data_structures import Proof, VerifyingKey

#: Refuse JSON files larger than this (a verification key for 100k public inputs is ~30 MB).
MAX_JSON_BYTES = 64 * 1024 * 1024

T = TypeVar("T")


def read_json(path: str | Path) -> Any:
    """Parse a JSON file; FormatError if it is unreadable, too large or not JSON."""
    source = Path(path)
    try:
        size = source.stat().st_size
        if size > MAX_JSON_BYTES:
            raise FormatError(f"{source}: {size} bytes is larger than the {MAX_JSON_BYTES}-byte limit")
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise FormatError(f"{source}: cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise FormatError(f"{source}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from None


def write_json(path: str | Path, document: Any) -> Path:
    """Write ``document`` as indented JSON, atomically (a reader never sees half a file)."""
    data = (json.dumps(document, indent=1) + "\n").encode()
    return write_file_atomically(path, data, private=False, overwrite=True)


def _field(source: str, document: Any, key: str) -> Any:
    if not isinstance(document, dict):
        raise FormatError(f"{source}: expected a JSON object, got {type(document).__name__}")
    if key not in document:
        raise FormatError(f"{source}: missing field {key!r}")
    return document[key]


def _points(source: str, what: str, parse: Callable[[Any], T], value: Any) -> T:
    try:
        return parse(value)
    except (CurveError, FormatError) as exc:
        raise FormatError(f"{source}: {what}: {exc}") from None


def _check_protocol(source: str, document: Any) -> None:
    protocol = document.get("protocol", "groth16") if isinstance(document, dict) else None
    curve = document.get("curve", "bn128") if isinstance(document, dict) else None
    if protocol != "groth16":
        raise FormatError(f"{source}: protocol {protocol!r} is not supported (only groth16)")
    if curve not in ("bn128", "bn254", "alt_bn128"):
        raise FormatError(f"{source}: curve {curve!r} is not supported (only bn128)")


# --- proof.json ---------------------------------------------------------------------


def proof_to_json(proof: Proof) -> dict[str, Any]:
    return {
        "pi_a": proof.a.to_json()[0],
        "pi_b": proof.b.to_json()[0],
        "pi_c": proof.c.to_json()[0],
        "protocol": "groth16",
        "curve": "bn128",
    }


def proof_from_json(document: Any, source: str = "proof.json") -> Proof:
    _check_protocol(source, document)
    return Proof(
        a=_points(source, "pi_a", lambda v: G1Points.from_json([v]), _field(source, document, "pi_a")),
        b=_points(source, "pi_b", lambda v: G2Points.from_json([v]), _field(source, document, "pi_b")),
        c=_points(source, "pi_c", lambda v: G1Points.from_json([v]), _field(source, document, "pi_c")),
    )


# --- public.json --------------------------------------------------------------------


def public_signals_to_json(signals: Sequence[int]) -> list[str]:
    return [str(int(s)) for s in signals]


def public_signals_from_json(document: Any, source: str = "public.json") -> list[int]:
    """Decimal strings (or integers) in [0, r); anything else is a FormatError naming the index."""
    if not isinstance(document, list):
        raise FormatError(f"{source}: expected a JSON list of decimal strings, got {type(document).__name__}")
    signals = []
    for index, entry in enumerate(document):
        if isinstance(entry, bool) or not isinstance(entry, (str, int)):
            raise FormatError(f"{source}: signal {index} is {type(entry).__name__}, not a decimal string")
        text = str(entry)
        if not text.isascii() or not text.isdigit():
            raise FormatError(f"{source}: signal {index} = {text!r} is not a non-negative decimal integer")
        value = int(text)
        if value >= Fr.modulus:
            raise FormatError(f"{source}: signal {index} = {value} is not below the field order r")
        signals.append(value)
    return signals


# --- verification_key.json -----------------------------------------------------------


def verification_key_to_json(vk: VerifyingKey) -> dict[str, Any]:
    document: dict[str, Any] = {
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.n_public,
        "vk_alpha_1": vk.alpha_g1.to_json()[0],
        "vk_beta_2": vk.beta_g2.to_json()[0],
        "vk_gamma_2": vk.gamma_g2.to_json()[0],
        "vk_delta_2": vk.delta_g2.to_json()[0],
    }
    alphabeta = _alphabeta_json(vk)
    if alphabeta is not None:
        document["vk_alphabeta_12"] = alphabeta
    document["IC"] = vk.gamma_abc_g1.to_json()
    return document


def _alphabeta_json(vk: VerifyingKey) -> list[Any] | None:
    """e(α, β) in snarkjs's Fq12 layout [[[c0, c1] × 3] × 2], when the pairing module offers it."""
    try:
        from ..curve.pairing import pairing_tower_ints
    except ImportError:
        return None
    coefficients = [str(c) for c in pairing_tower_ints(vk.alpha_g1, vk.beta_g2)]
    return [[[coefficients[6 * h + 2 * k], coefficients[6 * h + 2 * k + 1]] for k in range(3)] for h in range(2)]


def verification_key_from_json(document: Any, source: str = "verification_key.json") -> VerifyingKey:
    _check_protocol(source, document)
    ic_json = _field(source, document, "IC")
    if not isinstance(ic_json, list) or not ic_json:
        raise FormatError(f"{source}: IC must be a non-empty list of G1 points")
    n_public = _field(source, document, "nPublic")
    if isinstance(n_public, bool) or not isinstance(n_public, int) or n_public != len(ic_json) - 1:
        raise FormatError(f"{source}: nPublic = {n_public!r} does not match the {len(ic_json)} IC points")

    def g2(key: str) -> G2Points:
        return _points(source, key, lambda v: G2Points.from_json([v]), _field(source, document, key))

    return VerifyingKey(
        alpha_g1=_points(source, "vk_alpha_1", lambda v: G1Points.from_json([v]), _field(source, document, "vk_alpha_1")),
        beta_g2=g2("vk_beta_2"),
        gamma_g2=g2("vk_gamma_2"),
        delta_g2=g2("vk_delta_2"),
        gamma_abc_g1=_points(source, "IC", G1Points.from_json, ic_json),
    )


# --- files ----------------------------------------------------------------------------


def read_proof(path: str | Path) -> Proof:
    return proof_from_json(read_json(path), str(path))


def read_public_signals(path: str | Path) -> list[int]:
    return public_signals_from_json(read_json(path), str(path))


def read_verification_key(path: str | Path) -> VerifyingKey:
    return verification_key_from_json(read_json(path), str(path))


def write_proof(path: str | Path, proof: Proof) -> Path:
    return write_json(path, proof_to_json(proof))


def write_public_signals(path: str | Path, signals: Sequence[int]) -> Path:
    return write_json(path, public_signals_to_json(signals))


def write_verification_key(path: str | Path, vk: VerifyingKey) -> Path:
    return write_json(path, verification_key_to_json(vk))
