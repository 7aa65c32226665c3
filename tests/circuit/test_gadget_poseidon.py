"""Poseidon: circomlib's constants and outputs, the native hash against the gadget, forged rounds."""

from __future__ import annotations

import hashlib
import random

import pytest
from circuit_helpers import assert_rejected, compile_adhoc, tampered

from zkreceipt.circuit import ParameterError, PrivateInput, PublicOutput, R
from zkreceipt.circuit.gadgets import POSEIDON_MAX_INPUTS, poseidon_gadget, poseidon_hash, poseidon_parameters
from zkreceipt.circuit.gadgets.poseidon_sparse import sparse_schedule
from zkreceipt.errors import FieldError

# Outputs of circomlibjs 0.1.7 (poseidon_reference.js and poseidon_opt.js agree on all of them).
CIRCOMLIB_VECTORS = [
    ([1], 18586133768512220936620570745912940619677854269274689475585506675881198879027),
    ([1, 2], 7853200120776062878684798364095072458815029376092732009249414926327459813530),
    ([1, 2, 3], 6542985608222806190361240322586112750744169038454362455181422643027100751666),
    ([1, 2, 3, 4], 18821383157269793795438455681495246036402687001665670618754263018637548127333),
    ([1, 2, 3, 4, 5], 6183221330272524995739186171720101788151706631170188140075976616310159254464),
    ([1, 2, 3, 4, 5, 6], 20400040500897583745843009878988256314335038853985262692600694741116813247201),
    ([1, 2, 3, 4, 5, 6, 7], 12748163991115452309045839028154629052133952896122405799815156419278439301912),
    ([1, 2, 3, 4, 5, 6, 7, 8], 18604317144381847857886385684060986177838410221561136253933256952257712543953),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9], 13589767895268936107593642967621470491511464502761040466226072462545218539640),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3657500514307717306974218405144578736633140001277925127187636780142269815841),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 3572015662710076994097916907865950486270383304442561406230608893458731714472),
    (
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        2501997477381648492950318384533644783248002172679259592360114615426357826485,
    ),
    (
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
        7041832639553862712666971417715061873827921493498355005117622707743491651590,
    ),
    (
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
        8354478399926161176778659061636406690034081872658507739535256090879947077494,
    ),
    (
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        4203130618016961831408770638653325366880478848856764494148034853759773445968,
    ),
    (
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
        9989051620750914585850546081941653841776809718687451684622678807385399211877,
    ),
    ([0], 19014214495641488759237505126948346942972912379615652741039992445865937985820),
    ([R - 1], 3366645945435192953002076803303112651887535928162668198103357554665518664470),
    ([R - 1, R - 2], 6149179154952470170078400310622041627793456726695327690341847329306121599910),
    ([3, 4], 14763215145315200506921711489642608356394854266165572616578112107564877678998),
    ([1, 2, 0, 0, 0], 1018317224307729531995786483840663576608797660851238720571059489595066344487),
    (
        [R - 1 - i * 12345678901234567890 for i in range(16)],
        10558124803702308161032377901909375756723995533430980129392635158470986782426,
    ),
]

# SHA-256 over circomlibjs's poseidon_constants.json: for t = 2..17, every round constant C[t−2][k]
# and then every MDS entry M[t−2][i][j] (row-major), each as a 32-byte big-endian integer.
CIRCOMLIB_CONSTANTS_SHA256 = "5243c148ce09f35ab26d165cebb81c7effd00e89f3c0ae46df35177bebee4135"


@pytest.mark.parametrize(
    ("inputs", "expected"), CIRCOMLIB_VECTORS, ids=[f"{len(v[0])}-inputs-{k}" for k, v in enumerate(CIRCOMLIB_VECTORS)]
)
def test_native_hash_matches_circomlib(inputs, expected) -> None:
    assert poseidon_hash(inputs) == expected


def test_generated_constants_are_circomlibs() -> None:
    digest = hashlib.sha256()
    for n_inputs in range(1, POSEIDON_MAX_INPUTS + 1):
        params = poseidon_parameters(n_inputs)
        assert params.width == n_inputs + 1 and params.full_rounds == 8
        assert len(params.round_constants) == params.n_rounds * params.width
        assert len(params.mds) == params.width and all(len(row) == params.width for row in params.mds)
        for value in (*params.round_constants, *(m for row in params.mds for m in row)):
            digest.update(value.to_bytes(32, "big"))
    assert digest.hexdigest() == CIRCOMLIB_CONSTANTS_SHA256
    assert [poseidon_parameters(n).partial_rounds for n in range(1, 17)] == [
        56,
        57,
        56,
        60,
        60,
        63,
        64,
        63,
        60,
        66,
        60,
        65,
        70,
        60,
        64,
        68,
    ]
    assert poseidon_parameters(2) is poseidon_parameters(2)  # generated once


def test_native_hash_refuses_bad_inputs() -> None:
    with pytest.raises(ParameterError, match="poseidon takes 1 to 16 inputs, got 0"):
        poseidon_hash([])
    with pytest.raises(ParameterError, match="got 17"):
        poseidon_hash([1] * 17)
    with pytest.raises(FieldError, match="input 1 = .* is not an int in \\[0, r\\)"):
        poseidon_hash([1, R])
    with pytest.raises(FieldError, match="input 0"):
        poseidon_hash([-1])
    with pytest.raises(FieldError, match="input 0"):
        poseidon_hash(["1"])


def poseidon_circuit(n_inputs: int):
    def define(self, api):
        api.set_output(self.digest, poseidon_gadget(api, self.inputs))

    return compile_adhoc(define, digest=PublicOutput(), inputs=PrivateInput(count=n_inputs))


def expected_constraints(n_inputs: int) -> int:
    params = poseidon_parameters(n_inputs)
    return 3 * (params.full_rounds * params.width + params.partial_rounds) - 3


@pytest.mark.parametrize("n_inputs", [1, 2, 3, 5, 8, 16])
def test_gadget_matches_native_and_costs_three_per_sbox(n_inputs: int) -> None:
    compiled = poseidon_circuit(n_inputs)
    assert compiled.stats.n_constraints == expected_constraints(n_inputs) + 1  # + the output binding
    rng = random.Random(n_inputs)
    cases = [[rng.randrange(R) for _ in range(n_inputs)] for _ in range(2)]
    cases += [[0] * n_inputs, [R - 1] * n_inputs]
    cases += [inputs for inputs, _ in CIRCOMLIB_VECTORS if len(inputs) == n_inputs]
    for inputs in cases:
        assert compiled.solve({"inputs": inputs}).outputs["digest"] == poseidon_hash(inputs)


def test_two_input_cost_matches_circomlib() -> None:
    assert expected_constraints(2) == 240  # circomlib's Poseidon(2): 240 non-linear constraints


def test_forged_round_values_are_rejected() -> None:
    compiled = poseidon_circuit(2)
    witness = compiled.solve({"inputs": [1, 2]})
    assert witness.outputs["digest"] == CIRCOMLIB_VECTORS[1][1]
    first_internal = 1 + 1 + 2
    for wire in (first_internal, first_internal + 100, compiled.stats.n_wires - 1):
        value = witness.values.to_ints()[wire]
        assert_rejected(compiled, tampered(witness, wire, value + 1))
    assert_rejected(compiled, tampered(witness, 1, witness.outputs["digest"] + 1))  # a wrong digest


def test_gadget_refuses_bad_arities() -> None:
    with pytest.raises(ParameterError, match="got 17"):
        compile_adhoc(lambda self, api: poseidon_gadget(api, [self.x] * 17), x=PrivateInput())
    with pytest.raises(ParameterError, match="got 0"):
        compile_adhoc(lambda self, api: poseidon_gadget(api, []), x=PrivateInput())


def sparse_permutation_output(inputs: list[int]) -> int:
    """Poseidon evaluated natively through the sparse partial-round schedule the gadget uses."""
    params, schedule = poseidon_parameters(len(inputs)), sparse_schedule(len(inputs))
    half = params.full_rounds // 2

    def full_round(state: list[int], round_index: int, matrix) -> list[int]:
        boxed = [pow((x + c) % R, 5, R) for x, c in zip(state, params.round_constants_of(round_index), strict=True)]
        return [sum(m * x for m, x in zip(row, boxed, strict=True)) % R for row in matrix]

    state = [0, *inputs]
    for round_index in range(half):
        state = full_round(state, round_index, schedule.entry_matrix if round_index == half - 1 else params.mds)
    for round_ in schedule.partial_rounds:
        z = [(x + c) % R for x, c in zip(state, round_.constants, strict=True)]
        z[0] = pow(z[0], 5, R)
        first = sum(a * x for a, x in zip(round_.first_row, z, strict=True)) % R
        state = [first] + [(c * z[0] + x) % R for c, x in zip(round_.first_column, z[1:], strict=True)]
    for round_index in range(half + params.partial_rounds, params.n_rounds):
        state = full_round(state, round_index, params.mds)
    return state[0]


@pytest.mark.parametrize("n_inputs", range(1, POSEIDON_MAX_INPUTS + 1))
def test_sparse_partial_rounds_compute_the_same_permutation(n_inputs: int) -> None:
    rng = random.Random(1000 + n_inputs)
    for inputs in ([rng.randrange(R) for _ in range(n_inputs)], [0] * n_inputs, [R - 1] * n_inputs):
        assert sparse_permutation_output(inputs) == poseidon_hash(inputs)
    schedule = sparse_schedule(n_inputs)
    t = n_inputs + 1
    assert len(schedule.partial_rounds) == poseidon_parameters(n_inputs).partial_rounds
    assert all(len(r.first_row) == t and len(r.first_column) == t - 1 for r in schedule.partial_rounds)
