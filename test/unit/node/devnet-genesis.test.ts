import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseGenesis, totalSupply } from "../../../src/execution/genesis.js";
import { USDC_TOKEN_ADDRESS } from "../../../src/execution/usdc-precompile.js";
import { devnetGenesis } from "../../../src/node/devnet-genesis.js";

describe("the devnet genesis", () => {
  it("is what the generator makes for 6 validators, so `npm start` and the file agree", async () => {
    const committed = JSON.parse(
      readFileSync(new URL("../../../genesis/devnet.json", import.meta.url), "utf8"),
    );
    expect(committed).toEqual(await devnetGenesis(6));
  });

  it("funds the 10 dev accounts with 10,000 USDC and installs the USDC view", async () => {
    const genesis = parseGenesis(await devnetGenesis(6));
    expect(genesis.validators).toHaveLength(6);
    expect(totalSupply(genesis)).toBe(100_000n * 10n ** 18n);
    const alloc = (await devnetGenesis(6)).alloc as Record<string, { code?: string }>;
    const entry = Object.entries(alloc).find(
      ([address]) => address.toLowerCase() === USDC_TOKEN_ADDRESS.toLowerCase(),
    );
    expect(entry?.[1].code?.length).toBeGreaterThan(1000);
  });
});
