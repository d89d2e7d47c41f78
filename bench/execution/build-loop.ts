/**
 * Block builds alone, for profiling: R blocks (default 6) of 1,000 ERC-20 transfers (KIND=transfer:
 * plain transfers) built and committed on a memory store, CPU per build printed; PROF=<file> writes a
 * CPU profile of the builds only (signing is done before it starts).
 * Run: `PROF=/tmp/build.cpuprofile npx tsx bench/execution/build-loop.ts`.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { createAddressFromString } from "@ethereumjs/util";
import { encodeFunctionData, type Hex, keccak256, parseAbi, toHex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { BlockBuilder } from "../../src/execution/block-builder.js";
import { Blockchain } from "../../src/execution/blockchain.js";
import { USDC } from "../../src/execution/chain.js";
import { createGenesis, parseGenesis } from "../../src/execution/genesis.js";
import { decodeTransaction } from "../../src/execution/tx-validation.js";
import { MemoryStore } from "../../src/storage/index.js";
import { balanceSlot, compileBenchToken } from "./token.js";

const TXS = 1000,
  ROUNDS = Number(process.env.R ?? 6);
const TOKEN: Hex = "0x00000000000000000000000000000000000070c0";
const FEE = createAddressFromString("0x00000000000000000000000000000000000fee01");
const abi = parseAbi(["function transfer(address to, uint256 value) returns (bool)"]);
const keys = Array.from({ length: TXS }, (_, i) => keccak256(toHex(`kairos-bench-${i}`)));
const senders = keys.map((k) => privateKeyToAddress(k));
const storage: Record<Hex, Hex> = {};
for (const s of senders) storage[balanceSlot(s)] = toHex(10n ** 30n);
const genesis = parseGenesis(
  createGenesis({
    gasLimit: 60_000_000,
    validators: [{ index: 0, blsPublicKey: "0x00", peerId: "b", feeRecipient: FEE.toString() }],
    alloc: {
      ...Object.fromEntries(senders.map((s) => [s, { balance: 1_000n * USDC }])),
      [TOKEN]: { balance: 0n, code: compileBenchToken(), storage },
    },
  }),
);
const chain = await Blockchain.open(new MemoryStore(), genesis);
const { common } = chain;
const builder = new BlockBuilder(chain.context, genesis.feeParams);
const kind = process.env.KIND ?? "erc20";
const rounds = [];
for (let r = 0; r < ROUNDS; r++) {
  rounds.push(
    keys.map((key, i) => {
      const to = keccak256(toHex(`recipient-${r}-${i}`)).slice(0, 42) as Hex;
      const f =
        kind === "erc20"
          ? {
              to: TOKEN,
              value: 0n,
              gasLimit: 80_000n,
              data: encodeFunctionData({ abi, functionName: "transfer", args: [to, 1n] }),
            }
          : { to, value: 1n, gasLimit: 21_000n };
      return decodeTransaction(
        createFeeMarket1559Tx(
          {
            ...f,
            nonce: BigInt(r),
            chainId: common.chainId(),
            maxFeePerGas: 10n ** 11n,
            maxPriorityFeePerGas: 10n ** 9n,
          },
          { common },
        )
          .sign(Uint8Array.from(Buffer.from(key.slice(2), "hex")))
          .serialize(),
        common,
      );
    }),
  );
}
const session = new Session();
session.connect();
if (process.env.PROF) {
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
}
const out = [];
for (const decoded of rounds) {
  const parent = chain.finalHead.header;
  const cpu = process.cpuUsage();
  let i = 0;
  const built = await builder.build({
    parent,
    view: Number(parent.number) + 1,
    proposer: 0,
    feeRecipient: FEE,
    timestamp: parent.timestamp + 1n,
    candidates: { next: () => decoded[i++], skipSender: () => {} },
  });
  const u = process.cpuUsage(cpu);
  if (built.block.transactions.length !== TXS) throw new Error("lost " + built.rejected[0]?.error.message);
  out.push(((u.user + u.system) / 1000).toFixed(0));
  await chain.commitFinal(built);
}
if (process.env.PROF) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(process.env.PROF, JSON.stringify(profile));
}
console.log(
  kind,
  "build CPU ms per 1000:",
  out.join(" "),
  "load",
  (await import("node:os"))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" "),
);
