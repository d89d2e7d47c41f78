/**
 * A throw-away state for simulations (eth_call, eth_estimateGas, debug_traceCall): writes go to
 * in-memory layers, one per EVM checkpoint, and reads fall through to a shared read-only view of a final
 * block's state. The view's caches stay warm across calls (nothing is ever reverted in it), which a
 * checkpoint-and-revert on a private MerkleStateManager could not give: its caches drop every entry
 * first read inside the reverted checkpoint.
 */
import type { AccountFields, StateManagerInterface } from "@ethereumjs/common";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, type Address, bytesToUnprefixedHex, KECCAK256_NULL, unpadBytes } from "@ethereumjs/util";

/** The state views simulations read from are read-only: roots, proofs and copies are not theirs to give. */
export class OverlayStateError extends Error {
  readonly code = "OVERLAY_STATE_UNSUPPORTED";
}

interface Layer {
  /** null: deleted (self-destructed) in this layer. */
  readonly accounts: Map<string, Account | null>;
  readonly code: Map<string, Uint8Array>;
  readonly storage: Map<string, Map<string, Uint8Array>>;
  /** Accounts whose storage below this layer is gone (cleared or deleted). */
  readonly cleared: Set<string>;
}

const emptyLayer = (): Layer => ({
  accounts: new Map(),
  code: new Map(),
  storage: new Map(),
  cleared: new Set(),
});
const EMPTY = new Uint8Array(0);

export class OverlayState implements StateManagerInterface {
  private layers: Layer[] = [emptyLayer()];

  /** Storage as it was when the transaction started: the base plus the state overrides (layer 0). */
  readonly originalStorageCache = {
    get: (address: Address, key: Uint8Array) => this.storageBelow(1, address, key),
    clear: () => {},
  };

  constructor(
    private base: MerkleStateManager,
    private readonly keccak: (data: Uint8Array) => Uint8Array,
  ) {}

  /** Drops every write and reads from `base` from now on. */
  reset(base: MerkleStateManager): void {
    this.base = base;
    this.layers = [emptyLayer()];
  }

  async getAccount(address: Address): Promise<Account | undefined> {
    const key = keyOf(address);
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const account = this.layers[i].accounts.get(key);
      if (account !== undefined) return account === null ? undefined : copy(account);
    }
    return this.base.getAccount(address);
  }

  async putAccount(address: Address, account?: Account): Promise<void> {
    this.top.accounts.set(keyOf(address), account === undefined ? null : copy(account));
  }

  async deleteAccount(address: Address): Promise<void> {
    const key = keyOf(address);
    const top = this.top;
    top.accounts.set(key, null);
    top.code.set(key, EMPTY);
    top.storage.delete(key);
    top.cleared.add(key);
  }

  async modifyAccountFields(address: Address, fields: AccountFields): Promise<void> {
    const account = (await this.getAccount(address)) ?? new Account();
    if (fields.nonce !== undefined) account.nonce = fields.nonce;
    if (fields.balance !== undefined) account.balance = fields.balance;
    if (fields.storageRoot !== undefined) account.storageRoot = fields.storageRoot;
    if (fields.codeHash !== undefined) account.codeHash = fields.codeHash;
    await this.putAccount(address, account);
  }

  async putCode(address: Address, value: Uint8Array): Promise<void> {
    this.top.code.set(keyOf(address), value);
    const account = (await this.getAccount(address)) ?? new Account();
    account.codeHash = value.length === 0 ? KECCAK256_NULL : this.keccak(value);
    await this.putAccount(address, account);
  }

  async getCode(address: Address): Promise<Uint8Array> {
    const key = keyOf(address);
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const code = this.layers[i].code.get(key);
      if (code !== undefined) return code;
    }
    return this.base.getCode(address);
  }

  async getCodeSize(address: Address): Promise<number> {
    return (await this.getCode(address)).length;
  }

  getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    return this.storageBelow(this.layers.length, address, key);
  }

  async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    const account = keyOf(address);
    const top = this.top;
    let slots = top.storage.get(account);
    if (slots === undefined) {
      slots = new Map();
      top.storage.set(account, slots);
    }
    // As MerkleStateManager stores them: no leading zeros, empty for zero.
    slots.set(bytesToUnprefixedHex(key), unpadBytes(value));
  }

  async clearStorage(address: Address): Promise<void> {
    const key = keyOf(address);
    this.top.storage.delete(key);
    this.top.cleared.add(key);
  }

  async checkpoint(): Promise<void> {
    this.layers.push(emptyLayer());
  }

  /** Folds the top layer into the one below. */
  async commit(): Promise<void> {
    const top = this.layers.pop();
    if (top === undefined || this.layers.length === 0)
      throw new OverlayStateError("commit without checkpoint");
    const below = this.top;
    for (const [key, account] of top.accounts) below.accounts.set(key, account);
    for (const [key, code] of top.code) below.code.set(key, code);
    for (const key of top.cleared) {
      below.cleared.add(key);
      below.storage.delete(key);
    }
    for (const [key, slots] of top.storage) {
      const into = below.storage.get(key);
      if (into === undefined) below.storage.set(key, slots);
      else for (const [slot, value] of slots) into.set(slot, value);
    }
  }

  async revert(): Promise<void> {
    if (this.layers.length === 1) throw new OverlayStateError("revert without checkpoint");
    this.layers.pop();
  }

  getStateRoot(): Promise<Uint8Array> {
    return Promise.reject(new OverlayStateError("a simulation has no state root"));
  }

  setStateRoot(): Promise<void> {
    return Promise.reject(new OverlayStateError("a simulation's state is set with reset()"));
  }

  async hasStateRoot(): Promise<boolean> {
    return false;
  }

  clearCaches(): void {}

  shallowCopy(): StateManagerInterface {
    throw new OverlayStateError("a simulation's state is not copied");
  }

  private get top(): Layer {
    return this.layers[this.layers.length - 1];
  }

  /** The slot's value as seen from layers below `height`, then the base. */
  private async storageBelow(height: number, address: Address, key: Uint8Array): Promise<Uint8Array> {
    const account = keyOf(address);
    const slot = bytesToUnprefixedHex(key);
    for (let i = Math.min(height, this.layers.length) - 1; i >= 0; i--) {
      const layer = this.layers[i];
      const value = layer.storage.get(account)?.get(slot);
      if (value !== undefined) return value;
      if (layer.cleared.has(account)) return EMPTY;
    }
    return this.base.getStorage(address, key);
  }
}

const keyOf = (address: Address) => bytesToUnprefixedHex(address.bytes);

/** Callers mutate the accounts they get (nonce++, balance -= value): hand out copies. */
const copy = (a: Account) => new Account(a.nonce, a.balance, a.storageRoot, a.codeHash);
