/**
 * A plain USDC transfer (no calldata, no access list, to an address without code) applied without the
 * EVM: the same state changes, in the same order, that EthereumJS's `runTx` makes for it on our
 * hardfork, at a fraction of the cost (no journal, no message, no checkpoints). Nothing observable
 * differs: 21,000 gas, the sender pays gas × effective price plus the value, the proposer gets the tip,
 * accounts left empty are removed (EIP-161), no logs (a native transfer emits no ERC-20 event: only the
 * token contract does). test/unit/execution/plain-transfer.test.ts runs random blocks both ways and
 * compares state roots, receipts and logs.
 */
import type { Common } from "@ethereumjs/common";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import type { TypedTransaction } from "@ethereumjs/tx";
import { Account, type Address, bytesToUnprefixedHex, equalsBytes, KECCAK256_NULL } from "@ethereumjs/util";

/** A transfer's cost: the base transaction gas and nothing else. */
const TRANSFER_GAS = 21_000n;

/** What the block needs from a transaction's run (the fields of runTx's result it reads). */
export interface TransferResult {
  totalGasSpent: bigint;
  /** Gas × effective gas price: what the sender paid for gas. */
  amountSpent: bigint;
  /** Gas × tip: what runTx credits the fee recipient (the base fee part is credited by fees.ts). */
  minerValue: bigint;
}

/**
 * EIPs under which a transfer costs or touches more than this path knows (state gas for new accounts,
 * block access lists, binary-tree witnesses): with any of them active the EVM runs every transaction.
 */
const UNSUPPORTED_EIPS = [2780, 7864, 7928, 8037];

export function plainTransfersSupported(common: Common): boolean {
  return UNSUPPORTED_EIPS.every((eip) => !common.isActivatedEIP(eip));
}

/**
 * Applies `tx` if it is a plain transfer and returns its result; returns undefined, with nothing
 * changed, if the EVM must run it. The caller has checked nonce, balance, fee cap and gas limit.
 */
export async function applyPlainTransfer(
  state: MerkleStateManager,
  tx: TypedTransaction,
  sender: Address,
  /** The sender's account as the caller read it for its checks. */
  from: Account | undefined,
  block: { coinbase: Address; baseFeePerGas: bigint },
  precompiles: ReadonlySet<string>,
): Promise<TransferResult | undefined> {
  const to = tx.to;
  if (to === undefined || tx.data.length > 0 || tx.type > 2) return undefined;
  if ("accessList" in tx && tx.accessList.length > 0) return undefined;
  if (tx.getIntrinsicGas() !== TRANSFER_GAS || tx.gasLimit < TRANSFER_GAS) return undefined;
  if (precompiles.has(bytesToUnprefixedHex(to.bytes))) return undefined;
  // A sender with code (an EIP-7702 delegation) and a recipient with code take the EVM's path.
  if (from === undefined || !equalsBytes(from.codeHash, KECCAK256_NULL)) return undefined;
  // Sender, recipient and fee recipient may be one and the same: one object per address.
  const touched = new Map<string, { address: Address; account: Account }>();
  touched.set(sender.toString(), { address: sender, account: from });
  const recipient = await load(state, touched, to);
  if (!equalsBytes(recipient.codeHash, KECCAK256_NULL)) return undefined;

  const { baseFeePerGas } = block;
  const tip =
    "maxFeePerGas" in tx
      ? bigMin(tx.maxPriorityFeePerGas, tx.maxFeePerGas - baseFeePerGas)
      : tx.gasPrice - baseFeePerGas;
  const gasPrice = "maxFeePerGas" in tx ? baseFeePerGas + tip : tx.gasPrice;
  const minerValue = TRANSFER_GAS * tip;
  // runTx's steps: the whole gas limit up front with the nonce, the value through the call, the unused
  // gas back, then the tip. Nothing reads the accounts in between, so each is written once at the end.
  from.balance -= tx.gasLimit * gasPrice + tx.value;
  from.nonce += 1n;
  recipient.balance += tx.value;
  from.balance += (tx.gasLimit - TRANSFER_GAS) * gasPrice;
  (await load(state, touched, block.coinbase)).balance += minerValue;
  // EIP-161: every account the transaction touched that is now empty is removed.
  for (const { address, account } of touched.values()) {
    if (account.isEmpty()) await state.deleteAccount(address);
    else await state.putAccount(address, account);
  }
  return { totalGasSpent: TRANSFER_GAS, amountSpent: TRANSFER_GAS * gasPrice, minerValue };
}

async function load(
  state: MerkleStateManager,
  touched: Map<string, { address: Address; account: Account }>,
  address: Address,
): Promise<Account> {
  const key = address.toString();
  let entry = touched.get(key);
  if (entry === undefined) {
    entry = { address, account: (await state.getAccount(address)) ?? new Account() };
    touched.set(key, entry);
  }
  return entry.account;
}

const bigMin = (a: bigint, b: bigint) => (a < b ? a : b);
