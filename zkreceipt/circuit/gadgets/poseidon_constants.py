"""Poseidon parameters for BN254, exactly as circomlib uses them.

For n inputs (1 ≤ n ≤ 16) the state has t = n + 1 elements; R_F = 8 full
rounds, R_P partial rounds from circomlib's table, S-box x^5. The constants are
generated as the Poseidon reference script ``generate_parameters_grain.sage``
does (circomlib ran it as ``sage generate_parameters_grain.sage 1 0 254 t 8 R_P
<r>``): the Grain LFSR yields (R_F + R_P)·t round constants by rejection
sampling 254-bit draws below r, then 2t more draws (reduced mod r, redrawn if
any repeat) x₀..x_{t−1}, y₀..y_{t−1} define the Cauchy MDS matrix
M[i][j] = 1/(xᵢ + yⱼ).

The reference script also screens the matrix against invariant-subspace
attacks and would draw again on failure; the first matrix passes for all 16
widths (the tests check every generated constant against a digest of
circomlib's tables), so that screen is not repeated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..errors import ParameterError
from ..variable import R
from .grain import GrainLFSR

FULL_ROUNDS = 8
PARTIAL_ROUNDS = (56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68)  # for t = 2..17
MAX_INPUTS = len(PARTIAL_ROUNDS)
FIELD_BITS = 254
_PRIME_FIELD = 1
_SBOX_POWER = 0  # the script's code for x^α, α > 0


@dataclass(frozen=True)
class PoseidonParameters:
    """Constants of one Poseidon instance.

    ``width``: t; ``round_constants``: (full_rounds + partial_rounds)·t ints,
    round k adds ``round_constants[k·t : (k+1)·t]``; ``mds``: t rows of t ints,
    the linear layer maps state s to (Σⱼ mds[i][j]·s[j])ᵢ. All ints in [0, r).
    """

    width: int
    full_rounds: int
    partial_rounds: int
    round_constants: tuple[int, ...]
    mds: tuple[tuple[int, ...], ...]

    @property
    def n_rounds(self) -> int:
        return self.full_rounds + self.partial_rounds

    def is_full_round(self, round_index: int) -> bool:
        """Full rounds are the first and the last R_F / 2; the partial ones sit in between."""
        half = self.full_rounds // 2
        return round_index < half or round_index >= half + self.partial_rounds

    def round_constants_of(self, round_index: int) -> tuple[int, ...]:
        t = self.width
        return self.round_constants[round_index * t : (round_index + 1) * t]


def check_arity(n_inputs: int) -> None:
    """Refuse an input count outside 1..16 (ParameterError)."""
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, int) or not 1 <= n_inputs <= MAX_INPUTS:
        raise ParameterError(f"poseidon takes 1 to {MAX_INPUTS} inputs, got {n_inputs!r}")


def _cauchy_mds(lfsr: GrainLFSR, t: int) -> tuple[tuple[int, ...], ...]:
    while True:
        draws = [lfsr.random_bits(FIELD_BITS) % R for _ in range(2 * t)]
        while len(set(draws)) != 2 * t:
            draws = [lfsr.random_bits(FIELD_BITS) % R for _ in range(2 * t)]
        xs, ys = draws[:t], draws[t:]
        if all((x + y) % R for x in xs for y in ys):
            return tuple(tuple(pow(x + y, -1, R) for y in ys) for x in xs)


@lru_cache(maxsize=MAX_INPUTS)
def poseidon_parameters(n_inputs: int) -> PoseidonParameters:
    """circomlib's Poseidon constants for ``n_inputs`` inputs (generated once, then cached)."""
    check_arity(n_inputs)
    t = n_inputs + 1
    partial_rounds = PARTIAL_ROUNDS[n_inputs - 1]
    lfsr = GrainLFSR(_PRIME_FIELD, _SBOX_POWER, FIELD_BITS, t, FULL_ROUNDS, partial_rounds)
    constants = tuple(lfsr.random_field_element(R) for _ in range((FULL_ROUNDS + partial_rounds) * t))
    return PoseidonParameters(t, FULL_ROUNDS, partial_rounds, constants, _cauchy_mds(lfsr, t))
