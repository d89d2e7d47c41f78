import { describe, expect, it } from "vitest";
import { parseCommand, UsageError } from "../../../src/cli/args.js";

describe("kairos command line", () => {
  it("defaults `start` to the 6-validator devnet on port 8545", () => {
    expect(parseCommand(["start"])).toEqual({
      name: "start",
      validators: 6,
      reset: false,
      dataDir: ".kairos",
      rpcPort: 8545,
    });
    expect(parseCommand(["start", "--validators", "1", "--reset"])).toMatchObject({
      validators: 1,
      reset: true,
    });
  });

  it("rejects bad input with a usage error that says what is wrong", () => {
    expect(() => parseCommand(["start", "--validators", "zero"])).toThrow(
      /--validators expects a positive integer/,
    );
    expect(() => parseCommand(["start", "--rpc-port", "70000"])).toThrow(UsageError);
    expect(() => parseCommand(["node"])).toThrow(/--config/);
    expect(() => parseCommand(["frobnicate"])).toThrow(/unknown command 'frobnicate'/);
    expect(() => parseCommand(["start", "--bogus"])).toThrow(UsageError);
  });
});
