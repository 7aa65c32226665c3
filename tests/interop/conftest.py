"""Session fixtures: files made by the real tools (circom 2.2.3 via circom2, snarkjs 0.7.6).

How they are built and cached: :mod:`interop_files`. Tests are skipped when Node or the
npm tools are missing (``cd tests/interop && npm ci``).
"""

from __future__ import annotations

import pytest
from interop_files import CIRCUITS, CircuitFiles, InteropFiles, PtauFiles, build_interop_files


@pytest.fixture(scope="session")
def interop_files() -> InteropFiles:
    """The tools' files for every circuit, built once per change of the inputs."""
    return build_interop_files()


@pytest.fixture(scope="session")
def ptau_files(interop_files: InteropFiles) -> PtauFiles:
    return interop_files.ptau


@pytest.fixture(params=list(CIRCUITS))
def circuit(request: pytest.FixtureRequest, interop_files: InteropFiles) -> CircuitFiles:
    """Each test circuit's files in turn."""
    return interop_files.circuits[request.param]
