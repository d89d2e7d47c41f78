/**
 * Genesis: the chain's parameters, its validator set and its initial allocation (a JSON file such as
 * genesis/devnet.json), and the deterministic genesis block built from them.
 */
import { type Block, createBlock } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, createAddressFromString } from "@ethereumjs/util";
import {
  type Address,
  encodeAbiParameters,
  getAddress,
  type Hex,
  hexToBytes,
  isAddress,
  isHex,
  keccak256,
  padHex,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { z } from "zod";
import { KAIROS_CHAIN_ID, USDC } from "./chain.js";
import type { FeeParams } from "./fees.js";

const hex = z.string().refine((v) => isHex(v), "expected 0x-prefixed hex");
const address = z.string().refine((v) => isAddress(v, { strict: false }), "expected a 20-byte address");
const quantity = z.union([hex, z.string().regex(/^[0-9]+$/)]).transform((v) => BigInt(v));

export const validatorEntrySchema = z.object({
  index: z.number().int().nonnegative(),
  blsPublicKey: hex,
  peerId: z.string(),
  feeRecipient: address,
});
export type ValidatorEntry = z.infer<typeof validatorEntrySchema>;

const allocEntrySchema = z.object({
  balance: quantity,
  nonce: quantity.optional(),
  code: hex.optional(),
  storage: z.record(hex, hex).optional(),
});

export const genesisFileSchema = z.strictObject({
  chainId: z.number().int().positive(),
  timestamp: z.number().int().nonnegative(),
  gasLimit: z.number().int().positive(),
  baseFeePerGas: quantity,
  feeParams: z.strictObject({
    baseFeeChangeDenominator: z.number().int().positive(),
    elasticityMultiplier: z.number().int().positive(),
    minBaseFeePerGas: quantity,
  }),
  validators: z.array(validatorEntrySchema),
  alloc: z.record(address, allocEntrySchema),
});
/** A genesis file as written on disk (amounts as hex or decimal strings). */
export type GenesisFile = z.input<typeof genesisFileSchema>;

export interface AllocEntry {
  balance: bigint;
  nonce?: bigint;
  code?: Hex;
  storage?: Record<Hex, Hex>;
}

/** A parsed genesis: the chain's parameters, validators and allocation. */
export interface Genesis {
  chainId: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  baseFeePerGas: bigint;
  feeParams: FeeParams;
  validators: ValidatorEntry[];
  alloc: Map<Address, AllocEntry>;
}

export class InvalidGenesisError extends Error {
  readonly code = "INVALID_GENESIS";
  constructor(readonly issues: string[]) {
    super(`invalid genesis: ${issues.join("; ")}`);
  }
}

export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const DEV_ACCOUNT_BALANCE = 10_000n * USDC;
/** 1 gwei-equivalent: a 21,000-gas transfer costs 0.000021 USDC at the floor. */
export const DEFAULT_BASE_FEE = 1_000_000_000n;
export const DEFAULT_GAS_LIMIT = 30_000_000;

/** The 10 accounts anvil and Hardhat fund from the standard test mnemonic. */
export function devAccounts(count = 10): Address[] {
  // Deriving from the mnemonic costs ~0.1 s per account (PBKDF2 + BIP-32): derive once.
  while (derivedDevAccounts.length < count) {
    derivedDevAccounts.push(
      mnemonicToAccount(DEV_MNEMONIC, { addressIndex: derivedDevAccounts.length }).address,
    );
  }
  return derivedDevAccounts.slice(0, count);
}
const derivedDevAccounts: Address[] = [];

export interface CreateGenesisOptions {
  validators: ValidatorEntry[];
  chainId?: bigint;
  timestamp?: bigint;
  gasLimit?: number;
  baseFeePerGas?: bigint;
  feeParams?: Partial<FeeParams>;
  /** Defaults to 10,000 USDC for each dev account. */
  alloc?: Record<Address, AllocEntry>;
}

/** The genesis file for a new network. Pure: same options, same file, same genesis hash. */
export function createGenesis(options: CreateGenesisOptions): GenesisFile {
  const baseFee = options.baseFeePerGas ?? DEFAULT_BASE_FEE;
  const alloc: Record<Address, AllocEntry> =
    options.alloc ?? Object.fromEntries(devAccounts().map((a) => [a, { balance: DEV_ACCOUNT_BALANCE }]));
  return {
    chainId: Number(options.chainId ?? KAIROS_CHAIN_ID),
    timestamp: Number(options.timestamp ?? 0n),
    gasLimit: options.gasLimit ?? DEFAULT_GAS_LIMIT,
    baseFeePerGas: toHex(baseFee),
    feeParams: {
      baseFeeChangeDenominator: Number(options.feeParams?.baseFeeChangeDenominator ?? 8n),
      elasticityMultiplier: Number(options.feeParams?.elasticityMultiplier ?? 2n),
      minBaseFeePerGas: toHex(options.feeParams?.minBaseFeePerGas ?? baseFee),
    },
    validators: options.validators,
    alloc: Object.fromEntries(
      Object.entries(alloc).map(([addr, entry]) => [
        getAddress(addr),
        {
          balance: toHex(entry.balance),
          ...(entry.nonce !== undefined ? { nonce: toHex(entry.nonce) } : {}),
          ...(entry.code !== undefined ? { code: entry.code } : {}),
          ...(entry.storage !== undefined ? { storage: entry.storage } : {}),
        },
      ]),
    ),
  };
}

export function parseGenesis(input: unknown): Genesis {
  const parsed = genesisFileSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidGenesisError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
    );
  }
  const file = parsed.data;
  return {
    chainId: BigInt(file.chainId),
    timestamp: BigInt(file.timestamp),
    gasLimit: BigInt(file.gasLimit),
    baseFeePerGas: file.baseFeePerGas,
    feeParams: {
      baseFeeChangeDenominator: BigInt(file.feeParams.baseFeeChangeDenominator),
      elasticityMultiplier: BigInt(file.feeParams.elasticityMultiplier),
      minBaseFeePerGas: file.feeParams.minBaseFeePerGas,
    },
    validators: file.validators,
    alloc: new Map(
      Object.entries(file.alloc).map(([addr, e]) => [
        getAddress(addr),
        {
          balance: e.balance,
          ...(e.nonce !== undefined ? { nonce: e.nonce } : {}),
          ...(e.code !== undefined ? { code: e.code as Hex } : {}),
          ...(e.storage !== undefined ? { storage: e.storage as Record<Hex, Hex> } : {}),
        },
      ]),
    ),
  };
}

/** The native supply: what the alloc created. Never changes, because fees are not burned. */
export function totalSupply(genesis: Genesis): bigint {
  let sum = 0n;
  for (const entry of genesis.alloc.values()) sum += entry.balance;
  return sum;
}

/**
 * Commits to everything in the genesis that the state root does not: the validator set and the fee
 * parameters. It goes in the genesis header's extraData, so two networks with the same alloc and
 * different validators have different genesis hashes.
 */
export function genesisDigest(genesis: Genesis): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256[3]" },
        {
          type: "tuple[]",
          components: [{ type: "uint32" }, { type: "bytes" }, { type: "string" }, { type: "address" }],
        },
      ],
      [
        [
          genesis.feeParams.baseFeeChangeDenominator,
          genesis.feeParams.elasticityMultiplier,
          genesis.feeParams.minBaseFeePerGas,
        ],
        genesis.validators.map(
          (v) => [v.index, v.blsPublicKey as Hex, v.peerId, getAddress(v.feeRecipient)] as const,
        ),
      ],
    ),
  );
}

/** Writes the alloc into `stateManager` (positioned at the empty root) and commits it. */
export async function writeGenesisState(
  genesis: Genesis,
  stateManager: MerkleStateManager,
): Promise<Uint8Array> {
  await stateManager.checkpoint();
  for (const [addr, entry] of genesis.alloc) {
    const address = createAddressFromString(addr);
    await stateManager.putAccount(address, new Account(entry.nonce ?? 0n, entry.balance));
    if (entry.code !== undefined) await stateManager.putCode(address, hexToBytes(entry.code));
    for (const [slot, value] of Object.entries(entry.storage ?? {})) {
      await stateManager.putStorage(
        address,
        hexToBytes(padHex(slot as Hex, { size: 32 })),
        hexToBytes(value as Hex),
      );
    }
  }
  await stateManager.commit();
  await stateManager.flush();
  return stateManager.getStateRoot();
}

export function genesisBlock(genesis: Genesis, stateRoot: Uint8Array, common: Common): Block {
  return createBlock(
    {
      header: {
        number: 0n,
        gasLimit: genesis.gasLimit,
        baseFeePerGas: genesis.baseFeePerGas,
        timestamp: genesis.timestamp,
        stateRoot,
        extraData: hexToBytes(genesisDigest(genesis)),
      },
    },
    { common, setHardfork: false },
  );
}

const toHex = (value: bigint): Hex => `0x${value.toString(16)}`;
