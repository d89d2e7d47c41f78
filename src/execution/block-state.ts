/**
 * The state manager a block executes on: EthereumJS's MerkleStateManager with its caches, whose trie
 * reads and flush go through DecodedTrie instead of one @ethereumjs/mpt operation per key. Reads find
 * decoded nodes kept across blocks; the flush at the end of a block writes every touched storage slot
 * and account in one pass per trie, hashing each changed node once. Roots are the library's own
 * (test/unit/execution/decoded-trie.test.ts checks them against @ethereumjs/mpt).
 */
import { RLP } from "@ethereumjs/rlp";
import { MerkleStateManager, type MerkleStateManagerOpts } from "@ethereumjs/statemanager";
import {
  Account,
  type Address,
  createAccountFromRLP,
  createAddressFromString,
  type DB,
  EthereumJSErrorWithoutCode,
  unpadBytes,
  unprefixedHexToBytes,
} from "@ethereumjs/util";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { compareWrites, DecodedTrie, type TrieWrite, toNibbles } from "./decoded-trie.js";

/** One decoded-node cache per node store, shared by every block executed on it. */
const tries = new WeakMap<object, DecodedTrie>();

/**
 * Accounts decoded from the cache's RLP, keyed by that RLP array. The library's account cache keeps
 * each account as RLP and a read decodes it every time (a transaction reads its sender and recipient
 * many times). Its arrays are never written in place, and a checkpoint revert restores the earlier
 * arrays, so an entry keyed by identity can never be stale.
 */
const decodedAccounts = new WeakMap<Uint8Array, Account>();

/** A copy for a caller: callers change the account they get and put it back. */
const copyOf = (account: Account): Account =>
  new Account(account.nonce, account.balance, account.storageRoot, account.codeHash);

const EMPTY = new Uint8Array(0);
const RLP_EMPTY = Uint8Array.of(0x80);

export class BlockStateManager extends MerkleStateManager {
  private readonly nodes: DecodedTrie;
  /** The library's own choice (its field is private): the chain's keccak, else noble's. */
  private readonly keccak: (data: Uint8Array) => Uint8Array;

  constructor(options: MerkleStateManagerOpts) {
    super(options);
    this.keccak = options.common?.customCrypto.keccak256 ?? keccak_256;
    if (this._caches?.account === undefined || this._caches.storage === undefined) {
      throw EthereumJSErrorWithoutCode("BlockStateManager needs account and storage caches");
    }
    // Below the trie's checkpoint layer: new nodes go straight to the store's write-back buffer.
    const store: DB<string, string | Uint8Array> = this._trie.database().db;
    let trie = tries.get(store);
    if (trie === undefined) {
      trie = new DecodedTrie(store, this.keccak);
      tries.set(store, trie);
    }
    this.nodes = trie;
  }

  override async getAccount(address: Address): Promise<Account | undefined> {
    const cached = this._caches?.account?.get(address);
    if (cached !== undefined) {
      const rlp = cached.accountRLP;
      if (rlp === undefined) return undefined;
      let account = decodedAccounts.get(rlp);
      if (account === undefined) {
        account = createAccountFromRLP(rlp);
        decodedAccounts.set(rlp, account);
      }
      return copyOf(account);
    }
    const rlp = await this.nodes.get(this._trie.root(), this.keccak(address.bytes));
    const account = rlp !== undefined ? createAccountFromRLP(rlp) : undefined;
    this._caches?.account?.put(address, account);
    return account;
  }

  override async putAccount(address: Address, account: Account | undefined): Promise<void> {
    await super.putAccount(address, account);
    // The next read of this account (there is usually one in the same transaction) skips decoding.
    const rlp = account !== undefined ? this._caches?.account?.get(address)?.accountRLP : undefined;
    if (rlp !== undefined && account !== undefined) decodedAccounts.set(rlp, copyOf(account));
  }

  override async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    if (key.length !== 32) throw EthereumJSErrorWithoutCode("Storage key must be 32 bytes long");
    const cached = this._caches?.storage?.get(address, key);
    if (cached !== undefined) return RLP.decode(cached) as Uint8Array;
    const account = await this.getAccount(address);
    if (account === undefined) return new Uint8Array();
    const value = await this.nodes.get(account.storageRoot, this.keccak(key));
    this._caches?.storage?.put(address, key, value ?? RLP_EMPTY);
    return RLP.decode(value ?? EMPTY) as Uint8Array;
  }

  /**
   * Into the cache only. The library also writes every slot straight into the storage trie (its cache
   * `put` returns nothing, so its `?? _writeContractStorage` always runs): one trie put per SSTORE,
   * which flush() then does again. Reads see the cache first, and flush() applies every changed
   * slot to the account's storage root, so the trie is written once, at the end of the block.
   */
  override async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    if (key.length !== 32) throw EthereumJSErrorWithoutCode("Storage key must be 32 bytes long");
    if (value.length > 32) throw EthereumJSErrorWithoutCode("Storage value cannot be longer than 32 bytes");
    if ((await this.getAccount(address)) === undefined) {
      throw EthereumJSErrorWithoutCode("putStorage() called on non-existing account");
    }
    this._caches?.storage?.put(address, key, RLP.encode(unpadBytes(value)));
  }

  /** Writes the cached changes to the tries: code, then each account's storage, then the accounts. */
  override async flush(): Promise<void> {
    const caches = this._caches;
    if (caches === undefined) return;
    for (const [addressHex, { code }] of caches.code?.flush() ?? []) {
      if (code === undefined) continue;
      const address = createAddressFromString(`0x${addressHex}`);
      await this._getCodeDB().put(codeKey(this.keccak(code)), code);
      if ((await this.getAccount(address)) === undefined) await this.putAccount(address, new Account());
      await this.modifyAccountFields(address, { codeHash: this.keccak(code) });
    }

    const slotsByAccount = new Map<string, TrieWrite[]>();
    for (const [addressHex, keyHex, value] of caches.storage?.flush() ?? []) {
      const decoded = RLP.decode(value ?? EMPTY) as Uint8Array;
      let writes = slotsByAccount.get(addressHex);
      if (writes === undefined) {
        writes = [];
        slotsByAccount.set(addressHex, writes);
      }
      writes.push({
        key: toNibbles(this.keccak(unprefixedHexToBytes(keyHex))),
        value: decoded.length > 0 ? RLP.encode(decoded) : undefined,
      });
    }
    for (const [addressHex, writes] of slotsByAccount) {
      const address = createAddressFromString(`0x${addressHex}`);
      const account = await this.getAccount(address);
      if (account === undefined) continue;
      account.storageRoot = await this.nodes.update(account.storageRoot, writes.sort(compareWrites));
      await this.putAccount(address, account);
    }
    // Storage tries opened through the library hold roots from before this flush.
    this._storageTries = {};

    const accounts: TrieWrite[] = (caches.account?.flush() ?? []).map(([addressHex, { accountRLP }]) => ({
      key: toNibbles(this.keccak(unprefixedHexToBytes(addressHex))),
      value: accountRLP,
    }));
    this._trie.root(await this.nodes.update(this._trie.root(), accounts.sort(compareWrites)));
  }
}

/** Code lives in the node store under 'c' + its hash (MerkleStateManager's default prefix). */
function codeKey(codeHash: Uint8Array): Uint8Array {
  const key = new Uint8Array(codeHash.length + 1);
  key[0] = 0x63;
  key.set(codeHash, 1);
  return key;
}
