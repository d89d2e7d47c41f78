import { type AbiItem, toEventSignature, toFunctionSignature } from "viem";
import { describe, expect, it } from "vitest";
import { adjudicatorArtifact } from "../../../scripts/lib/adjudicatorArtifact.js";
import { adjudicatorAbi } from "../../../src/channels/abi.js";

/** What must agree between two ABI entries: kind, signature, mutability, outputs and indexed flags. */
function shape(item: AbiItem): string {
  if (item.type === "function") {
    return `function ${toFunctionSignature(item)} ${item.stateMutability} -> ${item.outputs.map((o) => o.type).join(",")}`;
  }
  if (item.type === "event")
    return `event ${toEventSignature(item)} ${item.inputs.map((i) => i.indexed === true).join(",")}`;
  if (item.type === "error") return `error ${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
  return item.type;
}

describe("adjudicator ABI", () => {
  it("every entry of src/channels/abi.ts matches contracts/ChannelAdjudicator.sol compiled with solc-js", () => {
    const compiled = new Set(adjudicatorArtifact().abi.map(shape));
    for (const item of adjudicatorAbi) expect(compiled, shape(item)).toContain(shape(item));
  });
});
