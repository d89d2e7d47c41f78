/**
 * Running a message against a final block's state without a transaction: eth_call, eth_estimateGas
 * eth_createAccessList and debug_traceCall, with geth-style state overrides and a gas cap. Nothing is
 * ever committed: each run writes into an overlay over the block's shared read view (overlay-state.ts).
 * VMs are pooled and reused across calls and blocks, since building one costs more than a call.
 */
import type { Block } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { paramsTx } from "@ethereumjs/tx";
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
  keccak256,
  padHex,
} from "viem";
import { EIP7825_MAX_TX_GAS } from "./block-execution.js";
import type { Blockchain } from "./blockchain.js";
import { enableJumpAnalysisCache } from "./jump-analysis-cache.js";
import { OverlayState } from "./overlay-state.js";
import { createTracer, listen, type Trace, type TraceConfig } from "./tracing/index.js";
import { traceTransaction } from "./tracing/replay.js";
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

/** eth_call's gas stayed under the message's own intrinsic gas: nothing ran. */
export class IntrinsicGasError extends Error {
  readonly code = "INTRINSIC_GAS_TOO_LOW";
  constructor(
    readonly gas: bigint,
    readonly intrinsic: bigint,
  ) {
    super(`intrinsic gas too low: have ${gas}, want ${intrinsic}`);
  }
}

/** Idle sessions kept for reuse (each a VM over its own overlay state). */
const IDLE_SESSIONS = 64;

export class Simulator {
  /** Idle sessions, most recently used last; any of them serves any block. */
  private readonly idle: SimulationSession[] = [];
  private readonly txRules: Common;

  constructor(private readonly chain: Blockchain) {
    this.txRules = transactionRules(chain.common);
  }

  async call(message: CallMessage, at: Hash, options: SimulationOptions): Promise<CallOutcome> {
    return this.withSession(at, options, (session) => session.run(message, this.gasFor(message, options)));
  }

  /** The lowest gas limit at which the message succeeds (geth's binary search). */
  async estimateGas(message: CallMessage, at: Hash, options: SimulationOptions): Promise<bigint> {
    return this.withSession(at, options, async (session) => {
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
    });
  }

  async createAccessList(
    message: CallMessage,
    at: Hash,
    options: SimulationOptions,
  ): Promise<AccessListOutcome> {
    return this.withSession(at, options, async (session) => {
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
    });
  }

  /** debug_traceCall: the message run as eth_call runs it, with a tracer listening. */
  async traceCall(
    message: CallMessage,
    at: Hash,
    options: SimulationOptions,
    config: TraceConfig,
  ): Promise<Trace> {
    return this.withSession(at, options, async (session) => {
      const gas = this.gasFor(message, options);
      const intrinsic = session.intrinsicGas(message);
      if (gas < intrinsic) throw new IntrinsicGasError(gas, intrinsic);
      const tracer = createTracer(config);
      const stop = listen(session.evm, tracer);
      let outcome: CallOutcome;
      try {
        outcome = await session.run(message, gas);
      } finally {
        stop();
      }
      return tracer.result({
        gasLimit: gas,
        gasUsed: outcome.gasUsed,
        failed: outcome.status !== "success",
        returnValue: outcome.returnData,
      });
    });
  }

  /** debug_traceTransaction: the final transaction replayed in its block (see tracing/replay.ts). */
  traceTransaction(hash: Hash, config: TraceConfig, signal?: AbortSignal): Promise<Trace | undefined> {
    return traceTransaction(this.chain, hash, config, signal);
  }

  private gasFor(message: CallMessage, options: SimulationOptions): bigint {
    let gas = message.gas ?? options.gasCap;
    if (gas > options.gasCap) gas = options.gasCap;
    if (this.chain.common.isActivatedEIP(7825) && gas > EIP7825_MAX_TX_GAS) gas = EIP7825_MAX_TX_GAS;
    return gas;
  }

  /**
   * Runs `work` on a session positioned at block `at`. Sessions are pooled: building a VM costs far
   * more than a call, and a session keeps no state between runs (see OverlayState).
   */
  private async withSession<T>(
    at: Hash,
    options: SimulationOptions,
    work: (session: SimulationSession) => Promise<T>,
  ): Promise<T> {
    const block = await this.chain.finalBlock(at);
    if (block === undefined) throw new Error(`unknown block ${at}`);
    const base = await this.chain.world.readView(block.header.stateRoot);
    const session = this.idle.pop() ?? (await SimulationSession.open(this.chain, this.txRules, base));
    session.position(base, block, options.stateOverrides);
    try {
      return await work(session);
    } finally {
      this.idle.push(session);
      if (this.idle.length > IDLE_SESSIONS) this.idle.shift();
    }
  }
}

/**
 * One VM over an overlay state. Each run starts from the block's state (plus the overrides) and
 * leaves nothing behind.
 */
class SimulationSession {
  private base: MerkleStateManager;
  private block: Block | undefined;
  private overrides: ReadonlyMap<Address, AccountOverride> | undefined;

  private constructor(
    private readonly txRules: Common,
    private readonly vm: VM,
    private readonly state: OverlayState,
    base: MerkleStateManager,
  ) {
    this.base = base;
  }

  static async open(
    chain: Blockchain,
    txRules: Common,
    base: MerkleStateManager,
  ): Promise<SimulationSession> {
    const keccak = chain.common.customCrypto.keccak256 ?? ((data: Uint8Array) => keccak256(data, "bytes"));
    const state = new OverlayState(base, keccak);
    const vm = await createVM({
      common: chain.common,
      stateManager: state,
      evmOpts: { customPrecompiles: chain.context.precompiles },
    });
    trackCallers(vm.evm);
    await enableJumpAnalysisCache(vm.evm);
    return new SimulationSession(txRules, vm, state, base);
  }

  get evm(): VM["evm"] {
    return this.vm.evm;
  }

  /** `block` gives the environment (NUMBER, TIMESTAMP, COINBASE, BASEFEE...), `base` its state. */
  position(base: MerkleStateManager, block: Block, overrides?: ReadonlyMap<Address, AccountOverride>): void {
    this.base = base;
    this.block = block;
    this.overrides = overrides;
  }

  /** Runs the message on the block's state plus the overrides; nothing of it stays. */
  async run(message: CallMessage, gas: bigint): Promise<CallOutcome> {
    const intrinsic = this.intrinsicGas(message);
    if (gas < intrinsic)
      return { status: "halted", gasUsed: gas, returnData: "0x", error: "intrinsic gas too low" };
    this.state.reset(this.base);
    await applyOverrides(this.state, this.overrides);
    return this.execute(message, gas, intrinsic);
  }

  async runReportingAccess(message: CallMessage, gas: bigint) {
    const journal = this.vm.evm.journal;
    journal.startReportingAccessList();
    try {
      const outcome = await this.run(message, gas);
      const touched = new Map<string, Set<string>>(journal.accessList ?? []);
      return { outcome, touched };
    } finally {
      journal.accessList = undefined;
    }
  }

  intrinsicGas(message: CallMessage): bigint {
    return intrinsicGas(this.txRules, message);
  }

  private async execute(message: CallMessage, gas: bigint, intrinsic: bigint): Promise<CallOutcome> {
    const caller = createAddressFromString(message.from ?? createZeroAddress().toString());
    const journal = this.vm.evm.journal;
    journal.cleanJournal();
    // What a transaction finds warm before its first opcode (EIP-2929, EIP-3651), as runTx sets it.
    for (const address of this.vm.evm.precompiles.keys()) journal.addAlwaysWarmAddress(address);
    journal.addAlwaysWarmAddress(caller.toString());
    if (message.to) journal.addAlwaysWarmAddress(message.to.toLowerCase());
    const block = this.block;
    if (block === undefined) throw new Error("simulation session used before position()");
    journal.addAlwaysWarmAddress(block.header.coinbase.toString());
    for (const item of message.accessList ?? []) {
      const address = item.address.slice(2).toLowerCase();
      journal.addAlwaysWarmAddress(address, true);
      for (const key of item.storageKeys) journal.addAlwaysWarmSlot(address, key.slice(2), true);
    }
    const result = await this.vm.evm.runCall({
      caller,
      origin: caller,
      ...(message.to ? { to: createAddressFromString(message.to) } : {}),
      value: message.value ?? 0n,
      data: message.data === undefined ? EMPTY : hexToBytes(message.data),
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
}

const EMPTY = new Uint8Array(0);

/**
 * What a transaction carrying this message would pay before running, as EthereumJS counts it
 * (`getIntrinsicGas`), without building a transaction: that copies the Common on every call.
 * `rules` is the chain's Common with the transaction parameters loaded.
 */
export function intrinsicGas(rules: Common, message: CallMessage): bigint {
  const data = message.data === undefined ? EMPTY : hexToBytes(message.data);
  let gas = rules.param("txGas");
  const zero = rules.param("txDataZeroGas");
  const nonZero = rules.param("txDataNonZeroGas");
  for (const byte of data) gas += byte === 0 ? zero : nonZero;
  if (!message.to) {
    gas += rules.param("txCreationGas");
    if (rules.isActivatedEIP(3860))
      gas += rules.param("initCodeWordGas") * BigInt(Math.ceil(data.length / 32));
  }
  for (const item of message.accessList ?? []) {
    gas += rules.param("accessListAddressGas");
    gas += rules.param("accessListStorageKeyGas") * BigInt(item.storageKeys.length);
  }
  return gas;
}

/** The chain's rules with the transaction parameters (intrinsic gas) loaded. */
export function transactionRules(common: Common): Common {
  const rules = common.copy();
  rules.updateParams(paramsTx);
  return rules;
}

async function applyOverrides(
  state: OverlayState,
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
