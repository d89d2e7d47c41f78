import { afterEach, describe, expect, it } from "vitest";
import { SyncRequestFailedError } from "../../../src/p2p/errors.js";
import type { P2pHost } from "../../../src/p2p/host.js";
import { type SyncHandler, type SyncOptions, SyncProtocol } from "../../../src/p2p/sync.js";
import { decodeSyncRequest, encodeSyncRequest, type SyncRequest } from "../../../src/p2p/sync-request.js";
import { bytes, meshAll, startHosts, stopAll, text, waitFor } from "./helpers.js";

let hosts: P2pHost[] = [];
let syncs: SyncProtocol[] = [];

afterEach(async () => {
  await Promise.all(syncs.map((sync) => sync.stop()));
  await stopAll(hosts);
  hosts = [];
  syncs = [];
});

/** A node's store stand-in: answers final blocks as "block:<height>" lines. */
const blockServer: SyncHandler = async (request) =>
  request.kind === "final-blocks"
    ? bytes(Array.from({ length: request.count }, (_, i) => `block:${request.from + BigInt(i)}`).join("\n"))
    : null;

async function network(
  handlers: (SyncHandler | undefined)[],
  options: SyncOptions = {},
  perNode: SyncOptions[] = [],
): Promise<SyncProtocol[]> {
  hosts = await startHosts(handlers.length);
  meshAll(hosts);
  await waitFor("mesh", () => hosts.every((host) => host.connectedPeers().length === handlers.length - 1));
  syncs = hosts.map(
    (host, i) =>
      new SyncProtocol(host, { handler: handlers[i], serveTimeoutMs: 60_000, ...options, ...perNode[i] }),
  );
  await Promise.all(syncs.map((sync) => sync.start()));
  return syncs;
}

async function failureOf(request: Promise<unknown>): Promise<SyncRequestFailedError> {
  try {
    await request;
  } catch (error) {
    if (error instanceof SyncRequestFailedError) return error;
    throw error;
  }
  throw new Error("expected the request to fail");
}

describe("sync request encoding", () => {
  it("round-trips every request kind and refuses malformed bytes", () => {
    const requests: SyncRequest[] = [
      { kind: "final-blocks", from: 12n, count: 64 },
      { kind: "certificates", from: 2n ** 40n, count: 1 },
      { kind: "block", digest: `0x${"ab".repeat(32)}` },
    ];
    for (const request of requests) expect(decodeSyncRequest(encodeSyncRequest(request))).toEqual(request);
    expect(() => decodeSyncRequest(new Uint8Array([9, 0, 0]))).toThrow(/unknown sync request tag/);
    expect(() => decodeSyncRequest(encodeSyncRequest(requests[0]).subarray(0, 5))).toThrow(/length/);
    const zero = encodeSyncRequest(requests[0]);
    zero.fill(0, 9);
    expect(() => decodeSyncRequest(zero)).toThrow(/count 0/);
  });
});

describe("sync protocol", () => {
  it("answers a range request from a peer, within the peer's request rate", async () => {
    const [client] = await network([undefined, blockServer], {}, [
      {},
      { rateLimit: { perSecond: 0.01, burst: 1 } },
    ]);
    const server = hosts[1].peerId;
    const answer = await client.request(server, { kind: "final-blocks", from: 5n, count: 3 });
    expect(text(answer)).toBe("block:5\nblock:6\nblock:7");
    const limited = await failureOf(client.request(server, { kind: "final-blocks", from: 8n, count: 1 }));
    expect(limited.data.attempts).toEqual([
      { peer: server, error: expect.stringMatching(/unavailable: rate limited/) },
    ]);
    expect(hosts[0].score(server)).toBe(0);
  });

  it("falls back to another peer when the preferred one times out, errors or lies", async () => {
    const stalled: SyncHandler = () => new Promise(() => {});
    const broken: SyncHandler = async () => {
      throw new Error("disk on fire");
    };
    const liar: SyncHandler = async () => bytes("forged");
    const [client] = await network([undefined, stalled, broken, liar, blockServer], {
      requestTimeoutMs: 2_000,
      maxAttempts: 5,
    });
    const [, slow, failing, lying, good] = hosts.map((host) => host.peerId);
    const request: SyncRequest = { kind: "final-blocks", from: 1n, count: 2 };
    const accept = (data: Uint8Array) => text(data).startsWith("block:");

    expect(text(await client.request(slow, request, { accept }))).toBe("block:1\nblock:2");
    expect(text(await client.request(failing, request, { accept }))).toBe("block:1\nblock:2");
    expect(text(await client.request(lying, request, { accept }))).toBe("block:1\nblock:2");
    expect(hosts[0].score(lying)).toBeLessThan(0);
    expect(hosts[0].score(good)).toBe(0);

    // With only the bad peers to ask, the error says what went wrong with each.
    const error = await failureOf(client.request(slow, request, { accept, maxAttempts: 1 }));
    expect((error as SyncRequestFailedError).data.attempts).toEqual([
      { peer: slow, error: expect.stringMatching(/did not answer within 2000 ms/) },
    ]);
  });

  it("limits response size on both ends and reports unknown items", async () => {
    const huge: SyncHandler = async () => new Uint8Array(4096);
    await network([undefined, huge, blockServer, huge], { maxResponseBytes: 1024 }, [
      {},
      {},
      {},
      { maxResponseBytes: 8192 },
    ]);
    const [client] = syncs;
    const [, big, good, bigger] = hosts.map((host) => host.peerId);
    // The server refuses to send beyond its limit; the client moves on.
    const answer = await client.request(
      big,
      { kind: "final-blocks", from: 1n, count: 1 },
      { accept: (data) => data.byteLength < 100 },
    );
    expect(text(answer)).toBe("block:1");
    const missing = await failureOf(
      client.request(good, { kind: "block", digest: `0x${"00".repeat(32)}` }, { maxAttempts: 1 }),
    );
    expect(missing.data.attempts[0].error).toMatch(/not-found/);

    // A server with a larger limit than this client: its oversized frame is refused and scored down.
    const failure = await failureOf(
      client.request(bigger, { kind: "final-blocks", from: 1n, count: 1 }, { maxAttempts: 1 }),
    );
    expect(failure.data.attempts[0].error).toMatch(/too long/);
    expect(hosts[0].score(bigger)).toBeLessThan(0);
    expect(hosts[0].score(big)).toBe(0);
  });
});
