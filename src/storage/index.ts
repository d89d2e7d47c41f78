/** The storage of one node: the key-value store and its typed repositories, one concern each. */
import { BlockRepository } from "./block-repository.js";
import { CertificateRepository } from "./certificate-repository.js";
import type { KeyValueStore } from "./key-value.js";
import { LogIndexRepository } from "./log-index-repository.js";
import { MetaRepository } from "./meta-repository.js";
import { ReceiptRepository } from "./receipt-repository.js";
import { SignedMessageRepository } from "./signed-message-repository.js";
import { TxIndexRepository } from "./tx-index-repository.js";

export interface ChainStorage {
  store: KeyValueStore;
  blocks: BlockRepository;
  receipts: ReceiptRepository;
  txIndex: TxIndexRepository;
  logIndex: LogIndexRepository;
  certificates: CertificateRepository;
  votes: SignedMessageRepository;
  nullifies: SignedMessageRepository;
  meta: MetaRepository;
}

export function createChainStorage(store: KeyValueStore): ChainStorage {
  return {
    store,
    blocks: new BlockRepository(store),
    receipts: new ReceiptRepository(store),
    txIndex: new TxIndexRepository(store),
    logIndex: new LogIndexRepository(store),
    certificates: new CertificateRepository(store),
    votes: new SignedMessageRepository(store, "votes"),
    nullifies: new SignedMessageRepository(store, "nullifies"),
    meta: new MetaRepository(store),
  };
}

export type { KeyValueStore, Namespace, NamespaceName, WriteBatch } from "./key-value.js";
export { LevelStore } from "./level-store.js";
export type { LogIndexRepository } from "./log-index-repository.js";
export { MemoryStore } from "./memory-store.js";
