// snarkjs 0.7.6 as a library in one Node process: its fair best, after warm-up.
//
// Usage: node compare_snarkjs.mjs JOB.json
// JOB.json (written by compare_runs.py):
//   zkey              snarkjs .zkey path (read into memory once; snarkjs re-parses it per proof)
//   witnesses         .wtns paths; the first `repeats` are proved one at a time (after `warmup`
//                     proofs), the first `throughput_proofs` with 1, 2, 4… proofs in flight
//   in_flight         list of concurrency levels for the throughput run
//   verification_key  snarkjs verification_key.json
//   verify            [{proof, public}] JSON paths (zkreceipt's proofs), verified one at a time
//   proofs_out        where to write the proofs made one at a time ({proof, publicSignals} list)
// Prints one JSON line: threads, zkey_read_s, prove_s[], throughput[{in_flight, proofs, seconds}],
// verify_s[], verify_ok[], vm_hwm_kb (peak RSS of the whole process, worker threads included).
import fs from "fs";
import * as snarkjs from "snarkjs";

// VmHWM (Linux): unlike resourceUsage().maxRSS it does not start at the parent's RSS after exec.
function peakRssKb() {
    try {
        const line = fs.readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith("VmHWM:"));
        return line ? parseInt(line.split(/\s+/)[1], 10) : null;
    } catch {
        return null;
    }
}

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

async function proveAll(zkey, witnesses, inFlight) {
    // `inFlight` proofs run concurrently: ffjavascript queues their MSM/FFT chunks on one worker pool.
    let next = 0;
    const worker = async () => {
        while (next < witnesses.length) {
            const witness = witnesses[next++];
            await snarkjs.groth16.prove(zkey, witness);
        }
    };
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: inFlight }, worker));
    return seconds(start);
}

async function main() {
    const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    let start = process.hrtime.bigint();
    const zkey = new Uint8Array(fs.readFileSync(job.zkey));
    const zkeyReadSeconds = seconds(start);
    const witnesses = job.witnesses.map((path) => new Uint8Array(fs.readFileSync(path)));
    const vk = JSON.parse(fs.readFileSync(job.verification_key, "utf8"));

    for (let i = 0; i < job.warmup; i++) await snarkjs.groth16.prove(zkey, witnesses[i % witnesses.length]);
    const proveSeconds = [];
    const made = [];
    for (let i = 0; i < job.repeats; i++) {
        start = process.hrtime.bigint();
        const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, witnesses[i % witnesses.length]);
        proveSeconds.push(seconds(start));
        made.push({ proof, publicSignals });
    }
    fs.writeFileSync(job.proofs_out, JSON.stringify(made));

    const batch = witnesses.slice(0, job.throughput_proofs);
    const throughput = [];
    for (const inFlight of batch.length ? job.in_flight : []) {
        throughput.push({ in_flight: inFlight, proofs: batch.length, seconds: await proveAll(zkey, batch, inFlight) });
    }

    const checks = job.verify.map(({ proof, public: signals }) => ({
        proof: JSON.parse(fs.readFileSync(proof, "utf8")),
        signals: JSON.parse(fs.readFileSync(signals, "utf8")),
    }));
    if (checks.length) await snarkjs.groth16.verify(vk, checks[0].signals, checks[0].proof);  // warm-up
    const verifySeconds = [];
    const verifyOk = [];
    for (const { proof, signals } of checks) {
        start = process.hrtime.bigint();
        verifyOk.push(await snarkjs.groth16.verify(vk, signals, proof));
        verifySeconds.push(seconds(start));
    }

    const curve = globalThis.curve_bn128;
    console.log(JSON.stringify({
        threads: curve ? curve.tm.concurrency : null,
        zkey_read_s: zkeyReadSeconds,
        prove_s: proveSeconds,
        throughput,
        verify_s: verifySeconds,
        verify_ok: verifyOk,
        vm_hwm_kb: peakRssKb(),
    }));
    if (curve) await curve.terminate();
}

main().catch((err) => { console.error(err); process.exit(1); });
