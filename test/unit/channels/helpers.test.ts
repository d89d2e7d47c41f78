import { encodeAbiParameters, type Hex, hashTypedData, keccak256, verifyTypedData } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { paramsAbiParameter } from "../../../src/channels/abi.js";
import { channelId } from "../../../src/channels/channelId.js";
import { viemCrypto } from "../../../src/channels/crypto.js";
import { ChannelError } from "../../../src/channels/errors.js";
import { nativeCrypto, nativeSigner } from "../../../src/channels/nativeCrypto.js";
import { isLowS, toHighS } from "../../../src/channels/signature.js";
import { checkUpdate, paymentState, prefundState } from "../../../src/channels/state.js";
import {
  hashState,
  recoverStateSigner,
  signState,
  stateTypedData,
  verifyState,
} from "../../../src/channels/typedData.js";
import type { ChannelState } from "../../../src/channels/types.js";
import { alice, bob, CHAIN_ID, DEV_KEYS, domain, params, USDC } from "./fixtures.js";

const id = channelId(params, CHAIN_ID, domain.adjudicator);
const state: ChannelState = {
  channelId: id,
  version: 7n,
  balances: [3n * USDC, 2n * USDC],
  deposits: [5n * USDC, 0n],
  isFinal: false,
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ChannelError) return err.code;
    throw err;
  }
  return undefined;
}

describe("channelId", () => {
  it("is keccak256(abi.encode(chainId, adjudicator, params))", () => {
    const expected = keccak256(
      encodeAbiParameters(
        [{ type: "uint256" }, { type: "address" }, paramsAbiParameter],
        [BigInt(CHAIN_ID), domain.adjudicator, params],
      ),
    );
    expect(id).toBe(expected);
  });

  it("differs for another nonce, chain or adjudicator", () => {
    expect(channelId({ ...params, nonce: 2n }, CHAIN_ID, domain.adjudicator)).not.toBe(id);
    expect(channelId(params, CHAIN_ID + 1, domain.adjudicator)).not.toBe(id);
    expect(channelId(params, CHAIN_ID, "0x0000000000000000000000000000000000000001")).not.toBe(id);
  });

  it("refuses params the adjudicator could never pay", () => {
    expect(code(() => channelId({ ...params, payees: [alice.address] }, CHAIN_ID, domain.adjudicator))).toBe(
      "INVALID_PARAMS",
    );
    expect(
      code(() =>
        channelId({ ...params, participants: [alice.address, alice.address] }, CHAIN_ID, domain.adjudicator),
      ),
    ).toBe("INVALID_PARAMS");
  });
});

describe("EIP-712 state signatures", () => {
  it("the dev keys are the mnemonic's accounts", () => {
    const mnemonic = "test test test test test test test test test test test junk";
    for (let i = 0; i < DEV_KEYS.length; i++) {
      expect(mnemonicToAccount(mnemonic, { addressIndex: i }).address).toBe(
        nativeSigner(DEV_KEYS[i]).address,
      );
    }
  });

  it("the native digest equals viem's hashTypedData for many shapes of state", () => {
    const fast = nativeCrypto(domain);
    const shapes: ChannelState[] = [
      state,
      { ...state, isFinal: true },
      { ...state, version: 0n, balances: [0n, 0n], deposits: [0n, 0n] },
      { ...state, version: 2n ** 256n - 1n, balances: [2n ** 255n, 1n, 7n], deposits: [2n ** 255n, 8n, 0n] },
    ];
    for (const s of shapes) {
      expect(fast.digest(s)).toEqual(Buffer.from(hashState(s, domain).slice(2), "hex"));
      expect(hashState(s, domain)).toBe(hashTypedData(stateTypedData(s, domain)));
    }
  });

  it("native and viem signatures are identical (RFC 6979, low-s) and verify with viem's verifyTypedData", async () => {
    const fast = nativeCrypto(domain);
    const signer = nativeSigner(DEV_KEYS[0]);
    for (let v = 0n; v < 20n; v++) {
      const s = { ...state, version: v };
      const viaViem = await signState(alice, s, domain);
      const viaNative = signer.sign(s, fast.digest(s));
      expect(viaNative).toBe(viaViem);
      expect(isLowS(viaNative)).toBe(true);
      expect(
        await verifyTypedData({ ...stateTypedData(s, domain), address: alice.address, signature: viaNative }),
      ).toBe(true);
      expect(await verifyState(s, domain, viaNative, alice.address)).toBe(true);
      expect(fast.recover(fast.digest(s), viaNative)).toBe(alice.address.toLowerCase());
      expect(await viemCrypto(domain).recover(fast.digest(s), viaNative)).toBe(alice.address);
    }
  });

  it("rejects a signature by someone else, for another domain, or with high s", async () => {
    const sig = await signState(alice, state, domain);
    expect(await verifyState(state, domain, sig, bob.address)).toBe(false);
    expect(await verifyState(state, { ...domain, chainId: 1 }, sig, alice.address)).toBe(false);
    expect(await verifyState({ ...state, version: 8n }, domain, sig, alice.address)).toBe(false);
    const high = toHighS(sig);
    // The high-s twin is a valid ECDSA signature by the same key, which the adjudicator refuses: so do we.
    expect(
      await verifyTypedData({ ...stateTypedData(state, domain), address: alice.address, signature: high }),
    ).toBe(true);
    expect(await verifyState(state, domain, high, alice.address)).toBe(false);
    await expect(recoverStateSigner(state, domain, high)).rejects.toMatchObject({ code: "HIGH_S_SIGNATURE" });
    expect(() => nativeCrypto(domain).recover(nativeCrypto(domain).digest(state), high)).toThrow(
      ChannelError,
    );
    await expect(viemCrypto(domain).recover(nativeCrypto(domain).digest(state), high)).rejects.toMatchObject({
      code: "HIGH_S_SIGNATURE",
    });
  });

  it("the native key check agrees with recovery before and after it has learned a signer's key", async () => {
    const fast = nativeCrypto(domain);
    const digest = fast.digest(state);
    const sig = await signState(alice, state, domain);
    const bobs = await signState(bob, state, domain);
    for (let round = 0; round < 2; round++) {
      expect(fast.verify!(digest, sig, alice.address)).toBe(true);
      expect(fast.verify!(digest, bobs, alice.address)).toBe(false);
      expect(fast.verify!(fast.digest({ ...state, version: 8n }), sig, alice.address)).toBe(false);
      expect(code(() => fast.verify!(digest, toHighS(sig), alice.address))).toBe("HIGH_S_SIGNATURE");
      // The other recovery id gives another key: a wrong v is refused, as ecrecover on-chain would.
      const flipped = `${sig.slice(0, -2)}${sig.endsWith("1b") ? "1c" : "1b"}` as Hex;
      expect(fast.verify!(digest, flipped, alice.address)).toBe(false);
    }
  });
});

describe("low-s", () => {
  const halfN = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
  const sigWithS = (s: bigint): Hex => `0x${"11".repeat(32)}${s.toString(16).padStart(64, "0")}1b`;
  it("accepts 0 < s <= n/2 and nothing else", () => {
    expect(isLowS(sigWithS(1n))).toBe(true);
    expect(isLowS(sigWithS(halfN))).toBe(true);
    expect(isLowS(sigWithS(halfN + 1n))).toBe(false);
    expect(isLowS(sigWithS(0n))).toBe(false);
    expect(isLowS(sigWithS(2n ** 256n - 1n))).toBe(false);
    expect(isLowS("0x1234")).toBe(false);
  });
});

describe("update rules", () => {
  const funded: ChannelState = {
    channelId: id,
    version: 1n,
    balances: [10n, 0n],
    deposits: [10n, 0n],
    isFinal: false,
  };

  it("accept a payment from the payer, one version up or more (a failed update's version is skipped)", () => {
    const next = paymentState(funded, 0, 1, 4n);
    expect(code(() => checkUpdate(funded, next, 0))).toBeUndefined();
    expect(code(() => checkUpdate(funded, { ...next, version: 3n }, 0))).toBeUndefined();
  });

  it("refuse replays, overspends, money moving towards the proposer, and anything after final", () => {
    const next = paymentState(funded, 0, 1, 4n);
    expect(code(() => checkUpdate(next, next, 0))).toBe("STALE_VERSION");
    expect(code(() => checkUpdate(funded, { ...next, balances: [-1n, 11n] }, 0))).toBe("OVERSPEND");
    expect(code(() => paymentState(funded, 0, 1, 11n))).toBe("OVERSPEND");
    expect(code(() => checkUpdate(funded, next, 1))).toBe("BALANCE_DECREASE");
    expect(code(() => checkUpdate(funded, { ...next, balances: [6n, 5n] }, 0))).toBe("CONSERVATION");
    expect(code(() => checkUpdate({ ...funded, isFinal: true }, next, 0))).toBe("FINALIZED");
  });

  it("accept a funding update only when the chain shows the deposit", () => {
    const pre = prefundState(id, 2);
    const fund: ChannelState = { ...pre, version: 1n, balances: [10n, 0n], deposits: [10n, 0n] };
    expect(code(() => checkUpdate(pre, fund, 0))).toBe("DEPOSITS_CHANGED");
    expect(code(() => checkUpdate(pre, fund, 0, [9n, 0n]))).toBe("DEPOSITS_CHANGED");
    expect(code(() => checkUpdate(pre, fund, 0, [10n, 0n]))).toBeUndefined();
  });
});
