/** The slice of a pino logger the p2p layer uses; the node passes `logger.child({ module: "p2p" })`. */
export interface P2pLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export const silentLogger: P2pLogger = {
  debug() {},
  info() {},
  warn() {},
};
