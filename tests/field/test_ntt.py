"""The NTT against a naive O(n²) DFT and a Python-int radix-2 NTT."""

from __future__ import annotations

import secrets

import pytest

from zkreceipt.errors import FieldError
from zkreceipt.field import FR_GENERATOR, Fq, Fr, coset_intt, coset_ntt, intt, ntt, root_of_unity
from zkreceipt.field import parallel, plain
from zkreceipt.field.ntt import PARALLEL_MIN_SIZE, powers

R = Fr.modulus


def random_vector(n: int) -> list[int]:
    return [secrets.randbelow(R) for _ in range(n)]


def test_roots_of_unity_are_primitive() -> None:
    for log_n in [0, 1, 5, 16, 28]:
        n = 1 << log_n
        w = root_of_unity(n)
        assert pow(w, n, R) == 1
        if n > 1:
            assert pow(w, n // 2, R) == R - 1
    # ark-bn254's TWO_ADIC_ROOT_OF_UNITY (5^((r-1)/2^28)).
    assert root_of_unity(1 << 28) == 19103219067921713944291392827692070036145651957329286315305642004821462161904


@pytest.mark.parametrize("log_n", range(0, 8))
def test_ntt_matches_naive_dft(log_n: int) -> None:
    n = 1 << log_n
    coeffs = random_vector(n)
    assert ntt(Fr.from_ints(coeffs)).to_ints() == plain.naive_dft(coeffs, root_of_unity(n), R)


@pytest.mark.parametrize("log_n", [0, 1, 3, 10])
def test_inverse_and_coset_round_trips(log_n: int) -> None:
    coeffs = random_vector(1 << log_n)
    v = Fr.from_ints(coeffs)
    assert intt(ntt(v)).to_ints() == coeffs
    assert ntt(intt(v)).to_ints() == coeffs
    assert coset_intt(coset_ntt(v)).to_ints() == coeffs
    assert coset_intt(coset_ntt(v, shift=7), shift=7).to_ints() == coeffs


def test_coset_ntt_evaluates_on_the_shifted_domain() -> None:
    n = 16
    coeffs = random_vector(n)
    w = root_of_unity(n)
    expected = [
        sum(c * pow(FR_GENERATOR * pow(w, i, R), j, R) for j, c in enumerate(coeffs)) % R for i in range(n)
    ]
    assert coset_ntt(Fr.from_ints(coeffs)).to_ints() == expected


def test_edge_inputs() -> None:
    n = 64
    for coeffs in ([0] * n, [1] + [0] * (n - 1), [R - 1] * n, [R - 2] * n):
        assert ntt(Fr.from_ints(coeffs)).to_ints() == plain.naive_dft(coeffs, root_of_unity(n), R)


def test_large_ntt_matches_python_radix2() -> None:
    n = 1 << 12
    coeffs = random_vector(n)
    assert ntt(Fr.from_ints(coeffs)).to_ints() == plain.radix2_ntt(coeffs, root_of_unity(n), R)


def test_powers() -> None:
    assert powers(3, 5, 6).to_ints() == [3 * 5**i % R for i in range(6)]


def test_bad_sizes_and_fields() -> None:
    with pytest.raises(FieldError, match="power of two"):
        ntt(Fr.ones(3))
    with pytest.raises(FieldError, match="power of two"):
        ntt(Fr.ones(0))
    with pytest.raises(FieldError, match="Fq"):
        ntt(Fq.ones(4))
    with pytest.raises(FieldError, match="2-adicity"):
        root_of_unity(1 << 29)


@pytest.fixture
def threads():  # type: ignore[no-untyped-def]
    """Set the kernel thread count for one test, then restore it."""
    previous = parallel.threads()
    yield parallel.set_threads
    parallel.set_threads(previous)


@pytest.mark.parametrize(("log_n", "count"), [(14, 2), (15, 4), (15, 3)])
def test_ntt_on_several_cores_matches_python_radix2(threads, log_n: int, count: int) -> None:  # type: ignore[no-untyped-def]
    """Blocks of the first stages and split butterflies of the last ones (2 or 4 blocks)."""
    threads(count)
    n = 1 << log_n
    assert n >= 2 * PARALLEL_MIN_SIZE
    coeffs = random_vector(n)
    evaluations = ntt(Fr.from_ints(coeffs))
    assert evaluations.to_ints() == plain.radix2_ntt(coeffs, root_of_unity(n), R)
    assert intt(evaluations).to_ints() == coeffs
