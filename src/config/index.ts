export { ConfigError, type ConfigProblem, type ConfigSource } from "./errors.js";
export { type LoadConfigOptions, loadConfig } from "./load.js";
export * from "./schema.js";
