"""snarkjs ``.zkey`` files as Groth16 proving keys, and back.

A zkey's sections are exactly a :class:`~zkreceipt.groth16.ProvingKey`: A → ``a_query``,
B1 → ``b_g1_query``, B2 → ``b_g2_query``, C → ``l_query``, H → ``h_query`` (the
odd-coset Lagrange points the prover's quotient uses), IC → ``gamma_abc_g1``, and the
coefficient section → the QAP's A (with input-consistency rows) and B matrices.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..field import Fr
from ..groth16.data_structures import ProvingKey, VerifyingKey
from ..groth16.r1cs_to_qap import QapMatrices
from .zkey_circuit_hash import CircuitHashInputs, circuit_hash
from .zkey_file import Groth16Zkey, ZkeyCoefficients, ZkeyContributions, ZkeyHeader, read_zkey, write_zkey

MATRIX_A = 0
MATRIX_B = 1


def proving_key_from_zkey(zkey: Groth16Zkey) -> ProvingKey:
    h = zkey.header
    n_rows = zkey.n_constraints + h.n_public + 1
    qap = QapMatrices(
        a=zkey.coefficients.sparse_matrix(MATRIX_A, n_rows, h.n_vars),
        b=zkey.coefficients.sparse_matrix(MATRIX_B, n_rows, h.n_vars),
        n_public=h.n_public,
        domain_size=h.domain_size,
    )
    vk = VerifyingKey(alpha_g1=h.alpha1, beta_g2=h.beta2, gamma_g2=h.gamma2, delta_g2=h.delta2, gamma_abc_g1=zkey.ic)
    return ProvingKey(
        vk=vk,
        beta_g1=h.beta1,
        delta_g1=h.delta1,
        a_query=zkey.a_query,
        b_g1_query=zkey.b1_query,
        b_g2_query=zkey.b2_query,
        l_query=zkey.c_query,
        h_query=zkey.h_query,
        qap=qap,
        development=zkey.development,
    )


def _coefficients(qap: QapMatrices) -> ZkeyCoefficients:
    """Section 4 in snarkjs's order: the r1cs rows of A and B, then A's input-consistency rows."""
    n_constraints = qap.a.n_rows - qap.n_public - 1
    consistency = qap.a.rows >= n_constraints
    parts = [
        (MATRIX_A, np.flatnonzero(~consistency), qap.a),
        (MATRIX_B, np.arange(qap.b.nnz), qap.b),
        (MATRIX_A, np.flatnonzero(consistency), qap.a),
    ]
    return ZkeyCoefficients(
        matrix=np.concatenate([np.full(len(sel), which, dtype=np.uint8) for which, sel, _ in parts]),
        constraint=np.concatenate([m.rows[sel] for _, sel, m in parts]),
        signal=np.concatenate([m.cols[sel] for _, sel, m in parts]),
        values=Fr.concatenate([m.coeffs[sel] for _, sel, m in parts]),
    )


def zkey_from_proving_key(pk: ProvingKey) -> Groth16Zkey:
    """A zkey snarkjs can prove with (``groth16 prove``), with no contributions.

    Its csHash is computed as ``zkey new`` does (:mod:`.zkey_circuit_hash`) over the
    key's own sections, except that H is hashed as the key's H points (announced
    with their count): the τⁱ·Z(τ) points snarkjs hashes need a ptau. That makes the
    hash depend on every point of the key, so contributions to it are bound to it.
    A development key (``pk.development``) carries the development marker.
    """
    header = ZkeyHeader(
        n_vars=pk.n_wires,
        n_public=pk.n_public,
        domain_size=pk.domain_size,
        alpha1=pk.vk.alpha_g1,
        beta1=pk.beta_g1,
        beta2=pk.vk.beta_g2,
        gamma2=pk.vk.gamma_g2,
        delta1=pk.delta_g1,
        delta2=pk.vk.delta_g2,
    )
    cs_hash = circuit_hash(
        CircuitHashInputs(
            header=header,
            ic=pk.vk.gamma_abc_g1,
            h_points=pk.h_query,
            h_declared=len(pk.h_query),
            c_query=pk.l_query,
            a_query=pk.a_query,
            b1_query=pk.b_g1_query,
            b2_query=pk.b_g2_query,
        )
    )
    return Groth16Zkey(
        header=header,
        ic=pk.vk.gamma_abc_g1,
        coefficients=_coefficients(pk.qap),
        a_query=pk.a_query,
        b1_query=pk.b_g1_query,
        b2_query=pk.b_g2_query,
        c_query=pk.l_query,
        h_query=pk.h_query,
        contributions=ZkeyContributions.empty(cs_hash),
        development=pk.development,
    )


def read_proving_key(path: str | Path) -> ProvingKey:
    return proving_key_from_zkey(read_zkey(path))


def write_proving_key(path: str | Path, pk: ProvingKey) -> Path:
    """Write ``pk`` as a snarkjs zkey (mode 0600, atomically)."""
    write_zkey(path, zkey_from_proving_key(pk))
    return Path(path)
