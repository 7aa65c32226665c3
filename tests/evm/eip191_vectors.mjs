// EIP-191 personal-message signatures and Keccak-256 digests made by ethers (pinned in package.json),
// the independent reference zkreceipt's invoice signing must reproduce (tests/receipts/test_eip191_vectors.py).
//
// stdin:  {"signatures": [{"secret": "<64 hex>", "message": "<hex>"}, ...], "keccak": ["<hex>", ...]}
// stdout: {"ethers": "<version>", "signatures": [{secret, message, address, digest, r, s, v}, ...],
//          "keccak": [{"message": "<hex>", "digest": "<64 hex>"}, ...]}
import { readFileSync } from "node:fs";
import { Signature, Wallet, getBytes, hashMessage, hexlify, keccak256, version } from "ethers";

const request = JSON.parse(readFileSync(0, "utf8"));
const hex = (text) => getBytes("0x" + text);
const bare = (value) => value.slice(2);

const signatures = request.signatures.map(({ secret, message }) => {
  const wallet = new Wallet("0x" + secret);
  const signature = Signature.from(wallet.signMessageSync(hex(message)));
  return {
    secret,
    message,
    address: wallet.address,
    digest: bare(hashMessage(hex(message))),
    r: bare(signature.r),
    s: bare(signature.s),
    v: signature.v,
  };
});
const keccak = request.keccak.map((message) => ({ message, digest: bare(keccak256(hex(message))) }));
process.stdout.write(JSON.stringify({ ethers: version, signatures, keccak }, null, 1) + "\n");
