"""snarkjs's JSON files: ``verification_key.json``, ``proof.json``, ``public.json``.

Field elements and coordinates are decimal strings; points are projective with
z = "1" (G1) or ["1", "0"] (G2), G2 coordinates as [c0, c1] (see
shared/reference/FORMATS.md). Readers validate everything (shape, decimal digits,
ranges, curve and subgroup membership) and raise :class:`FormatError` naming the
file and the entry at fault. Files are parsed by :func:`zkreceipt.jsonio.parse_json`
(bounded size, depth and number length), each kind with its own size cap
(:data:`MAX_PROOF_BYTES`, :data:`MAX_PUBLIC_BYTES`, :data:`MAX_VERIFICATION_KEY_BYTES`,
and :data:`MAX_DOCUMENT_BYTES` for other documents such as bundles). A decimal
string is checked to have at most :data:`MAX_FIELD_DIGITS` significant digits
before it is converted. A verification key whose α, β, γ, δ or an IC point is the
point at infinity is refused: with γ = δ = ∞ a forged proof (A = α, B = β) would
verify for any public signals.
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
from ..jsonio import read_json_file

#: Size caps of the files read here. A proof is ~800 bytes. A public signal takes at
#: most ~85 bytes (77 digits, quotes, separator, indentation): 8 MiB hold ~100,000.
#: An IC point of a verification key takes ~250 bytes: 16 MiB hold ~65,000 public
#: inputs. Other documents (proof bundles): 1 MiB.
MAX_PROOF_BYTES = 64 * 1024
MAX_PUBLIC_BYTES = 8 * 1024 * 1024
MAX_VERIFICATION_KEY_BYTES = 16 * 1024 * 1024
MAX_DOCUMENT_BYTES = 1024 * 1024
#: Significant digits of a decimal field element or coordinate (r and q have 77).
MAX_FIELD_DIGITS = 77

T = TypeVar("T")


def read_json(path: str | Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> Any:
    """Parse a JSON file of at most ``max_bytes``; FormatError if it is unreadable, too large,
    too deeply nested or not JSON (see :func:`zkreceipt.jsonio.parse_json`)."""
    return read_json_file(path, max_bytes=max_bytes)


def decimal_value(source: str, what: str, entry: Any) -> int:
    """A non-negative decimal string (or JSON integer) as an int, its digits counted before ``int()``.

    FormatError naming ``source`` (if not empty) and ``what`` otherwise.
    """
    where = f"{source}: {what}" if source else what
    if isinstance(entry, int) and not isinstance(entry, bool) and entry >= 0:
        return entry
    if not isinstance(entry, str) or not entry.isascii() or not entry.isdigit():
        raise FormatError(f"{where} = {_shown(entry)} is not a non-negative decimal integer")
    significant = entry.lstrip("0")
    if len(significant) > MAX_FIELD_DIGITS:
        raise FormatError(f"{where} has {len(entry)} digits, more than any field element")
    return int(significant or "0")


def _shown(value: Any) -> str:
    """``value`` for a message, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


#: Nesting of a list of G2 points (points, coordinates, c0/c1), the deepest point JSON.
_POINT_LIST_DEPTH = 3


def _decimal_leaves(value: Any, depth: int = 0) -> Any:
    """``value`` (nested lists of decimals, as JSON points) with every decimal converted by :func:`decimal_value`."""
    if isinstance(value, list):
        if depth >= _POINT_LIST_DEPTH:
            raise FormatError("nested deeper than a list of points")
        return [_decimal_leaves(entry, depth + 1) for entry in value]
    return decimal_value("", "coordinate", value)


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
        return parse(_decimal_leaves(value))
    except (CurveError, FormatError) as exc:
        raise FormatError(f"{source}: {what}: {exc}") from None


def _finite(source: str, what: str, points: T) -> T:
    """``points`` if none is the point at infinity (a verification key's points never are)."""
    infinity = points.is_infinity()  # type: ignore[attr-defined]
    if infinity.any():
        index = int(infinity.argmax())
        where = f" point {index}" if len(points) > 1 else ""  # type: ignore[arg-type]
        raise FormatError(f"{source}: {what}{where} is the point at infinity")
    return points


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


def proof_from_json(document: Any, source: str = "proof.json", *, subgroup: bool = True) -> Proof:
    """The proof in a snarkjs ``proof.json`` document; its points checked on their curves and (``subgroup``) in G1, G2.

    ``subgroup=False`` leaves B's subgroup check to the verifier (``groth16.verify`` and
    ``verify_batch`` check every point before pairing; the batch in one vectorized call).
    """
    _check_protocol(source, document)
    return Proof(
        a=_points(source, "pi_a", lambda v: G1Points.from_json([v], subgroup=subgroup), _field(source, document, "pi_a")),
        b=_points(source, "pi_b", lambda v: G2Points.from_json([v], subgroup=subgroup), _field(source, document, "pi_b")),
        c=_points(source, "pi_c", lambda v: G1Points.from_json([v], subgroup=subgroup), _field(source, document, "pi_c")),
    )


# --- public.json --------------------------------------------------------------------


def public_signals_to_json(signals: Sequence[int]) -> list[str]:
    return [str(int(s)) for s in signals]


def public_signals_from_json(
    document: Any, source: str = "public.json", *, expected_count: int | None = None
) -> list[int]:
    """Decimal strings (or integers) in [0, r); anything else is a FormatError naming the index.

    ``expected_count`` (the key's nPublic), when given, is checked before any entry is read.
    """
    if not isinstance(document, list):
        raise FormatError(f"{source}: expected a JSON list of decimal strings, got {type(document).__name__}")
    if expected_count is not None and len(document) != expected_count:
        raise FormatError(f"{source}: {len(document)} public signals, the verification key expects {expected_count}")
    signals = []
    for index, entry in enumerate(document):
        if isinstance(entry, bool) or not isinstance(entry, (str, int)):
            raise FormatError(f"{source}: signal {index} is {type(entry).__name__}, not a decimal string")
        value = decimal_value(source, f"signal {index}", entry)
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
        return _finite(source, key, _points(source, key, lambda v: G2Points.from_json([v]), _field(source, document, key)))

    alpha = _points(source, "vk_alpha_1", lambda v: G1Points.from_json([v]), _field(source, document, "vk_alpha_1"))
    return VerifyingKey(
        alpha_g1=_finite(source, "vk_alpha_1", alpha),
        beta_g2=g2("vk_beta_2"),
        gamma_g2=g2("vk_gamma_2"),
        delta_g2=g2("vk_delta_2"),
        gamma_abc_g1=_finite(source, "IC", _points(source, "IC", G1Points.from_json, ic_json)),
    )


# --- files ----------------------------------------------------------------------------


def read_proof(path: str | Path) -> Proof:
    return proof_from_json(read_json(path, MAX_PROOF_BYTES), str(path))


def read_public_signals(path: str | Path, *, expected_count: int | None = None) -> list[int]:
    """public.json; ``expected_count`` (the key's nPublic) is checked before the entries are read."""
    return public_signals_from_json(read_json(path, MAX_PUBLIC_BYTES), str(path), expected_count=expected_count)


def read_verification_key(path: str | Path) -> VerifyingKey:
    return verification_key_from_json(read_json(path, MAX_VERIFICATION_KEY_BYTES), str(path))


def write_proof(path: str | Path, proof: Proof) -> Path:
    return write_json(path, proof_to_json(proof))


def write_public_signals(path: str | Path, signals: Sequence[int]) -> Path:
    return write_json(path, public_signals_to_json(signals))


def write_verification_key(path: str | Path, vk: VerifyingKey) -> Path:
    return write_json(path, verification_key_to_json(vk))
