/**
 * The world state: a Merkle-Patricia trie whose nodes live in the `trie` namespace. Any state root
 * ever committed (final blocks, speculative blocks, genesis) can be opened again, which serves
 * historical queries and lets blocks be built on non-final parents.
 */
import type { Common } from "@ethereumjs/common";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import {
  Caches,
  getMerkleStateProof,
  MerkleStateManager,
  type MerkleStateManagerOpts,
} from "@ethereumjs/statemanager";
import { type Address, equalsBytes, KECCAK256_RLP, ValueEncoding } from "@ethereumjs/util";
import { bytesToHex, type Hex } from "viem";
import type { Namespace, WriteBatch } from "../storage/key-value.js";
import { TrieNodeDB } from "./trie-node-db.js";

export class StateNotFoundError extends Error {
  readonly code = "STATE_NOT_FOUND";
  constructor(readonly stateRoot: Hex) {
    super(`state ${stateRoot} is not available`);
  }
}

/** EIP-1186 account proof (the shape of `eth_getProof`'s result), hex at the edges. */
export interface AccountProof {
  address: Hex;
  balance: Hex;
  codeHash: Hex;
  nonce: Hex;
  storageHash: Hex;
  accountProof: Hex[];
  storageProof: { key: Hex; value: Hex; proof: Hex[] }[];
}

/** How many recent state roots keep a read view (the head and a few historical queries). */
const READ_VIEWS = 8;

export class WorldState {
  private readonly nodes: TrieNodeDB;
  private readonly readViews = new Map<string, Promise<MerkleStateManager>>();

  constructor(
    trieNamespace: Namespace,
    private readonly common: Common,
    /** The state manager class for `at()` and read views (block execution passes a faster subclass). */
    private readonly make: (options: MerkleStateManagerOpts) => MerkleStateManager = (options) =>
      new MerkleStateManager(options),
  ) {
    this.nodes = new TrieNodeDB(trieNamespace);
  }

  /** A state manager (with caches) positioned at `stateRoot`; its commits add nodes to the store. */
  async at(stateRoot: Uint8Array): Promise<MerkleStateManager> {
    const trie = new MerklePatriciaTrie({
      db: this.nodes,
      useKeyHashing: true,
      common: this.common,
      valueEncoding: ValueEncoding.Bytes,
    });
    const stateManager = this.make({ common: this.common, trie, caches: new Caches() });
    try {
      await stateManager.setStateRoot(stateRoot);
    } catch {
      throw new StateNotFoundError(bytesToHex(stateRoot));
    }
    return stateManager;
  }

  /**
   * A shared, read-only state manager at `stateRoot`, kept for the few most recent roots: building one
   * costs ~0.5 ms, far more than a balance read. Callers must only read through it (no puts, no
   * checkpoints); `at()` gives a private one for execution.
   */
  readView(stateRoot: Uint8Array): Promise<MerkleStateManager> {
    const key = bytesToHex(stateRoot);
    let view = this.readViews.get(key);
    if (view !== undefined) {
      this.readViews.delete(key);
    } else {
      view = this.at(stateRoot);
      view.catch(() => this.readViews.delete(key));
    }
    this.readViews.set(key, view);
    if (this.readViews.size > READ_VIEWS) this.readViews.delete(this.readViews.keys().next().value!);
    return view;
  }

  /** Adds the nodes computed since the last call to `batch` (the batch that makes a block final). */
  stageNodes(batch: WriteBatch): void {
    this.nodes.stagePending(batch);
  }

  /** The staged batch is on disk. */
  nodesPersisted(): void {
    this.nodes.persisted();
  }

  /** Whether the state `stateRoot` can be opened: its root node is stored (or it is the empty trie). */
  async exists(stateRoot: Uint8Array): Promise<boolean> {
    if (equalsBytes(stateRoot, KECCAK256_RLP)) return true;
    return (await this.nodes.get(bytesToHex(stateRoot).slice(2))) !== undefined;
  }

  /** `eth_getProof` for `address` and storage `slots` (32-byte keys) at `stateRoot`. */
  async proof(stateRoot: Uint8Array, address: Address, slots: Uint8Array[]): Promise<AccountProof> {
    const stateManager = await this.at(stateRoot);
    const proof = await getMerkleStateProof(stateManager, address, slots);
    return {
      address: proof.address,
      balance: proof.balance,
      codeHash: proof.codeHash,
      nonce: proof.nonce,
      storageHash: proof.storageHash,
      accountProof: proof.accountProof,
      storageProof: proof.storageProof.map((s) => ({ key: s.key, value: s.value, proof: s.proof })),
    };
  }
}
