/** Real libp2p hosts on 127.0.0.1 (free ports) for the p2p tests. */
import { generateKeyPair } from "@libp2p/crypto/keys";
import type { PrivateKey } from "@libp2p/interface";
import { type P2pHost as Host, P2pHost, type P2pHostOptions } from "../../../src/p2p/host.js";

export async function startHosts(
  count: number,
  options: Partial<P2pHostOptions> = {},
  keys: PrivateKey[] = [],
): Promise<Host[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const host = await P2pHost.create({
        privateKey: keys[i] ?? (await generateKeyPair("Ed25519")),
        redial: { minMs: 50, maxMs: 500 },
        ...options,
      });
      await host.start();
      return host;
    }),
  );
}

/** Every host keeps a connection to every other (as validators do). */
export function meshAll(hosts: Host[]): void {
  for (const host of hosts) {
    for (const other of hosts) if (other !== host) host.keepConnected(other.addresses()[0]);
  }
}

/** Polls until `condition` holds; fails after `timeoutMs` with `what` in the message. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function stopAll(hosts: Host[]): Promise<void> {
  await Promise.all(hosts.map((host) => host.stop()));
}

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);
