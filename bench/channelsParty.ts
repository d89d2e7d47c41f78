/**
 * Builds one party of the benchmark channel: shared by bench/channels.ts (payer, and payee when both run
 * on one thread) and bench/channelsPayee.ts (the payee on its own thread).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { Channel } from "../src/channels/channel.js";
import { channelId } from "../src/channels/channelId.js";
import { LevelChannelStore } from "../src/channels/levelStore.js";
import { MemoryDepositLedger } from "../src/channels/memoryLedger.js";
import { nativeCrypto, nativeSigner } from "../src/channels/nativeCrypto.js";
import type { PortLike } from "../src/channels/portTransport.js";
import { type ChannelStore, MemoryChannelStore } from "../src/channels/store.js";
import type { ChannelTransport } from "../src/channels/transport.js";
import type { ChannelDomain, ChannelParams } from "../src/channels/types.js";

// Dev accounts 0 and 1 of `test test … junk`.
export const KEYS: readonly Hex[] = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
];
export const DEPOSIT = 10n ** 30n;
export const domain: ChannelDomain = {
  chainId: 1262569810,
  adjudicator: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
};

export function benchParams(nonce: bigint): ChannelParams {
  const participants = KEYS.map((k) => privateKeyToAddress(k));
  return { participants, payees: participants, nonce, challengePeriod: 3600n };
}

export type Persistence = "memory" | "leveldb";

export async function openStore(persistence: Persistence): Promise<ChannelStore> {
  if (persistence === "memory") return new MemoryChannelStore();
  return LevelChannelStore.open(mkdtempSync(join(tmpdir(), "kairos-bench-channel-")));
}

export async function party(
  me: 0 | 1,
  nonce: bigint,
  transport: ChannelTransport,
  store: ChannelStore,
  window: number,
  burst?: number,
): Promise<Channel> {
  const params = benchParams(nonce);
  const ledger = new MemoryDepositLedger();
  ledger.credit(channelId(params, domain.chainId, domain.adjudicator), 0, DEPOSIT);
  return Channel.create({
    params,
    domain,
    me,
    signer: nativeSigner(KEYS[me]),
    crypto: nativeCrypto(domain),
    transport,
    store,
    depositLedger: ledger,
    window,
    burst,
    timeoutMs: 60_000,
  });
}

/** This thread's CPU time so far, in µs (process.threadCpuUsage: this thread only). */
export function threadCpu(): number {
  const { user, system } = process.threadCpuUsage();
  return user + system;
}

/**
 * A clock that runs with this thread's CPU time and jumps forward to the stamp of any message sent
 * "later" than it: the time this thread would be at if each thread had a core to itself and messages
 * took no time to cross. Read at the payer once a run is over, it gives the run's duration on an idle
 * machine, whatever the neighbours took from this one. An estimate: the order of events is still the
 * loaded run's, and a thread's CPU time advances in scheduler ticks (4 ms here), so only a whole run's
 * figure means anything.
 */
export class ModelClock {
  private offset = 0;

  now(): number {
    return threadCpu() + this.offset;
  }

  /** A message stamped `at` has arrived: work after it cannot have started before `at`. */
  observe(at: number): void {
    const now = this.now();
    if (at > now) this.offset += at - now;
  }

  /** Sets the clock to `at` (an idle thread at the start of a run, to agree with the other one). */
  set(at: number): void {
    this.offset += at - this.now();
  }
}

/** `port` with every posted value stamped by `clock`, and the clock advanced by every stamp received. */
export function stampedPort(port: PortLike, clock: ModelClock): PortLike {
  const wrapped = new Map<(value: unknown) => void, (value: unknown) => void>();
  return {
    postMessage: (value) => port.postMessage({ stamped: value, at: clock.now() }),
    on(event, listener) {
      const unwrap = (message: unknown) => {
        const { stamped, at } = message as { stamped?: unknown; at?: number };
        if (at === undefined) return listener(message);
        clock.observe(at);
        listener(stamped);
      };
      wrapped.set(listener, unwrap);
      return port.on(event, unwrap);
    },
    off: (event, listener) => port.off(event, wrapped.get(listener) ?? listener),
  };
}
