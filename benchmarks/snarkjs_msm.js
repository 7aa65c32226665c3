// Times ffjavascript's G1/G2 multiExpAffine (the MSM inside snarkjs 0.7.x) on given inputs.
//
// Usage: node snarkjs_msm.js GROUP BASES SCALARS REPEATS
//   GROUP    G1 or G2
//   BASES    file of affine points in snarkjs "LEM" form (G1 64 bytes, G2 128 bytes per point)
//   SCALARS  file of 32-byte little-endian scalars in standard form, one per base
//   REPEATS  timed runs after one warm-up run
// Prints one JSON line: {"group", "n", "threads", "seconds": [...], "result": snarkjs JSON point}.
// Driven by bench_msm.py, which installs ffjavascript under benchmarks/node_modules.
"use strict";
const fs = require("fs");
const { buildBn128 } = require("ffjavascript");

async function main() {
    const [group, basesPath, scalarsPath, repeatsText] = process.argv.slice(2);
    const repeats = parseInt(repeatsText || "3", 10);
    const curve = await buildBn128();
    const G = curve[group];
    const bases = new Uint8Array(fs.readFileSync(basesPath));
    const scalars = new Uint8Array(fs.readFileSync(scalarsPath));
    const n = scalars.byteLength / 32;
    let result = await G.multiExpAffine(bases, scalars);  // warm-up
    const seconds = [];
    for (let i = 0; i < repeats; i++) {
        const start = process.hrtime.bigint();
        result = await G.multiExpAffine(bases, scalars);
        seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    const out = G.toObject(G.toAffine(result));
    const stringify = (v) => (Array.isArray(v) ? v.map(stringify) : v.toString());
    console.log(JSON.stringify({
        group, n, threads: curve.tm.concurrency, seconds, result: stringify(out),
    }));
    await curve.terminate();
}

main().catch((err) => { console.error(err); process.exit(1); });
