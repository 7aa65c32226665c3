"""Shared fixtures: development keys for the tiny R1CS (set up once per session)."""

from __future__ import annotations

import pytest
from groth16_helpers import cube_r1cs

from zkreceipt.groth16 import ProvingKey, setup_development
from zkreceipt.r1cs import R1CS


@pytest.fixture(scope="session")
def cube() -> R1CS:
    return cube_r1cs()


@pytest.fixture(scope="session")
def cube_key(cube: R1CS) -> ProvingKey:
    return setup_development(cube)


@pytest.fixture(scope="session")
def other_cube_key(cube: R1CS) -> ProvingKey:
    return setup_development(cube)
