"""One Groth16 verification on Python ints, without the compiled core: for a short-lived process.

``zkreceipt groth16 verify`` checks one proof. The compiled core does that in ~2 ms, but
starting numba and loading its cached kernels costs a process ~0.5 s; here the same check
takes tens of milliseconds on Python ints (``arithmetic``) and the process never imports
numba. :func:`verify_snarkjs_files` reads snarkjs's three JSON files within the same bounds as
the full readers (:mod:`zkreceipt.jsonio`: size, nesting, number lengths; at most 78 digits per
decimal) and validates what they and ``groth16.verify`` validate (signal count and range,
coordinates below q, points on their curves, G2 points in G2, no key point α, β, γ, δ or IC at
infinity). It answers only for files that pass all of that in snarkjs's usual form (affine
points with z = 1; only the proof's points may be infinity): anything else returns None and the
caller runs the full readers and verifier, which refuse it naming the file and field at fault.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import ZkReceiptError
from ..jsonio import parse_json
from .arithmetic import Q, R, g1_add, g1_mul, g1_on_curve, g2_in_subgroup, g2_on_curve, pairing_product_is_one

#: Largest JSON file read here (the full reader has its own limit and message).
MAX_BYTES = 1 << 20
#: Longest decimal read here: any field element has at most 77 digits (the full readers say why not).
MAX_DIGITS = 78


class _NotPlain(Exception):
    """The input is not in the plain form this module reads: let the full path decide."""


def _json(path: str | os.PathLike[str]) -> Any:
    source = Path(path)
    try:
        if source.stat().st_size > MAX_BYTES:
            raise _NotPlain
        return parse_json(source.read_bytes(), str(source), max_bytes=MAX_BYTES)
    except (OSError, ZkReceiptError):
        raise _NotPlain from None


def _int(text: Any, bound: int) -> int:
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > MAX_DIGITS:
        raise _NotPlain
    value = int(text)
    if value >= bound:
        raise _NotPlain
    return value


def _g1(point: Any) -> Any:
    if not isinstance(point, list) or len(point) != 3:
        raise _NotPlain
    x, y, z = (_int(v, Q) for v in point)
    if (x, y, z) == (0, 1, 0):
        return None
    if z != 1 or not g1_on_curve((x, y)):
        raise _NotPlain
    return (x, y)


def _g2(point: Any) -> Any:
    if not isinstance(point, list) or len(point) != 3 or not all(isinstance(c, list) and len(c) == 2 for c in point):
        raise _NotPlain
    (x0, x1), (y0, y1), (z0, z1) = ((_int(a, Q), _int(b, Q)) for a, b in point)
    if (x0, x1, y0, y1, z0, z1) == (0, 0, 1, 0, 0, 0):
        return None
    p = ((x0, x1), (y0, y1))
    if (z0, z1) != (1, 0) or not g2_on_curve(p) or not g2_in_subgroup(p):
        raise _NotPlain
    return p


def _field(document: Any, key: str) -> Any:
    if not isinstance(document, dict) or key not in document:
        raise _NotPlain
    return document[key]


def verify_snarkjs_files(
    verification_key: str | os.PathLike[str], public: str | os.PathLike[str], proof: str | os.PathLike[str]
) -> bool | None:
    """e(A, B) = e(α, β)·e(vk_x, γ)·e(C, δ) for snarkjs JSON files; None if they are not plainly well-formed."""
    try:
        vk, signals_json, proof_json = _json(verification_key), _json(public), _json(proof)
        for document in (vk, proof_json):
            if _field(document, "protocol") != "groth16" or document.get("curve", "bn128") != "bn128":
                raise _NotPlain
        ic = [_g1(p) for p in _field(vk, "IC")] if isinstance(_field(vk, "IC"), list) else []
        if None in ic:
            raise _NotPlain  # a key point at infinity: the full reader refuses the key
        if not ic or _field(vk, "nPublic") != len(ic) - 1:
            raise _NotPlain
        if not isinstance(signals_json, list) or len(signals_json) != len(ic) - 1:
            raise _NotPlain
        signals = [_int(s, R) if isinstance(s, str) else _int(str(s), R) for s in signals_json if not isinstance(s, bool)]
        if len(signals) != len(ic) - 1:
            raise _NotPlain
        alpha, beta = _g1(_field(vk, "vk_alpha_1")), _g2(_field(vk, "vk_beta_2"))
        gamma, delta = _g2(_field(vk, "vk_gamma_2")), _g2(_field(vk, "vk_delta_2"))
        if None in (alpha, beta, gamma, delta):
            raise _NotPlain  # with γ = δ = ∞ any proof A = α, B = β would verify: the full reader refuses it
        a, b, c = _g1(_field(proof_json, "pi_a")), _g2(_field(proof_json, "pi_b")), _g1(_field(proof_json, "pi_c"))
    except _NotPlain:
        return None
    vk_x = ic[0]
    for signal, point in zip(signals, ic[1:]):
        vk_x = g1_add(vk_x, g1_mul(point, signal))
    minus_a = None if a is None else (a[0], -a[1] % Q)
    return pairing_product_is_one([(minus_a, b), (alpha, beta), (vk_x, gamma), (c, delta)])


__all__ = ["verify_snarkjs_files"]
