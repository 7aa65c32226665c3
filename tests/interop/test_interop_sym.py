"""circom's ``.sym`` files agree with its ``.r1cs`` wire map and with the witness it computes."""

from __future__ import annotations

import json

import numpy as np
from interop_files import CircuitFiles

from zkreceipt.formats import read_r1cs, read_sym, read_wtns


def test_sym_names_every_wire_of_the_r1cs(circuit: CircuitFiles) -> None:
    r1cs_file = read_r1cs(circuit.r1cs)
    table = read_sym(circuit.sym, n_wires=r1cs_file.header.n_wires)
    assert r1cs_file.wire_to_label is not None
    # The .r1cs maps wire → label; the .sym line with that label must point back at the wire.
    wire_by_label = dict(zip(table.label_ids.tolist(), table.wire_ids.tolist(), strict=True))
    for wire, label in enumerate(r1cs_file.wire_to_label.tolist()[1:], start=1):
        assert wire_by_label[label] == wire, f"label {label}"
    assert set(table.wire_names) == set(range(1, r1cs_file.header.n_wires))


def test_sym_names_locate_the_inputs_in_the_witness(circuit: CircuitFiles) -> None:
    table = read_sym(circuit.sym)
    witness = read_wtns(circuit.wtns).to_ints()
    inputs = json.loads(circuit.input.read_text())
    checked = 0
    for name, value in inputs.items():
        values = np.ravel(value).tolist() if isinstance(value, list) else [value]
        names = [f"main.{name}"] if not isinstance(value, list) else [f"main.{name}[{i}]" for i in range(len(values))]
        for signal, expected in zip(names, values, strict=True):
            wire = table.wire_of(signal)
            if wire is not None:
                assert witness[wire] == int(expected), signal
                checked += 1
    assert checked > 0
