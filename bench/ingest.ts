/**
 * `npx tsx bench/ingest.ts [--senders 200] [--transfers 25] [--erc20 10]`: sustained ingestion from
 * eth_sendRawTransaction to the block, one Kairos validator (n=1, a `kairos node` process) against anvil
 * with 1-second interval mining, same client, same pre-signed transactions (anvil runs with our chain
 * ID, so the very same raw bytes go to both). Workloads: plain USDC transfers and ERC-20 transfers of
 * one token deployed on both, from many senders funded by the dev accounts.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { Address, Hex } from "viem";
import { TestDevnet } from "../test/e2e/helpers/devnet.js";
import { startAnvil } from "./ingest/anvil.js";
import { childPids, cpuSeconds } from "./ingest/cpu.js";
import { measureThroughput, type RunResult } from "./ingest/measure.js";
import { tokenDeployment, transferCall } from "./ingest/token.js";
import {
  devSigners,
  GWEI,
  KAIROS_CHAIN_ID,
  type Receipt,
  rpcCall,
  type SignedTx,
  type Signer,
  sendRaw,
  signerFromSeed,
  TxSigner,
  USDC,
  waitForReceipts,
} from "./ingest/workload.js";

const { values } = parseArgs({
  options: {
    senders: { type: "string", default: "200" },
    transfers: { type: "string", default: "25" },
    erc20: { type: "string", default: "10" },
    only: { type: "string" },
  },
});
const SENDERS = Number(values.senders);
const TRANSFERS = Number(values.transfers);
const ERC20 = Number(values.erc20);
const FEES = { maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: GWEI };

const signer = new TxSigner(KAIROS_CHAIN_ID);
const devs = devSigners();
const senders = Array.from({ length: SENDERS }, (_, i) => signerFromSeed(50_000 + i));
const recipient = (i: number): Address =>
  `0x00000000000000000000000000000000000e${(i % 4096).toString(16).padStart(4, "0")}` as Address;

/** Deploys the token (dev 0, nonce 0), gives every sender tokens and 1 USDC of gas money; returns the token. */
async function prepare(url: string): Promise<Address> {
  const deploy = signer.sign(devs[0], {
    nonce: 0n,
    to: null,
    data: tokenDeployment(10n ** 30n),
    gasLimit: 1_000_000n,
    ...FEES,
  });
  await expectSent(url, [deploy]);
  const [receipt] = [...(await waitForReceipts(url, [deploy.hash])).values()] as (Receipt & {
    contractAddress: Address;
  })[];
  const token = receipt.contractAddress;
  const setup: SignedTx[] = [];
  for (const [i, s] of senders.entries()) {
    setup.push(
      signer.sign(devs[0], {
        nonce: BigInt(1 + i),
        to: token,
        data: transferCall(s.address, 10n ** 24n),
        gasLimit: 100_000n,
        ...FEES,
      }),
    );
    const payer = 1 + (i % 9);
    setup.push(
      signer.sign(devs[payer], { nonce: BigInt(Math.floor(i / 9)), to: s.address, value: USDC, ...FEES }),
    );
  }
  await expectSent(url, setup);
  await waitForReceipts(
    url,
    setup.map((tx) => tx.hash),
    { timeoutMs: 300_000, pollMs: 250 },
  );
  return token;
}

async function expectSent(url: string, txs: readonly SignedTx[]): Promise<void> {
  const refused = (await sendRaw(url, txs)).find((a) => a.error);
  if (refused) throw new Error(`refused: ${refused.error?.message}`);
}

/** Round-robin over senders, each sender's nonces in order: what many independent wallets look like. */
function workload(
  count: number,
  firstNonce: number,
  tx: (s: Signer, i: number, nonce: bigint) => SignedTx,
): SignedTx[] {
  const txs: SignedTx[] = [];
  for (let k = 0; k < count; k++)
    for (const [i, s] of senders.entries()) txs.push(tx(s, i, BigInt(firstNonce + k)));
  return txs;
}

interface Measured extends RunResult {
  /** CPU the server spent per landed transaction, from the first send to the last block read. */
  serverCpuMsPerTx: number;
}

interface Row {
  target: string;
  plain?: Measured;
  erc20?: Measured;
}

/** CPU seconds the server under test has used so far. */
type ServerCpu = () => number;

async function runOn(target: string, url: string, serverCpu: ServerCpu): Promise<Row> {
  const token = await prepare(url);
  // Pre-signed before the clock starts; the token lands at the same address on both chains.
  const plain = workload(TRANSFERS, 0, (s, i, nonce) =>
    signer.sign(s, { nonce, to: recipient(i), value: 1n, ...FEES }),
  );
  const erc20 = workload(ERC20, TRANSFERS, (s, i, nonce) =>
    signer.sign(s, { nonce, to: token, data: transferCall(recipient(i), 1n), gasLimit: 65_000n, ...FEES }),
  );
  const row: Row = { target };
  const measured = async (txs: SignedTx[]) => {
    const cpu = serverCpu();
    const result = await measureThroughput(url, txs);
    return { ...result, serverCpuMsPerTx: ((serverCpu() - cpu) * 1000) / result.count };
  };
  row.plain = await measured(plain);
  console.error(`${target} plain: ${JSON.stringify(row.plain)}`);
  row.erc20 = await measured(erc20);
  console.error(`${target} erc20: ${JSON.stringify(row.erc20)}`);
  return row;
}

async function kairos(): Promise<Row> {
  const devnet = await TestDevnet.create({ validators: 1, emptyBlockIntervalMs: 1_000 });
  devnet.startAll();
  try {
    await devnet.waitForHeight(1, [0]);
    const url = `http://127.0.0.1:${devnet.ports.rpc}`;
    const [validator] = childPids();
    return await runOn("kairos n=1", url, () => cpuSeconds(validator));
  } finally {
    await devnet.stop();
  }
}

async function anvil(): Promise<Row> {
  const node = await startAnvil({ chainId: KAIROS_CHAIN_ID, blockTimeSeconds: 1 });
  try {
    const chainId = await rpcCall<Hex>(node.url, "eth_chainId");
    if (BigInt(chainId) !== KAIROS_CHAIN_ID) throw new Error(`anvil chain id ${chainId}`);
    return await runOn("anvil --block-time 1", node.url, () => cpuSeconds(node.pid));
  } finally {
    await node.stop();
  }
}

const fmt = (r: Measured | undefined) =>
  r
    ? `${r.txPerSecond.toFixed(0)} tx/s (${r.count} in ${r.seconds.toFixed(1)} s; p50 ${r.p50Ms.toFixed(0)} ms, p90 ${r.p90Ms.toFixed(0)} ms; ${r.refused} refused; server CPU ${r.serverCpuMsPerTx.toFixed(2)} ms/tx)`
    : "—";

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
const rows: Row[] = [];
if (values.only !== "anvil") rows.push(await kairos());
if (values.only !== "kairos") rows.push(await anvil());
console.log(
  `\nsenders ${SENDERS}; plain transfers ${SENDERS * TRANSFERS}; ERC-20 transfers ${SENDERS * ERC20}`,
);
console.log("| target | plain transfers | ERC-20 transfers |\n|---|---|---|");
for (const row of rows) console.log(`| ${row.target} | ${fmt(row.plain)} | ${fmt(row.erc20)} |`);
if (rows.length === 2 && rows[0].plain && rows[1].plain && rows[0].erc20 && rows[1].erc20) {
  console.log(
    `| ratio kairos/anvil | ${(rows[0].plain.txPerSecond / rows[1].plain.txPerSecond).toFixed(2)}× | ${(rows[0].erc20.txPerSecond / rows[1].erc20.txPerSecond).toFixed(2)}× |`,
  );
}
