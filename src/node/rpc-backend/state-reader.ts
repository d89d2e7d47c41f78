/** StateReader over the world state at a final block's state root (historical reads included). */
import { type Account, createAddressFromString } from "@ethereumjs/util";
import { type Address, bytesToHex, type Hash, type Hex, hexToBytes, padHex } from "viem";
import type { Blockchain } from "../../execution/blockchain.js";
import type { AccountProof, BlockId, StateReader } from "../../rpc/index.js";

/** How many accounts the reader keeps for the block it last read at. */
const ACCOUNTS_KEPT = 50_000;

export class WorldStateReader implements StateReader {
  /**
   * Accounts read at the last block asked for (the head, nearly always). A final block's state never
   * changes, so a balance or nonce read again at the same block is a map lookup instead of a block
   * lookup, a state view and a trie read; asking at another block starts the map afresh.
   */
  private accounts: { hash: Hash; byAddress: Map<string, Account | undefined> } | undefined;

  constructor(private readonly chain: Blockchain) {}

  async balance(address: Address, at: BlockId): Promise<bigint> {
    return (await this.account(address, at))?.balance ?? 0n;
  }

  async nonce(address: Address, at: BlockId): Promise<bigint> {
    return (await this.account(address, at))?.nonce ?? 0n;
  }

  private async account(address: Address, at: BlockId): Promise<Account | undefined> {
    const key = address.toLowerCase();
    if (this.accounts?.hash !== at.hash) this.accounts = { hash: at.hash, byAddress: new Map() };
    const kept = this.accounts;
    if (kept.byAddress.has(key)) return kept.byAddress.get(key);
    const state = await this.stateAt(at);
    const account = await state.getAccount(createAddressFromString(address));
    if (kept.byAddress.size >= ACCOUNTS_KEPT) kept.byAddress.clear();
    kept.byAddress.set(key, account);
    return account;
  }

  async code(address: Address, at: BlockId): Promise<Hex> {
    const state = await this.stateAt(at);
    return bytesToHex(await state.getCode(createAddressFromString(address)));
  }

  /** The 32-byte word at `slot`. */
  async storage(address: Address, slot: Hex, at: BlockId): Promise<Hex> {
    const state = await this.stateAt(at);
    const value = await state.getStorage(
      createAddressFromString(address),
      hexToBytes(padHex(slot, { size: 32 })),
    );
    return padHex(bytesToHex(value), { size: 32 });
  }

  /** The world state answers EIP-1186 with hex quantities; the RPC wants bigints. */
  async proof(address: Address, slots: readonly Hex[], at: BlockId): Promise<AccountProof> {
    const proof = await this.chain.world.proof(
      await this.rootOf(at),
      createAddressFromString(address),
      slots.map((slot) => hexToBytes(padHex(slot, { size: 32 }))),
    );
    return {
      address,
      balance: BigInt(proof.balance),
      nonce: BigInt(proof.nonce),
      codeHash: proof.codeHash as Hash,
      storageHash: proof.storageHash as Hash,
      accountProof: proof.accountProof,
      storageProof: proof.storageProof.map((item) => ({
        key: item.key,
        value: BigInt(item.value),
        proof: item.proof,
      })),
    };
  }

  private async stateAt(at: BlockId) {
    return this.chain.world.readView(await this.rootOf(at));
  }

  private async rootOf(at: BlockId): Promise<Uint8Array> {
    const block = await this.chain.finalBlock(at.hash);
    if (block === undefined) throw new Error(`unknown block ${at.hash}`);
    return block.header.stateRoot;
  }
}
