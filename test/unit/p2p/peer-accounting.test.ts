import { describe, expect, it } from "vitest";
import { PeerScoreBook } from "../../../src/p2p/peer-score.js";
import { PeerRateLimiter } from "../../../src/p2p/rate-limit.js";

describe("peer score book", () => {
  it("bans a peer whose penalties reach the threshold, once, for the ban period", () => {
    let now = 0;
    const book = new PeerScoreBook({ banThreshold: -100, banMs: 10_000, halfLifeMs: 60_000 }, () => now);
    expect(book.penalize("p", "malformed")).toEqual({ score: -40, banned: false });
    expect(book.penalize("p", "invalid")).toEqual({ score: -80, banned: false });
    expect(book.penalize("p", "unauthorized")).toEqual({ score: -100, banned: true });
    expect(book.isBanned("p")).toBe(true);
    expect(book.penalize("p", "malformed").banned).toBe(false);
    expect(book.isBanned("q")).toBe(false);
    now = 10_001;
    expect(book.isBanned("p")).toBe(false);
  });

  it("lets old penalties decay so an occasional fault is forgiven", () => {
    let now = 0;
    const book = new PeerScoreBook({ halfLifeMs: 1_000 }, () => now);
    book.penalize("p", "oversized");
    now = 1_000;
    expect(book.score("p")).toBeCloseTo(-30);
    now = 20_000;
    expect(book.penalize("p", "oversized").banned).toBe(false);
    book.prune();
    now = 60_000;
    book.prune();
    expect(book.score("p")).toBeCloseTo(0);
  });
});

describe("peer rate limiter", () => {
  it("allows a burst, then the sustained rate, per peer", () => {
    let now = 0;
    const limiter = new PeerRateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.tryTake("a"))).toEqual([true, true, true, false]);
    expect(limiter.tryTake("b")).toBe(true);
    now = 500;
    expect(limiter.tryTake("a")).toBe(true);
    expect(limiter.tryTake("a")).toBe(false);
  });
});
