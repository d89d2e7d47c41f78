import { bytesToHex, decodeErrorResult, encodeFunctionData, type Hex, hexToBytes, parseAbi } from "viem";
import { describe, expect, it } from "vitest";
import { BlockExecution } from "../../../src/execution/block-execution.js";
import { DEV_ACCOUNT_BALANCE } from "../../../src/execution/genesis.js";
import { decodeTransaction } from "../../../src/execution/tx-validation.js";
import {
  USDC_PRECOMPILE_ADDRESS,
  USDC_TOKEN_ADDRESS,
  usdcPrecompileAbi,
} from "../../../src/execution/usdc-precompile.js";
import { MemoryStore } from "../../../src/storage/index.js";
import { FORWARDER_RUNTIME } from "./contracts.js";
import { devKeys, ethAddress, FEE_RECIPIENT, openChain, signTx, testGenesis } from "./helpers.js";

const IMPOSTOR = "0x00000000000000000000000000000000000b0b00";
const ALICE = devKeys[0].address;
const BOB = "0x00000000000000000000000000000000000000b0";
const errorAbi = parseAbi(["error Error(string)"]);

async function setup() {
  const alloc = Object.fromEntries(devKeys.map((k) => [k.address, { balance: DEV_ACCOUNT_BALANCE }]));
  const genesis = testGenesis({
    ...alloc,
    [USDC_TOKEN_ADDRESS]: { balance: 0n, code: FORWARDER_RUNTIME },
    [IMPOSTOR]: { balance: 0n, code: FORWARDER_RUNTIME },
  });
  const chain = await openChain(new MemoryStore(), genesis);
  const parent = chain.finalHead.header;
  const execution = await BlockExecution.begin(chain.context, parent.stateRoot, {
    parentHash: parent.hash(),
    number: 1n,
    gasLimit: parent.gasLimit,
    baseFeePerGas: parent.baseFeePerGas,
    coinbase: ethAddress(FEE_RECIPIENT),
    timestamp: 1n,
  });
  let nonce = 0n;
  const send = async (to: Hex, data: Hex) => {
    const tx = signTx(chain.common, devKeys[1], { to, nonce: nonce++, data, gasLimit: 100_000n });
    return execution.apply(decodeTransaction(tx.serialize(), chain.common));
  };
  const balance = async (address: Hex) => {
    const root = (await execution.finish()).stateRoot;
    return (await (await chain.world.at(root)).getAccount(ethAddress(address)))?.balance ?? 0n;
  };
  return { chain, send, balance };
}

const transfer = (from: Hex, to: Hex, amount: bigint) =>
  encodeFunctionData({ abi: usdcPrecompileAbi, functionName: "transfer", args: [from, to, amount] });

describe("USDC native-transfer precompile at 0x…1000", () => {
  it("moves native balance when the token calls it, keeping the supply", async () => {
    const { send, balance, chain } = await setup();
    const { receipt } = await send(USDC_TOKEN_ADDRESS, transfer(ALICE, BOB, 7n * 10n ** 18n));
    expect(receipt.status).toBe(1);
    expect(await balance(BOB)).toBe(7n * 10n ** 18n);
    expect(await balance(ALICE)).toBe(DEV_ACCOUNT_BALANCE - 7n * 10n ** 18n);
    expect(chain.supply).toBe(10n * DEV_ACCOUNT_BALANCE);
  });

  it("reverts a transfer above the balance and moves nothing", async () => {
    const { send, balance } = await setup();
    const { receipt } = await send(USDC_TOKEN_ADDRESS, transfer(BOB, ALICE, 1n));
    expect(receipt.status).toBe(0);
    expect(await balance(ALICE)).toBe(DEV_ACCOUNT_BALANCE);
  });

  it("refuses every caller but the token", async () => {
    const { send, balance } = await setup();
    const viaImpostor = await send(IMPOSTOR, transfer(ALICE, BOB, 1n));
    expect(viaImpostor.receipt.status).toBe(0);
    const direct = await send(USDC_PRECOMPILE_ADDRESS, transfer(ALICE, BOB, 1n));
    expect(direct.receipt.status).toBe(0);
    expect(await balance(BOB)).toBe(0n);
  });

  it("answers totalSupply() with the genesis supply through an eth_call-like message", async () => {
    const { chain } = await setup();
    const state = await chain.world.at(chain.finalHead.header.stateRoot);
    const { createVM } = await import("@ethereumjs/vm");
    const { trackCallers } = await import("../../../src/execution/usdc-precompile.js");
    const vm = await createVM({
      common: chain.common,
      stateManager: state,
      evmOpts: { customPrecompiles: chain.context.precompiles },
    });
    trackCallers(vm.evm);
    const result = await vm.evm.runCall({
      caller: ethAddress(devKeys[0].address),
      to: ethAddress(USDC_TOKEN_ADDRESS),
      data: hexToBytes(encodeFunctionData({ abi: usdcPrecompileAbi, functionName: "totalSupply" })),
      gasLimit: 100_000n,
    });
    expect(result.execResult.exceptionError).toBeUndefined();
    expect(BigInt(bytesToHex(result.execResult.returnValue))).toBe(chain.supply);
    const refused = await vm.evm.runCall({
      caller: ethAddress(devKeys[0].address),
      to: ethAddress(IMPOSTOR),
      data: hexToBytes(encodeFunctionData({ abi: usdcPrecompileAbi, functionName: "totalSupply" })),
      gasLimit: 100_000n,
    });
    const reason = decodeErrorResult({ abi: errorAbi, data: bytesToHex(refused.execResult.returnValue) });
    expect(reason.args[0]).toBe("USDC precompile: caller is not the token");
  });
});
