/** CORS: which browser origins may call the node (MetaMask and dapps run in browsers). */
export class CorsPolicy {
  private readonly any: boolean;
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.any = origins.includes("*");
    this.origins = new Set(origins.map((o) => o.toLowerCase()));
  }

  /** The Access-Control-Allow-Origin value for a request from `origin`, or undefined to refuse it. */
  allowOrigin(origin: string | undefined): string | undefined {
    if (origin === undefined) return undefined;
    if (this.any) return "*";
    return this.origins.has(origin.toLowerCase()) ? origin : undefined;
  }

  /** WebSocket upgrades carry no CORS: refuse browsers from origins not allowed. */
  allowsWebSocket(origin: string | undefined): boolean {
    return origin === undefined || this.any || this.origins.has(origin.toLowerCase());
  }
}
