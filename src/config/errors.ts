/** Where a bad value came from: a key in the TOML file or a `NODE_` environment variable. */
export type ConfigSource = { kind: "file"; file: string } | { kind: "env"; variable: string };

export interface ConfigProblem {
  /** Dotted key path as written in TOML (snake_case), e.g. `consensus.view_timeout_ms`. */
  path: string;
  /** What was expected, in words. */
  expected: string;
  source: ConfigSource;
}

/** The configuration cannot be used: the node must not start. The message names every problem. */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(describeProblem).join("\n"));
    this.name = "ConfigError";
  }
}

function describeProblem(problem: ConfigProblem): string {
  const where =
    problem.source.kind === "file"
      ? `${problem.source.file}: ${problem.path}`
      : `${problem.source.variable} (${problem.path})`;
  return `${where}: ${problem.expected}`;
}
