/**
 * viem's public and wallet clients against one validator: balances, a USDC transfer, a contract
 * deployed, read and written, receipts awaited, events and blocks watched over WebSocket, an
 * eth_getProof checked against the block's stateRoot, and reverts reported as viem expects them.
 */
import { verifyMerkleProof } from "@ethereumjs/mpt";
import { RLP } from "@ethereumjs/rlp";
import {
  type Address,
  type BaseError,
  bytesToHex,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeErrorResult,
  type Hex,
  hexToBytes,
  http,
  keccak256,
  pad,
  parseEther,
  parseEventLogs,
  webSocket,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledContract, counterContract } from "./helpers/counter-contract.js";
import { CHAIN_ID, DEV_KEYS, type RunningNode, rpc, startSingleNode } from "./helpers/single-node.js";

const account = privateKeyToAccount(DEV_KEYS[0]);
const other = privateKeyToAccount(DEV_KEYS[1]).address;

let running: RunningNode;
let counter: CompiledContract;
let clients: ReturnType<typeof makeClients>;
let deployed: Address;

function makeClients(url: string) {
  const chain = defineChain({
    id: CHAIN_ID,
    name: "Kairos Devnet",
    nativeCurrency: { name: "USD Coin", symbol: "USDC", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  return {
    chain,
    public: createPublicClient({ chain, transport: http(url), pollingInterval: 100 }),
    wallet: createWalletClient({ chain, account, transport: http(url), pollingInterval: 100 }),
  };
}

beforeAll(async () => {
  counter = counterContract();
  running = await startSingleNode();
  clients = makeClients(running.url);
});
afterAll(async () => {
  await running?.stop();
});

describe("viem public and wallet clients", () => {
  it("reads the chain and a funded dev account", async () => {
    expect(await clients.public.getChainId()).toBe(CHAIN_ID);
    expect(await clients.public.getBalance({ address: account.address })).toBe(parseEther("10000"));
  });

  it("sends USDC and waits for the receipt", async () => {
    const before = await clients.public.getBalance({ address: other });
    const hash = await clients.wallet.sendTransaction({ to: other, value: parseEther("12.5") });
    const receipt = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 100 });
    expect(receipt.status).toBe("success");
    expect(receipt.gasUsed).toBe(21_000n);
    expect(await clients.public.getBalance({ address: other })).toBe(before + parseEther("12.5"));
    const tx = await clients.public.getTransaction({ hash });
    expect(tx.from.toLowerCase()).toBe(account.address.toLowerCase());
    expect(tx.blockNumber).toBe(receipt.blockNumber);
  });

  it("deploys a contract, reads it, writes it and decodes its event", async () => {
    const hash = await clients.wallet.deployContract({
      abi: counter.abi,
      bytecode: counter.bytecode,
      args: [5n],
    });
    const receipt = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 100 });
    expect(receipt.status).toBe("success");
    expect(receipt.contractAddress).toBeTruthy();
    deployed = receipt.contractAddress as Address;
    expect((await clients.public.getCode({ address: deployed }))?.length).toBeGreaterThan(2);
    expect(
      await clients.public.readContract({ address: deployed, abi: counter.abi, functionName: "count" }),
    ).toBe(5n);

    const { request, result } = await clients.public.simulateContract({
      account,
      address: deployed,
      abi: counter.abi,
      functionName: "increment",
    });
    expect(result).toBe(6n);
    const writeHash = await clients.wallet.writeContract(request);
    const written = await clients.public.waitForTransactionReceipt({ hash: writeHash, pollingInterval: 100 });
    const events = parseEventLogs({ abi: counter.abi, logs: written.logs, eventName: "Incremented" });
    expect(events).toHaveLength(1);
    expect(events[0].args).toEqual({ by: account.address, count: 6n });
    expect(
      await clients.public.readContract({ address: deployed, abi: counter.abi, functionName: "count" }),
    ).toBe(6n);
    const logs = await clients.public.getContractEvents({
      address: deployed,
      abi: counter.abi,
      eventName: "Incremented",
      fromBlock: 0n,
    });
    expect(logs.map((log) => log.transactionHash)).toEqual([writeHash]);
  });

  it("watches blocks and contract events over WebSocket", async () => {
    const ws = createPublicClient({ chain: clients.chain, transport: webSocket(running.wsUrl) });
    try {
      const block = new Promise<bigint>((resolve) => {
        const stop = ws.watchBlocks({
          onBlock: (b) => {
            stop();
            resolve(b.number);
          },
        });
      });
      const event = new Promise<{ by?: Address; count?: bigint }>((resolve) => {
        const stop = ws.watchContractEvent({
          address: deployed,
          abi: counter.abi,
          eventName: "Incremented",
          onLogs: (logs) => {
            stop();
            resolve((logs[0] as unknown as { args: { by?: Address; count?: bigint } }).args);
          },
        });
      });
      // Let the subscriptions reach the node before the write.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const hash = await clients.wallet.writeContract({
        address: deployed,
        abi: counter.abi,
        functionName: "add",
        args: [10n],
      });
      await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 100 });
      expect(await block).toBeGreaterThan(0n);
      expect(await event).toEqual({ by: account.address, count: 16n });
    } finally {
      await ws.transport.getRpcClient().then((client) => client.close());
    }
  });

  it("watches events through polled filters over HTTP and pending transactions over WebSocket", async () => {
    const ws = createPublicClient({ chain: clients.chain, transport: webSocket(running.wsUrl) });
    try {
      const event = new Promise<{ by?: Address; count?: bigint }>((resolve) => {
        const stop = clients.public.watchContractEvent({
          address: deployed,
          abi: counter.abi,
          eventName: "Incremented",
          poll: true,
          pollingInterval: 100,
          onLogs: (logs) => {
            stop();
            resolve((logs[0] as unknown as { args: { by?: Address; count?: bigint } }).args);
          },
        });
      });
      const pending = new Promise<Hex>((resolve) => {
        const stop = ws.watchPendingTransactions({
          onTransactions: (hashes) => {
            stop();
            resolve(hashes[0]);
          },
        });
      });
      // Let the filter and the subscription reach the node before the write.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const hash = await clients.wallet.writeContract({
        address: deployed,
        abi: counter.abi,
        functionName: "increment",
      });
      expect(await pending).toBe(hash);
      expect(await event).toEqual({ by: account.address, count: 17n });
      await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 100 });
    } finally {
      await ws.transport.getRpcClient().then((client) => client.close());
    }
  });

  it("proves an account and a storage slot against the block's stateRoot", async () => {
    const block = await clients.public.getBlock({ blockTag: "latest" });
    const slot = pad("0x0", { size: 32 });
    const proof = await clients.public.getProof({
      address: deployed,
      storageKeys: [slot],
      blockNumber: block.number,
    });

    expect(keccak256(proof.accountProof[0])).toBe(block.stateRoot);
    const accountRlp = await verifyMerkleProof(
      hexToBytes(keccak256(deployed)),
      proof.accountProof.map((node) => hexToBytes(node)),
    );
    expect(accountRlp).not.toBeNull();
    const [nonce, balance, storageRoot, codeHash] = RLP.decode(accountRlp as Uint8Array) as Uint8Array[];
    expect(BigInt(bytesToHex(nonce).length > 2 ? bytesToHex(nonce) : 0)).toBe(BigInt(proof.nonce));
    expect(balance.length === 0 ? 0n : BigInt(bytesToHex(balance))).toBe(proof.balance);
    expect(bytesToHex(storageRoot)).toBe(proof.storageHash);
    expect(bytesToHex(codeHash)).toBe(
      keccak256((await clients.public.getCode({ address: deployed })) as Hex),
    );

    const storage = proof.storageProof[0];
    expect(keccak256(storage.proof[0])).toBe(proof.storageHash);
    const valueRlp = await verifyMerkleProof(
      hexToBytes(keccak256(slot)),
      storage.proof.map((node) => hexToBytes(node)),
    );
    const value = RLP.decode(valueRlp as Uint8Array) as Uint8Array;
    expect(BigInt(bytesToHex(value))).toBe(17n);
    expect(storage.value).toBe(17n);
  });

  it("reports reverts with code 3, the reason and the revert data", async () => {
    const reason = await clients.public
      .simulateContract({ account, address: deployed, abi: counter.abi, functionName: "add", args: [13n] })
      .then(
        () => undefined,
        (error: BaseError) => error.walk((e) => e instanceof ContractFunctionRevertedError),
      );
    expect(reason).toBeInstanceOf(ContractFunctionRevertedError);
    expect((reason as ContractFunctionRevertedError).reason).toBe("unlucky number");

    const custom = await clients.public
      .simulateContract({ account, address: deployed, abi: counter.abi, functionName: "add", args: [2000n] })
      .then(
        () => undefined,
        (error: BaseError) => error.walk((e) => e instanceof ContractFunctionRevertedError),
      );
    expect((custom as ContractFunctionRevertedError).data?.errorName).toBe("TooLarge");
    expect((custom as ContractFunctionRevertedError).data?.args).toEqual([2000n]);

    // The wire form: code 3, geth's message, data = the revert bytes.
    const addSelector = "0x1003e2d2";
    const raw = await rpc(running.url, "eth_call", [
      { from: account.address, to: deployed, data: `${addSelector}${pad("0xd", { size: 32 }).slice(2)}` },
      "latest",
    ]);
    expect(raw.error?.code).toBe(3);
    expect(raw.error?.message).toBe("execution reverted: unlucky number");
    expect(raw.error?.data).toBe(
      encodeErrorResult({
        abi: [{ type: "error", name: "Error", inputs: [{ type: "string" }] }],
        errorName: "Error",
        args: ["unlucky number"],
      }),
    );
    const rawCustom = await rpc(running.url, "eth_call", [
      { from: account.address, to: deployed, data: `${addSelector}${pad("0x7d0", { size: 32 }).slice(2)}` },
      "latest",
    ]);
    expect(rawCustom.error?.code).toBe(3);
    expect(rawCustom.error?.message).toBe("execution reverted");
    expect(rawCustom.error?.data).toBe(
      encodeErrorResult({ abi: counter.abi, errorName: "TooLarge", args: [2000n] }),
    );
    // A reverted transaction is mined with status 0 and its gas charged.
    const hash = await clients.wallet.sendTransaction({
      to: deployed,
      data: `${addSelector}${pad("0xd", { size: 32 }).slice(2)}`,
      gas: 100_000n,
    });
    const receipt = await clients.public.waitForTransactionReceipt({ hash, pollingInterval: 100 });
    expect(receipt.status).toBe("reverted");
  });
});
