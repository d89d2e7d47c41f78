/** StateReader over the execution layer's StateQueries (reads at a final block's state root). */
import type { Address, Hash, Hex } from "viem";
import type { StateQueries } from "../../execution/queries.js";
import type { AccountProof, BlockId, StateReader } from "../../rpc/index.js";

export class QueriesStateReader implements StateReader {
  constructor(private readonly queries: StateQueries) {}

  balance(address: Address, at: BlockId): Promise<bigint> {
    return this.queries.balance(address, at);
  }

  nonce(address: Address, at: BlockId): Promise<bigint> {
    return this.queries.nonce(address, at);
  }

  code(address: Address, at: BlockId): Promise<Hex> {
    return this.queries.code(address, at);
  }

  storage(address: Address, slot: Hex, at: BlockId): Promise<Hex> {
    return this.queries.storage(address, slot, at);
  }

  /** The world state answers EIP-1186 with hex quantities; the RPC wants bigints. */
  async proof(address: Address, slots: readonly Hex[], at: BlockId): Promise<AccountProof> {
    const proof = await this.queries.proof(address, slots, at);
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
}
