// The phase-2 randomness and hashing of the pinned snarkjs 0.7.6 / ffjavascript 0.3.1, as an oracle
// for tests/interop/test_interop_phase2_rng.py.
//
//   node phase2_rng_oracle.mjs request.json   → prints one JSON object with the answers
//
// Every answer comes from snarkjs's or ffjavascript's own functions (ChaCha, F.fromRng, G.fromRng,
// F.sqrt, F.isNegative, G.toRprUncompressed, keypair.hashToG2, misc.rngFromBeaconParams,
// zkey_utils.readMPCParams / hashG1 / hashPubKey); nothing is reimplemented here.
import { ChaCha, buildBn128 } from "ffjavascript";
import * as binFileUtils from "@iden3/binfileutils";
import { blake2b } from "@noble/hashes/blake2b";
import fs from "fs";
import { hashToG2 } from "./node_modules/snarkjs/src/keypair.js";
import { rngFromBeaconParams, cloneHasher } from "./node_modules/snarkjs/src/misc.js";
import { readMPCParams, hashG1, hashPubKey } from "./node_modules/snarkjs/src/zkey_utils.js";

const hex = (b) => Buffer.from(b).toString("hex");
const unhex = (s) => new Uint8Array(Buffer.from(s, "hex"));
const str = (v) => (Array.isArray(v) ? v.map(str) : v.toString());

function affine(G, p) {
    // [x, y] of the affine point (strings; G2 coordinates as [c0, c1]); null for infinity.
    if (G.isZero(p)) return null;
    const o = G.toObject(G.toAffine(p));
    return str([o[0], o[1]]);
}

async function main() {
    const request = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    const curve = await buildBn128(true);
    const out = {};

    out.streams = (request.streams || []).map(({ seed, ops, counter }) => {
        const rng = new ChaCha(seed);
        if (counter) rng.state.splice(12, 4, ...counter); // block counter words 12..15
        return ops.map((op) => {
            if (op === "u32") return rng.nextU32().toString();
            if (op === "u64") return rng.nextU64().toString();
            if (op === "bool") return rng.nextBool();
            throw new Error("unknown op " + op);
        });
    });

    out.draws = (request.draws || []).map(({ seed, kinds }) => {
        const rng = new ChaCha(seed);
        return kinds.map((kind) => {
            if (kind === "fr") return curve.Fr.toObject(curve.Fr.fromRng(rng)).toString();
            if (kind === "fq") return curve.F1.toObject(curve.F1.fromRng(rng)).toString();
            if (kind === "g1") return affine(curve.G1, curve.G1.fromRng(rng));
            if (kind === "g2") return affine(curve.G2, curve.G2.fromRng(rng));
            throw new Error("unknown kind " + kind);
        });
    });

    out.hash_to_g2 = (request.hash_to_g2 || []).map((h) => affine(curve.G2, hashToG2(curve, unhex(h))));

    out.beacon = [];
    for (const { hash, exp, kinds } of request.beacon || []) {
        const rng = await rngFromBeaconParams(unhex(hash), exp);
        const seed = rng.state.slice(4, 12);
        const values = kinds.map((kind) =>
            kind === "fr" ? curve.Fr.toObject(curve.Fr.fromRng(rng)).toString() : affine(curve.G1, curve.G1.fromRng(rng))
        );
        out.beacon.push({ seed, values });
    }

    // Field elements as decimal strings (Fq) or [c0, c1] (Fq2): F.sqrt's root and F.isNegative.
    const F1 = curve.F1, F2 = curve.F2;
    const fq2 = (a) => F2.fromObject([BigInt(a[0]), BigInt(a[1])]);
    out.fq_sqrt = (request.fq_sqrt || []).map((a) => F1.toObject(F1.sqrt(F1.e(a))).toString());
    out.fq2_sqrt = (request.fq2_sqrt || []).map((a) => str(F2.toObject(F2.sqrt(fq2(a)))));
    out.fq2_is_square = (request.fq2_is_square || []).map((a) => F2.isSquare(fq2(a)));
    out.fq_is_negative = (request.fq_is_negative || []).map((a) => F1.isNegative(F1.e(a)));
    out.fq2_is_negative = (request.fq2_is_negative || []).map((a) => F2.isNegative(fq2(a)));

    // toRprUncompressed of points given in LEM (the .zkey form), one hex string per group.
    out.uncompressed = {};
    for (const [group, lemHex] of Object.entries(request.uncompressed || {})) {
        const G = curve[group];
        const lem = unhex(lemHex);
        const size = G.F.n8 * 2;
        const parts = [];
        for (let off = 0; off < lem.length; off += size) {
            parts.push(hex(G.toUncompressed(G.fromRprLEM(lem, off))));
        }
        out.uncompressed[group] = parts.join("");
    }

    // Section 10 of a contributed zkey, as zkey_verify_frominit.js walks it.
    out.zkeys = [];
    for (const path of request.zkeys || []) {
        const { fd, sections } = await binFileUtils.readBinFile(path, "zkey", 2);
        const mpc = await readMPCParams(fd, curve, sections);
        await fd.close();
        const accumulated = blake2b.create({ dkLen: 64 });
        accumulated.update(mpc.csHash);
        const contributions = [];
        for (const c of mpc.contributions) {
            const ours = cloneHasher(accumulated);
            hashG1(ours, curve, c.delta.g1_s);
            hashG1(ours, curve, c.delta.g1_sx);
            const transcript = ours.digest();
            const g2_sp = hashToG2(curve, c.transcript);
            hashPubKey(accumulated, curve, c);
            const single = blake2b.create({ dkLen: 64 });
            hashPubKey(single, curve, c);
            contributions.push({
                stored_transcript: hex(c.transcript),
                transcript: hex(transcript),
                contribution_hash: hex(single.digest()),
                g2_sp: affine(curve.G2, g2_sp),
                type: c.type,
                num_iterations_exp: c.numIterationsExp ?? null,
                beacon_hash: c.beaconHash ? hex(c.beaconHash) : null,
            });
        }
        out.zkeys.push({ cs_hash: hex(mpc.csHash), contributions });
    }

    console.log(JSON.stringify(out));
}

main().then(
    () => process.exit(0),
    (e) => {
        console.error(e);
        process.exit(1);
    }
);
