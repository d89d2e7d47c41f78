// The Solidity toolchain works offline: forge (through the solc-js shim) and Hardhat 3 (solc-js WASM)
// both compile contracts/, and the Foundry suite (unit, fuzz and invariant tests) passes. This is how
// `npm test` runs the contracts' own tests.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import {
  type Abi,
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  encodeAbiParameters,
  type Hex,
  hashTypedData,
  http,
  keccak256,
  parseEther,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, "../..");
const forge = path.join(root, "node_modules/@foundry-rs/forge-linux-amd64/bin/forge");
const hardhat = path.join(root, "node_modules/hardhat/dist/src/cli.js");
// The solc shim is a `#!/usr/bin/env node` script: put this Node (22) first on its PATH.
const env = {
  ...process.env,
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
};
const MINUTES = 60_000;

interface Artifact {
  abi: { type: string; name?: string }[];
}

function abiNames(file: string): string[] {
  const artifact = JSON.parse(readFileSync(file, "utf8")) as Artifact;
  return artifact.abi.filter((e) => e.type === "function").map((e) => e.name ?? "");
}

const ADJUDICATOR_FUNCTIONS = [
  "deposit",
  "depositToken",
  "close",
  "challenge",
  "respond",
  "settle",
  "claim",
  "holdings",
  "totalDeposited",
  "challengeOf",
  "claimable",
  "channelId",
];

describe("Solidity toolchain (offline)", () => {
  it(
    "forge build compiles the contracts with solc-js",
    async () => {
      const { stdout } = await run(forge, ["build"], { cwd: root, env, maxBuffer: 64 << 20 });
      expect(stdout).not.toMatch(/error/i);
      const adjudicator = path.join(root, "out/ChannelAdjudicator.sol/ChannelAdjudicator.json");
      expect(abiNames(adjudicator)).toEqual(expect.arrayContaining(ADJUDICATOR_FUNCTIONS));
      const usdc = path.join(root, "out/USDC.sol/USDC.json");
      expect(abiNames(usdc)).toEqual(
        expect.arrayContaining(["transfer", "transferFrom", "approve", "allowance", "balanceOf", "permit"]),
      );
    },
    10 * MINUTES,
  );

  it("the committed artifacts in contracts/build match a fresh forge build", () => {
    // Genesis installs USDC's runtime code from contracts/build; scripts deploy the adjudicator from it.
    const exporter = require(path.join(root, "contracts/tools/export-artifacts.cjs")) as {
      CONTRACTS: string[];
      render(name: string): string;
    };
    for (const name of exporter.CONTRACTS) {
      const committed = readFileSync(path.join(root, "contracts/build", `${name}.json`), "utf8");
      expect(
        committed,
        `contracts/build/${name}.json is stale: run node contracts/tools/export-artifacts.cjs`,
      ).toBe(exporter.render(name));
    }
  });

  it(
    "forge test passes the unit, fuzz and invariant suites",
    async () => {
      const { stdout } = await run(forge, ["test"], {
        cwd: root,
        env,
        maxBuffer: 64 << 20,
      });
      expect(stdout).toMatch(/Ran \d+ test suites?.* 0 failed/);
      expect(stdout).toContain("invariant_fundsAccountedFor");
      expect(stdout).toContain("invariant_nobodyUnderpaid");
      expect(stdout).toContain("invariant_noChannelSettlesTwice");
      expect(stdout).toContain("testFuzz_closePaysStatePlusTopUps");
      expect(stdout).not.toMatch(/\[FAIL/);
    },
    10 * MINUTES,
  );

  it(
    "hardhat compile compiles the contracts with solc-js's WASM build",
    async () => {
      await run(process.execPath, [hardhat, "compile"], { cwd: root, env, maxBuffer: 64 << 20 });
      const adjudicator = path.join(
        root,
        "artifacts/contracts/ChannelAdjudicator.sol/ChannelAdjudicator.json",
      );
      expect(existsSync(adjudicator)).toBe(true);
      expect(abiNames(adjudicator)).toEqual(expect.arrayContaining(ADJUDICATOR_FUNCTIONS));
    },
    10 * MINUTES,
  );
});

// Dev keys 0 and 1 of the mnemonic `test test … junk` (funded by anvil and by Kairos's devnet genesis).
const DEV_KEYS: Hex[] = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
];
const KAIROS_CHAIN_ID = 1262569810;
const anvilBin = path.join(root, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const STATE_TYPES = {
  State: [
    { name: "channelId", type: "bytes32" },
    { name: "version", type: "uint256" },
    { name: "balances", type: "uint256[]" },
    { name: "deposits", type: "uint256[]" },
    { name: "isFinal", type: "bool" },
  ],
} as const;

const PARAMS_ABI = {
  type: "tuple",
  components: [
    { name: "participants", type: "address[]" },
    { name: "payees", type: "address[]" },
    { name: "nonce", type: "uint256" },
    { name: "challengePeriod", type: "uint256" },
  ],
} as const;

interface Params {
  participants: Address[];
  payees: Address[];
  nonce: bigint;
  challengePeriod: bigint;
}

interface State {
  channelId: Hex;
  version: bigint;
  balances: bigint[];
  deposits: bigint[];
  isFinal: boolean;
}

// The contracts on a real EVM node (anvil, with Kairos's chain ID): both tools deploy through the
// `kairos` network settings, and states signed by viem's signTypedData are accepted on-chain — the
// encoding the channel SDK relies on.
describe("deploying and using the adjudicator on an EVM node", () => {
  let anvil: ChildProcess | undefined;
  let url = "";

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    anvil = spawn(
      anvilBin,
      ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(KAIROS_CHAIN_ID), "--silent"],
      { stdio: "ignore" },
    );
    const probe = createPublicClient({ transport: http(url) });
    for (let i = 0; i < 100; i++) {
      try {
        await probe.getChainId();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error("anvil did not start");
  });

  afterAll(async () => {
    if (!anvil || anvil.exitCode !== null) return;
    const exited = new Promise((resolve) => anvil?.once("exit", resolve));
    anvil.kill("SIGTERM");
    await exited;
  });

  it(
    "forge script --broadcast deploys the adjudicator",
    async () => {
      const { stdout } = await run(
        forge,
        [
          "script",
          "contracts/script/Deploy.s.sol",
          "--rpc-url",
          url,
          "--private-key",
          DEV_KEYS[0],
          "--broadcast",
        ],
        { cwd: root, env, maxBuffer: 64 << 20 },
      );
      expect(stdout).toContain("ONCHAIN EXECUTION COMPLETE & SUCCESSFUL");
      const address = stdout.match(/adjudicator: contract ChannelAdjudicator (0x[0-9a-fA-F]{40})/)?.[1];
      expect(address).toBeDefined();
      const code = await createPublicClient({ transport: http(url) }).getCode({
        address: address as Address,
      });
      expect(code?.length ?? 0).toBeGreaterThan(2);
    },
    10 * MINUTES,
  );

  it(
    "hardhat deploys through the kairos network, and viem-signed states open, dispute and close channels",
    async () => {
      const { stdout } = await run(
        process.execPath,
        [hardhat, "run", "contracts/script/deploy-adjudicator.ts", "--network", "kairos"],
        { cwd: root, env: { ...env, RPC_URL: url }, maxBuffer: 64 << 20 },
      );
      const deployed = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as {
        adjudicator: Address;
        chainId: number;
      };
      expect(deployed.chainId).toBe(KAIROS_CHAIN_ID);
      const adjudicator = deployed.adjudicator;

      const artifact = path.join(root, "artifacts/contracts/ChannelAdjudicator.sol/ChannelAdjudicator.json");
      const abi = (JSON.parse(readFileSync(artifact, "utf8")) as { abi: Abi }).abi;
      const chain = defineChain({
        id: KAIROS_CHAIN_ID,
        name: "Kairos (anvil)",
        nativeCurrency: { name: "USD Coin", symbol: "USDC", decimals: 18 },
        rpcUrls: { default: { http: [url] } },
      });
      const pub = createPublicClient({ chain, transport: http(url) });
      const [alice, bob] = DEV_KEYS.map((k) => privateKeyToAccount(k));
      const wallets = [alice, bob].map((account) =>
        createWalletClient({ account, chain, transport: http(url) }),
      );
      const domain = {
        name: "Kairos Channels",
        version: "1",
        chainId: KAIROS_CHAIN_ID,
        verifyingContract: adjudicator,
      };

      async function send(who: number, functionName: string, args: unknown[], value?: bigint): Promise<void> {
        const hash = await wallets[who].writeContract({
          address: adjudicator,
          abi,
          functionName,
          args,
          value,
        });
        const receipt = await pub.waitForTransactionReceipt({ hash });
        expect(receipt.status).toBe("success");
      }
      async function signed(state: State): Promise<Hex[]> {
        const message = { ...state };
        return Promise.all(
          [alice, bob].map((a) =>
            a.signTypedData({ domain, types: STATE_TYPES, primaryType: "State", message }),
          ),
        );
      }
      async function openChannel(nonce: bigint): Promise<{ params: Params; id: Hex; payees: Address[] }> {
        const payees = [0, 1].map(() => privateKeyToAccount(generatePrivateKey()).address);
        const params: Params = {
          participants: [alice.address, bob.address],
          payees,
          nonce,
          challengePeriod: 60n,
        };
        const id = keccak256(
          encodeAbiParameters(
            [{ type: "uint256" }, { type: "address" }, PARAMS_ABI],
            [BigInt(KAIROS_CHAIN_ID), adjudicator, params],
          ),
        );
        expect(
          await pub.readContract({ address: adjudicator, abi, functionName: "channelId", args: [params] }),
        ).toBe(id);
        await send(0, "deposit", [params, 0n], parseEther("10"));
        await send(1, "deposit", [params, 1n], parseEther("10"));
        return { params, id, payees };
      }
      const tenEach = [parseEther("10"), parseEther("10")];

      // Cooperative close.
      const coop = await openChannel(1n);
      const final: State = {
        channelId: coop.id,
        version: 5n,
        balances: [parseEther("12.5"), parseEther("7.5")],
        deposits: tenEach,
        isFinal: true,
      };
      const digest = hashTypedData({ domain, types: STATE_TYPES, primaryType: "State", message: final });
      expect(
        await pub.readContract({ address: adjudicator, abi, functionName: "stateDigest", args: [final] }),
      ).toBe(digest);
      await send(0, "close", [coop.params, final, await signed(final)]);
      expect(await pub.getBalance({ address: coop.payees[0] })).toBe(parseEther("12.5"));
      expect(await pub.getBalance({ address: coop.payees[1] })).toBe(parseEther("7.5"));

      // Dispute: Alice registers a stale state, Bob answers with a newer one, the timer runs out.
      const dispute = await openChannel(2n);
      const stale: State = {
        channelId: dispute.id,
        version: 1n,
        balances: [parseEther("15"), parseEther("5")],
        deposits: tenEach,
        isFinal: false,
      };
      const latest: State = { ...stale, version: 2n, balances: [parseEther("4"), parseEther("16")] };
      await send(0, "challenge", [dispute.params, stale, await signed(stale)]);
      await send(1, "respond", [dispute.params, latest, await signed(latest)]);
      await createTestClient({ chain, mode: "anvil", transport: http(url) }).increaseTime({ seconds: 61 });
      await send(1, "settle", [dispute.params]);
      expect(await pub.getBalance({ address: dispute.payees[0] })).toBe(parseEther("4"));
      expect(await pub.getBalance({ address: dispute.payees[1] })).toBe(parseEther("16"));
      expect(await pub.getBalance({ address: adjudicator })).toBe(0n);
    },
    10 * MINUTES,
  );
});
