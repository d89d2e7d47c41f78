/**
 * Running a message against a final block's state without a transaction: eth_call, eth_estimateGas
 * and eth_createAccessList, with geth-style state overrides and a gas cap. Nothing is ever committed.
 */
import { createBlock } from "@ethereumjs/block";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { Account, createAddressFromString, createZeroAddress } from "@ethereumjs/util";
import { createVM, type VM } from "@ethereumjs/vm";
import {
  type AccessList,
  type Address,
  bytesToHex,
  getAddress,
  type Hash,
  type Hex,
  hexToBytes,
  padHex,
} from "viem";
import { EIP7825_MAX_TX_GAS } from "./block-execution.js";
import type { Blockchain } from "./blockchain.js";
import { trackCallers, USDC_PRECOMPILE_ADDRESS } from "./usdc-precompile.js";

export interface CallMessage {
  from?: Address;
  to?: Address | null;
  gas?: bigint;
  value?: bigint;
  data?: Hex;
  accessList?: AccessList;
}

/** geth's state override set for one account: `state` replaces all storage, `stateDiff` patches it. */
export interface AccountOverride {
  balance?: bigint;
  nonce?: bigint;
  code?: Hex;
  state?: ReadonlyMap<Hex, Hex>;
  stateDiff?: ReadonlyMap<Hex, Hex>;
}

export interface SimulationOptions {
  /** Gas to run with when the message sets none; also the upper bound of any it sets. */
  gasCap: bigint;
  stateOverrides?: ReadonlyMap<Address, AccountOverride>;
}

export interface CallOutcome {
  status: "success" | "reverted" | "halted";
  gasUsed: bigint;
  returnData: Hex;
  error?: string;
}

export interface AccessListOutcome {
  accessList: AccessList;
  gasUsed: bigint;
  error?: string;
}

/** eth_estimateGas found no gas limit under the cap at which the message succeeds. */
export class GasEstimationError extends Error {
  readonly code = "GAS_ESTIMATION_FAILED";
  constructor(readonly outcome: CallOutcome) {
    super(
      outcome.status === "reverted"
        ? "execution reverted"
        : `gas required exceeds allowance (${outcome.error})`,
    );
  }
}

export class Simulator {
  constructor(private readonly chain: Blockchain) {}

  async call(message: CallMessage, at: Hash, options: SimulationOptions): Promise<CallOutcome> {
    const session = await this.open(at, options);
    return session.run(message, this.gasFor(message, options));
  }

  /** The lowest gas limit at which the message succeeds (geth's binary search). */
  async estimateGas(message: CallMessage, at: Hash, options: SimulationOptions): Promise<bigint> {
    const session = await this.open(at, options);
    let hi = this.gasFor(message, options);
    const first = await session.run(message, hi);
    if (first.status !== "success") throw new GasEstimationError(first);
    let lo = first.gasUsed - 1n;
    // Most messages need only what they used (plus the 1/64 withheld from sub-calls); try that first.
    const guess = (first.gasUsed * 64n) / 63n;
    if (guess < hi && (await session.run(message, guess)).status === "success") hi = guess;
    while (lo + 1n < hi) {
      const mid = (lo + hi) / 2n;
      if ((await session.run(message, mid)).status === "success") hi = mid;
      else lo = mid;
    }
    return hi;
  }

  async createAccessList(
    message: CallMessage,
    at: Hash,
    options: SimulationOptions,
  ): Promise<AccessListOutcome> {
    const session = await this.open(at, options);
    const gas = this.gasFor(message, options);
    const { outcome, touched } = await session.runReportingAccess(message, gas);
    const excluded = new Set(
      [message.from ?? createZeroAddress().toString(), message.to ?? "", USDC_PRECOMPILE_ADDRESS]
        .filter((a) => a !== "")
        .map((a) => a.toLowerCase()),
    );
    const accessList: { address: Address; storageKeys: Hex[] }[] = [];
    for (const [address, slots] of touched) {
      const prefixed = `0x${address}`.toLowerCase();
      if (excluded.has(prefixed) || isPrecompile(prefixed)) continue;
      accessList.push({
        address: getAddress(prefixed),
        storageKeys: [...slots].map((s) => padHex(`0x${s}`, { size: 32 })),
      });
    }
    const withList = await session.run({ ...message, accessList }, gas);
    return {
      accessList,
      gasUsed: withList.gasUsed,
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    };
  }

  private gasFor(message: CallMessage, options: SimulationOptions): bigint {
    let gas = message.gas ?? options.gasCap;
    if (gas > options.gasCap) gas = options.gasCap;
    if (this.chain.common.isActivatedEIP(7825) && gas > EIP7825_MAX_TX_GAS) gas = EIP7825_MAX_TX_GAS;
    return gas;
  }

  private async open(at: Hash, options: SimulationOptions): Promise<SimulationSession> {
    const block = await this.chain.finalBlock(at);
    if (block === undefined) throw new Error(`unknown block ${at}`);
    const state = await this.chain.world.at(block.header.stateRoot);
    await applyOverrides(state, options.stateOverrides);
    const vm = await createVM({
      common: this.chain.common,
      stateManager: state,
      evmOpts: { customPrecompiles: this.chain.context.precompiles },
    });
    trackCallers(vm.evm);
    return new SimulationSession(this.chain, vm, state, block.header.toJSON());
  }
}

class SimulationSession {
  constructor(
    private readonly chain: Blockchain,
    private readonly vm: VM,
    private readonly state: MerkleStateManager,
    private readonly header: ReturnType<import("@ethereumjs/block").BlockHeader["toJSON"]>,
  ) {}

  /** Runs the message from a clean copy of the state (a checkpoint reverted afterwards). */
  async run(message: CallMessage, gas: bigint): Promise<CallOutcome> {
    const intrinsic = this.intrinsicGas(message, gas);
    if (gas < intrinsic)
      return { status: "halted", gasUsed: gas, returnData: "0x", error: "intrinsic gas too low" };
    await this.state.checkpoint();
    try {
      return await this.execute(message, gas, intrinsic);
    } finally {
      await this.state.revert();
    }
  }

  async runReportingAccess(message: CallMessage, gas: bigint) {
    this.vm.evm.journal.startReportingAccessList();
    const outcome = await this.run(message, gas);
    const touched = new Map<string, Set<string>>(this.vm.evm.journal.accessList ?? []);
    return { outcome, touched };
  }

  private async execute(message: CallMessage, gas: bigint, intrinsic: bigint): Promise<CallOutcome> {
    const caller = createAddressFromString(message.from ?? createZeroAddress().toString());
    const block = createBlock({ header: this.header }, { common: this.chain.common, setHardfork: false });
    for (const item of message.accessList ?? []) {
      const address = item.address.slice(2).toLowerCase();
      this.vm.evm.journal.addAlwaysWarmAddress(address, true);
      for (const key of item.storageKeys) this.vm.evm.journal.addAlwaysWarmSlot(address, key.slice(2), true);
    }
    const result = await this.vm.evm.runCall({
      caller,
      origin: caller,
      ...(message.to ? { to: createAddressFromString(message.to) } : {}),
      value: message.value ?? 0n,
      data: hexToBytes(message.data ?? "0x"),
      gasLimit: gas - intrinsic,
      block,
    });
    const exec = result.execResult;
    const spent = intrinsic + exec.executionGasUsed;
    // Refunds are capped at a fifth of the gas spent (EIP-3529).
    const refund = exec.gasRefund !== undefined ? min(exec.gasRefund, spent / 5n) : 0n;
    const returnData = bytesToHex(exec.returnValue);
    if (exec.exceptionError === undefined) return { status: "success", gasUsed: spent - refund, returnData };
    if (exec.exceptionError.error === "revert") return { status: "reverted", gasUsed: spent, returnData };
    return { status: "halted", gasUsed: spent, returnData, error: exec.exceptionError.error };
  }

  private intrinsicGas(message: CallMessage, gas: bigint): bigint {
    const tx = createFeeMarket1559Tx(
      {
        ...(message.to ? { to: message.to } : {}),
        data: message.data ?? "0x",
        value: message.value ?? 0n,
        gasLimit: gas,
        accessList: (message.accessList ?? []).map((i) => ({
          address: i.address,
          storageKeys: [...i.storageKeys],
        })),
      },
      { common: this.chain.common },
    );
    return tx.getIntrinsicGas();
  }
}

async function applyOverrides(
  state: MerkleStateManager,
  overrides: ReadonlyMap<Address, AccountOverride> | undefined,
): Promise<void> {
  for (const [address, override] of overrides ?? []) {
    const target = createAddressFromString(address);
    const account = (await state.getAccount(target)) ?? new Account();
    if (override.balance !== undefined) account.balance = override.balance;
    if (override.nonce !== undefined) account.nonce = override.nonce;
    await state.putAccount(target, account);
    if (override.code !== undefined) await state.putCode(target, hexToBytes(override.code));
    if (override.state !== undefined) await state.clearStorage(target);
    for (const [slot, value] of [...(override.state ?? []), ...(override.stateDiff ?? [])]) {
      await state.putStorage(target, hexToBytes(padHex(slot, { size: 32 })), hexToBytes(value));
    }
  }
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const isPrecompile = (address: string) => BigInt(address) > 0n && BigInt(address) <= 0x11n;
