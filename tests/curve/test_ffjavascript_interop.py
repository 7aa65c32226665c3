"""Cross-checks against snarkjs's own curve library (ffjavascript, as pinned in tests/interop).

One Node process reads our points in LEM form, computes multiExpAffine on our scalars,
and normalizes a Jacobian JSON point with z ≠ 1 the way snarkjs reads JSON; the
results must equal ours. Skipped when Node or tests/interop/node_modules is missing
(``scripts/test.sh`` installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from curve_helpers import GROUPS, Group, group_id, random_scalars

from zkreceipt.curve.g1 import G1Points
from zkreceipt.curve.pippenger import msm
from zkreceipt.field import Fr

MODULES = Path(__file__).resolve().parents[1] / "interop" / "node_modules"

SCRIPT = r"""
const fs = require("fs");
const { buildBn128 } = require("ffjavascript");
(async () => {
    const [group, dir] = process.argv.slice(2);
    const curve = await buildBn128(true);
    const G = curve[group];
    const bases = new Uint8Array(fs.readFileSync(dir + "/bases.bin"));
    const scalars = new Uint8Array(fs.readFileSync(dir + "/scalars.bin"));
    const jac = JSON.parse(fs.readFileSync(dir + "/jacobian.json"));
    const str = (v) => (Array.isArray(v) ? v.map(str) : v.toString());
    const out = {
        msm: str(G.toObject(G.toAffine(await G.multiExpAffine(bases, scalars)))),
        jacobian: str(G.toObject(G.toAffine(G.fromObject(jac.map((c) => (Array.isArray(c) ? c.map(BigInt) : BigInt(c))))))),
        first_base: str(G.toObject(G.toAffine(G.fromRprLEM(bases, 0)))),
    };
    console.log(JSON.stringify(out));
    await curve.terminate();
})().catch((e) => { console.error(e); process.exit(1); });
"""


def run_node(group: str, tmp: Path) -> dict:  # type: ignore[type-arg]
    if shutil.which("node") is None or not (MODULES / "ffjavascript").exists():
        pytest.skip("node or tests/interop/node_modules/ffjavascript is missing (run scripts/test.sh)")
    script = tmp / "check.js"
    script.write_text(SCRIPT)
    done = subprocess.run(
        ["node", str(script), group, str(tmp)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NODE_PATH": str(MODULES)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("group", GROUPS, ids=group_id)
def test_msm_and_json_agree_with_ffjavascript(group: Group, tmp_path: Path) -> None:
    n = 40
    points = group.cls.concatenate([group.cls.random(n - 1), group.cls.infinity(1)])
    scalars = random_scalars(n)
    (tmp_path / "bases.bin").write_bytes(points.to_montgomery_bytes())
    (tmp_path / "scalars.bin").write_bytes(Fr.from_ints(scalars).to_bytes("little"))
    # The first base in Jacobian form with z = 5 (G1) / 5 + 3u (G2).
    c = group.curve
    z = 5 if group.cls is G1Points else (5, 3)
    x, y = points.to_ints()[0]
    z2 = c.mul(z, z)
    jac = [c.mul(x, z2), c.mul(y, c.mul(z2, z)), z]
    doc = [str(v) for v in jac] if group.cls is G1Points else [[str(v) for v in coord] for coord in jac]
    (tmp_path / "jacobian.json").write_text(json.dumps(doc))

    out = run_node(group.name, tmp_path)

    assert out["msm"] == msm(points, Fr.from_ints(scalars)).to_json()[0]
    assert out["first_base"] == points[0].to_json()[0]
    assert out["jacobian"] == points[0].to_json()[0]
    assert (group.cls.from_json([doc]) == points[0]).all()
