// Compiles Solidity with the pinned solc-js and runs calls on an in-process EVM
// (@ethereumjs/evm, BN254 precompiles 0x06-0x08 from @noble/curves). No network.
//
//   node evm_tool.mjs <command>   reads one JSON request on stdin, writes one JSON answer on stdout
//
//   compile           {"sources": {"A.sol": "..."}}
//                  -> {"contracts": {"A.sol": {"<Contract>": {"abi", "bytecode", "deployedSize",
//                      "methodIdentifiers"}}}, "solcVersion", "warnings": [{"file", "message"}]}
//                     (exit 1 on a compile error)
//   call              {"bytecode": "0x..", "calls": [call...]}
//                     call = {"data": "0x.."}                        raw call data
//                          | {"selector": "0x..", "args": [...]}     ABI-encoded here (static uints only)
//                          | {"selector": "0x..", "calldata": "..."} snarkjs soliditycalldata text,
//                                                                   parsed as JSON.parse("[" + text + "]")
//                  -> {"deployedSize", "results": [{"data", "success", "returnData", "gasUsed", "error"}]}
//   session           {"deploy": [deployment...], "calls": [call...]}: one chain, state kept from call to call
//                     deployment = {"name", "bytecode": "0x..", "args": "0x.." (ABI-encoded, appended), "from"?}
//                     call = {"to": "<deployed name>" | "0x<address>" | {"returned": k} (the address call k returned),
//                             "data": "0x..", "from"?: "0x..", "value"?: "<wei>", "block"?: {"number", "timestamp"}}
//                  -> {"deployed": {name: {"address", "deployedSize", "gasUsed", "success", "error", "revertData"}},
//                      "results": [{"to", "success", "returnData", "gasUsed", "error",
//                                   "logs": [{"address", "topics": ["0x.."], "data"}]}]}
//                     Each deployment and call runs as a transaction does: the warm set (EIP-2929) is reset and
//                     holds only the sender, the target and the precompiles; gasUsed is execution gas (the
//                     21,000 and calldata of the transaction itself are not included).
//   snarkjs-verifier  {"vk": <verification_key.json>}
//                  -> {"source": "..."}  what `snarkjs zkey export solidityverifier` writes for that key
//                     (the same call: snarkjs's Groth16 template rendered by ejs with the key)

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const EVM_VERSION = "prague";
const GAS_LIMIT = 30_000_000n;

function readStdin() {
    return JSON.parse(readFileSync(0, "utf8"));
}

function compile({ sources }) {
    const solc = require("solc");
    const input = {
        language: "Solidity",
        sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
        settings: {
            optimizer: { enabled: true, runs: 200 },
            evmVersion: EVM_VERSION,
            outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "evm.methodIdentifiers"] } },
        },
    };
    const output = JSON.parse(solc.compile(JSON.stringify(input)));
    const messages = output.errors ?? [];
    const errors = messages.filter((m) => m.severity === "error");
    if (errors.length) {
        throw new Error(`solc ${solc.version()}:\n${errors.map((m) => m.formattedMessage).join("\n")}`);
    }
    const contracts = {};
    for (const [file, byName] of Object.entries(output.contracts ?? {})) {
        contracts[file] = {};
        for (const [name, c] of Object.entries(byName)) {
            contracts[file][name] = {
                abi: c.abi,
                bytecode: "0x" + c.evm.bytecode.object,
                deployedSize: c.evm.deployedBytecode.object.length / 2,
                methodIdentifiers: c.evm.methodIdentifiers,
            };
        }
    }
    const warnings = messages.map((m) => ({ file: m.sourceLocation?.file ?? null, message: m.formattedMessage }));
    return { solcVersion: solc.version(), contracts, warnings };
}

function word(value) {
    const n = BigInt(value);
    if (n < 0n || n >= 1n << 256n) throw new Error(`argument ${value} does not fit a uint256`);
    return n.toString(16).padStart(64, "0");
}

function encode(selector, args) {
    return "0x" + selector.replace(/^0x/, "") + args.flat(Infinity).map(word).join("");
}

function callData(call) {
    if (call.data !== undefined) return call.data;
    if (call.args !== undefined) return encode(call.selector, call.args);
    if (call.calldata !== undefined) return encode(call.selector, JSON.parse(`[${call.calldata}]`));
    throw new Error(`call ${JSON.stringify(call)}: give data, args or calldata`);
}

async function call({ bytecode, calls }) {
    const { Common, Hardfork, Mainnet } = await import("@ethereumjs/common");
    const { createEVM } = await import("@ethereumjs/evm");
    const { Account, bytesToHex, createAddressFromString, hexToBytes } = await import("@ethereumjs/util");

    const evm = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Prague }) });
    const caller = createAddressFromString("0x00000000000000000000000000000000000000ee");
    await evm.stateManager.putAccount(caller, new Account(0n, 10n ** 18n));
    const deployed = await evm.runCall({ caller, data: hexToBytes(bytecode), gasLimit: GAS_LIMIT });
    if (deployed.execResult.exceptionError || !deployed.createdAddress) {
        throw new Error(`deployment failed: ${deployed.execResult.exceptionError?.error ?? "no address"}`);
    }
    const to = deployed.createdAddress;
    const results = [];
    for (const c of calls) {
        const data = callData(c);
        const res = await evm.runCall({ caller, to, data: hexToBytes(data), gasLimit: GAS_LIMIT });
        const error = res.execResult.exceptionError?.error ?? null;
        results.push({
            data,
            success: error === null,
            returnData: bytesToHex(res.execResult.returnValue),
            gasUsed: Number(res.execResult.executionGasUsed),
            error,
        });
    }
    const code = await evm.stateManager.getCode(to);
    return { deployedSize: code.length, results };
}

const DEFAULT_SENDER = "0x00000000000000000000000000000000000000ee";
const DEFAULT_BLOCK = { number: 1, timestamp: 1_700_000_000 };

async function session({ deploy = [], calls = [] }) {
    const { Common, Hardfork, Mainnet } = await import("@ethereumjs/common");
    const { createEVM } = await import("@ethereumjs/evm");
    const { Account, bytesToHex, createAddressFromString, createZeroAddress, hexToBytes } = await import(
        "@ethereumjs/util"
    );

    const evm = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Prague }) });
    const funded = new Set();
    async function sender(address) {
        const from = createAddressFromString(address ?? DEFAULT_SENDER);
        if (!funded.has(from.toString())) {
            await evm.stateManager.putAccount(from, new Account(0n, 10n ** 21n));
            funded.add(from.toString());
        }
        return from;
    }
    function block(given) {
        const { number, timestamp } = { ...DEFAULT_BLOCK, ...(given ?? {}) };
        const header = {
            number: BigInt(number),
            timestamp: BigInt(timestamp),
            coinbase: createZeroAddress(),
            difficulty: 0n,
            prevRandao: new Uint8Array(32),
            gasLimit: GAS_LIMIT,
            baseFeePerGas: undefined,
            slotNumber: 0n,
            getBlobGasPrice: () => undefined,
        };
        return { header };
    }
    // What runTx does before a transaction: a fresh warm set of sender, target and precompiles.
    async function startTransaction(from, to) {
        await evm.journal.cleanup();
        evm.journal.addAlwaysWarmAddress(from.toString());
        if (to) evm.journal.addAlwaysWarmAddress(to.toString());
        for (const address of evm.precompiles.keys()) evm.journal.addAlwaysWarmAddress(address);
    }
    function outcome(res) {
        return {
            success: res.execResult.exceptionError === undefined,
            error: res.execResult.exceptionError?.error ?? null,
            returnData: bytesToHex(res.execResult.returnValue),
            gasUsed: Number(res.execResult.executionGasUsed),
        };
    }

    const deployed = {};
    for (const d of deploy) {
        const from = await sender(d.from);
        await startTransaction(from, null);
        const data = hexToBytes(d.bytecode + (d.args ?? "0x").replace(/^0x/, ""));
        const res = await evm.runCall({ caller: from, data, gasLimit: GAS_LIMIT, block: block(d.block) });
        const address = res.createdAddress;
        const code = address ? await evm.stateManager.getCode(address) : new Uint8Array();
        const { returnData, ...result } = outcome(res); // returnData: the runtime code, or a revert reason
        deployed[d.name] = {
            ...result,
            revertData: result.success ? null : returnData,
            address: address?.toString() ?? null,
            deployedSize: code.length,
        };
    }

    const results = [];
    for (const c of calls) {
        let to;
        if (typeof c.to === "object") {
            const word = results[c.to.returned]?.returnData;
            if (!word || word.length !== 66) throw new Error(`call ${JSON.stringify(c.to)}: no address returned`);
            to = createAddressFromString("0x" + word.slice(26));
        } else {
            const address = deployed[c.to]?.address ?? c.to;
            if (!address) throw new Error(`call to ${c.to}: not deployed`);
            to = createAddressFromString(address);
        }
        const from = await sender(c.from);
        await startTransaction(from, to);
        const res = await evm.runCall({
            caller: from,
            to,
            data: hexToBytes(c.data),
            value: BigInt(c.value ?? 0),
            gasLimit: GAS_LIMIT,
            block: block(c.block),
        });
        const logs = (res.execResult.logs ?? []).map(([address, topics, data]) => ({
            address: bytesToHex(address),
            topics: topics.map(bytesToHex),
            data: bytesToHex(data),
        }));
        results.push({ to: to.toString(), ...outcome(res), logs });
    }
    return { deployed, results };
}

function snarkjsVerifier({ vk }) {
    const ejs = require("ejs");
    const snarkjsDir = dirname(dirname(require.resolve("snarkjs"))); // <root>/build/main.cjs
    const template = readFileSync(join(snarkjsDir, "templates", "verifier_groth16.sol.ejs"), "utf8");
    return { source: ejs.render(template, vk) };
}

const COMMANDS = { compile, call, session, "snarkjs-verifier": snarkjsVerifier };

async function main() {
    const command = COMMANDS[process.argv[2]];
    if (!command) {
        process.stderr.write(`usage: node evm_tool.mjs ${Object.keys(COMMANDS).join("|")} < request.json\n`);
        process.exit(2);
    }
    try {
        process.stdout.write(JSON.stringify(await command(readStdin())));
    } catch (error) {
        process.stderr.write(`${error.stack ?? error}\n`);
        process.exit(1);
    }
}

await main();
