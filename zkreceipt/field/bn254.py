"""BN254 (alt_bn128) field constants, as snarkjs, circom and Ethereum use them."""

from __future__ import annotations

#: Order of the G1/G2 groups: the scalar field Fr of circuits and witnesses.
R_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617
#: The base field Fq of the curve's coordinates.
Q_MODULUS = 21888242871839275222246405745257275088696311157297823662689037894645226208583
#: Multiplicative generator of Fr* used by ark-bn254 and snarkjs for roots of unity and cosets.
FR_GENERATOR = 5
#: r − 1 = 2^28 · odd.
FR_TWO_ADICITY = 28
